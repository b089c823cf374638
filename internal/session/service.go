// Package session is the run as a service: options -> plan (datasets,
// case selection, matrix, targets, budget, dry-run estimate) -> start,
// resume, retry errors or cancel -> finish (status, totals) -> outputs.
//
// Every front end (the CLI today, the API server and workers next) drives
// runs through it and none copies it. It holds no cobra or terminal code
// and no global state: several runs execute at once in one process, each
// with its own cancellation, event stream, budget and call policies. See
// docs/ARCHITECTURE.md.
package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// Service plans and runs benchmarks against one configuration and store.
type Service struct {
	cfg   *config.Config
	store store.Store
	log   *slog.Logger
	// HeartbeatEvery is how often a live run tells the store it is alive;
	// 0 means store.HeartbeatInterval.
	HeartbeatEvery time.Duration
	// JournalDir, when set, keeps each run's results in a journal there
	// before they reach the store in large batches (internal/journal);
	// when empty, the runner's group commit writes to the store directly.
	JournalDir string
	// Tracing, when set, traces every run (tests and the server set it);
	// when nil, [monitoring] enable_tracing builds one on first use.
	Tracing *tracing.Provider

	// Watchers are called with every run as it starts, before its first
	// event, so a process-wide watcher (the Prometheus metrics) subscribes
	// to each run whatever front end started it.
	Watchers []func(*Run)

	cacheOnce  sync.Once
	cache      policy.Cache
	cacheClose func() error
	cacheErr   error
	// judgeMem is the judges' in-memory cache when [cache] is off.
	judgeOnce sync.Once
	judgeMem  policy.Cache

	priceOnce sync.Once
	price     *pricing.Pricer
	priceErr  error

	sharedOnce sync.Once
	shared     *policy.SharedLimits
	sharedErr  error

	traceOnce  sync.Once
	traceErr   error
	ownTracing bool
	plugins    pluginState
}

// New returns a service. st may be nil for planning only (dry runs, the
// simulator's expected answers).
func New(cfg *config.Config, st store.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: st, log: log}
}

// Mode says what a plan is for.
type Mode int

// Plan modes.
const (
	// ModeRun plans a run that will call providers: keys are required.
	ModeRun Mode = iota
	// ModeDryRun plans an estimate: nothing is called, no key is needed.
	ModeDryRun
)

// Plan validates o and everything it names (datasets, providers, keys,
// inputs) before any call is made. Close the plan when done with it.
func (s *Service) Plan(ctx context.Context, o Options, mode Mode) (*Plan, error) {
	o.Datasets = absPaths(o.Datasets)
	if o.Repeat == 0 {
		o.Repeat = s.cfg.Benchmarks.Repeat
	}
	if o.Concurrency < 0 || o.Repeat < 1 || o.MaxCost < 0 {
		return nil, configErr("--concurrency and --repeat must be at least 1 and --max-cost not negative")
	}
	timeout, err := parseTimeout(o.Timeout, s.cfg.Benchmarks.Timeout)
	if err != nil {
		return nil, err
	}
	p, err := s.loadSuites(ctx, &o)
	if err != nil {
		return nil, err
	}
	p.timeout = timeout
	if err := p.countSelected(); err != nil {
		return nil, err
	}
	specs, err := providerSpecs(o.Providers, p)
	if err != nil {
		return nil, err
	}
	ts, err := s.buildTargets(ctx, specs, p, &o, mode == ModeRun)
	if err != nil {
		return nil, err
	}
	p.targets = ts
	if err := s.checkPriced(ts, &o); err != nil {
		_ = ts.Close()
		return nil, err
	}
	p.planned = p.selected * len(ts.targets) * max(o.Repeat, 1)
	return p, nil
}

// countSelected counts the cases the plan selects (times their prompts);
// selecting none is an input error naming the filter.
func (p *Plan) countSelected() error {
	cases, calls := 0, 0
	for _, su := range p.suites {
		n, err := p.count(su)
		if err != nil {
			return inputErr(err)
		}
		cases += n
		calls += n * len(su.PromptList())
	}
	if cases == 0 {
		switch {
		case p.filter != nil:
			return inputErr(fmt.Errorf("--filter %q selects no case of %d suite(s); it matches case ids, categories and tags", p.filter, len(p.suites)))
		default:
			return inputErr(errors.New("the datasets hold no case"))
		}
	}
	p.caseCount, p.selected = cases, calls
	return nil
}

// Continue plans the rest of an earlier run: with onlyErrors, its failed
// calls again; else every call it has not finished. It runs with the
// options the run was started with; a non-nil maxCost replaces the stored
// cap (the stored one is kept otherwise).
func (s *Service) Continue(ctx context.Context, ref string, onlyErrors bool, maxCost *float64) (*Plan, error) {
	if s.store == nil {
		return nil, errors.New("continue a run: no store")
	}
	run, err := s.store.GetRun(ctx, ref)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, &Error{Kind: KindNotFound, Err: fmt.Errorf("run %q not found; see `llm-test-bench runs list`", ref)}
		}
		return nil, err
	}
	var o Options
	raw, _ := json.Marshal(run.Config["bench"])
	if err := json.Unmarshal(raw, &o); err != nil || len(o.Datasets) == 0 {
		return nil, inputErr(fmt.Errorf("run %s has no saved options to resume from", run.ID))
	}
	if maxCost != nil {
		o.MaxCost = *maxCost
	}
	p, err := s.Plan(ctx, o, ModeRun)
	if err != nil {
		return nil, err
	}
	p.prev = run
	p.skip = []bench.Status{bench.StatusSuccess, bench.StatusError, bench.StatusTimeout}
	if onlyErrors {
		p.skip = []bench.Status{bench.StatusSuccess}
	}
	return p, nil
}

// ExpectedAnswers loads datasets and maps each rendered prompt to its
// case's expected answer, for a simulator serving the "expected" policy.
func (s *Service) ExpectedAnswers(ctx context.Context, datasets []string) (map[string]string, error) {
	p, err := s.loadSuites(ctx, &Options{Datasets: datasets})
	if err != nil {
		return nil, err
	}
	answers, err := p.ExpectedAnswers()
	return answers, inputErr(err)
}

// Options are the plan's options after defaults.
func (p *Plan) Options() Options { return p.opts }

// Planned is how many results the plan makes, before resume skips.
func (p *Plan) Planned() int { return p.planned }

// Close stops what the plan's targets started (simulators).
func (p *Plan) Close() error {
	if p.targets == nil {
		return nil
	}
	return p.targets.Close()
}

// responseCache opens the configured response cache ([cache]: disk or
// Redis) once per service; nil when caching is off.
func (s *Service) responseCache(ctx context.Context) (policy.Cache, error) {
	s.cacheOnce.Do(func() {
		c, err := cache.Open(ctx, s.cacheConfig(), cache.Options{Logger: s.log.With("component", "cache")})
		if err != nil {
			s.cacheErr = configErr("%v", err)
			return
		}
		if c != nil {
			s.cache, s.cacheClose = c, c.Close
		}
	})
	return s.cache, s.cacheErr
}

// cacheConfig is [cache] with the judges' TTL ([evaluation]
// cache_ttl_hours) for judge and embedding answers, unless [cache.kind_ttl]
// sets their own.
func (s *Service) cacheConfig() config.Cache {
	cc := s.cfg.Cache
	ttl := time.Duration(s.cfg.Evaluation.CacheTTLHours) * time.Hour
	kinds := maps.Clone(cc.KindTTL)
	if kinds == nil {
		kinds = map[string]time.Duration{}
	}
	for _, k := range []cache.Kind{cache.KindJudge, cache.KindEmbedding} {
		if _, set := kinds[string(k)]; !set {
			kinds[string(k)] = ttl
		}
	}
	cc.KindTTL = kinds
	return cc
}

// judgeCache is where judge and embedding answers are cached: the response
// cache when [cache] is enabled, else a process-wide memory cache of
// [evaluation] cache_size entries.
func (s *Service) judgeCache(ctx context.Context) (policy.Cache, error) {
	c, err := s.responseCache(ctx)
	if err != nil || c != nil {
		return c, err
	}
	s.judgeOnce.Do(func() {
		ttl := time.Duration(s.cfg.Evaluation.CacheTTLHours) * time.Hour
		m, err := cache.NewMemory(s.cfg.Evaluation.CacheSize, cache.TTLs{Default: ttl})
		if err == nil {
			s.judgeMem = m
		}
	})
	return s.judgeMem, nil
}

// Close releases what the service opened (the cache's connections). Runs
// must have finished.
func (s *Service) Close() error {
	s.stopPlugins()
	var err error
	if s.cacheClose != nil {
		err = s.cacheClose()
	}
	if s.shared != nil {
		err = errors.Join(err, s.shared.Close())
	}
	return errors.Join(err, s.closeTracing())
}

func parseTimeout(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, configErr("--timeout %q: want a duration such as 30s or 2m", s)
	}
	return d, nil
}

// absPaths makes file paths absolute so a resumed run finds its datasets
// from any directory; built-in names are kept.
func absPaths(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p
		if _, err := os.Stat(p); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				out[i] = abs
			}
		}
	}
	return out
}
