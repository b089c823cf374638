package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Manifest is what a worker process needs to execute a distributed run's
// jobs: the run's targets as the coordinator resolved them, without any
// credential. Each worker adds the API keys and config headers of its own
// configuration.
type Manifest struct {
	RunID   string        `json:"run_id"`
	Targets []TargetSpec  `json:"targets"`
	Timeout time.Duration `json:"timeout"`
	Stream  bool          `json:"stream"`
	NoCache bool          `json:"no_cache"`
}

// TargetSpec is one target of a Manifest.
type TargetSpec struct {
	// ID labels results; ProviderID is the "vendor:model" it was asked as;
	// Name is its section in the config ([providers.NAME]).
	ID         string `json:"id"`
	ProviderID string `json:"provider_id"`
	Name       string `json:"name"`
	Vendor     string `json:"vendor"`
	// Client is the vendor whose wire the client speaks ("openai" for the
	// simulator).
	Client  string `json:"client"`
	Model   string `json:"model"`
	BaseURL string `json:"base_url,omitempty"`
	// Headers are the suite's own; the worker adds its config's.
	Headers   map[string]string `json:"headers,omitempty"`
	APIKeyEnv string            `json:"api_key_env,omitempty"`
	// Simulated targets speak to the coordinator's simulator, which takes
	// any key; Options are then the coordinator's.
	Simulated         bool              `json:"simulated,omitempty"`
	Options           map[string]any    `json:"options,omitempty"`
	Sampling          provider.Sampling `json:"sampling"`
	Extra             map[string]any    `json:"extra,omitempty"`
	RequestsPerMinute float64           `json:"rpm,omitempty"`
	TokensPerMinute   float64           `json:"tpm,omitempty"`
	NoCache           bool              `json:"no_cache,omitempty"`
}

// Distributor sends a run's jobs to worker processes.
type Distributor interface {
	// Begin opens the run to workers.
	Begin(ctx context.Context, m Manifest) (Dispatch, error)
}

// Dispatch executes one run's jobs on workers until End.
type Dispatch interface {
	runner.Remote
	// InFlight is how many jobs of each target may wait for workers at once.
	InFlight() int
	// End closes the run to workers and stops whatever they still run of it.
	End(ctx context.Context) error
}

// Distribute makes runs of the plan execute their jobs on workers through
// d; the coordinator keeps planning, the store, progress and the summary.
func (p *Plan) Distribute(d Distributor) { p.dist = d }

func remoteSpec(t *target, name string, sp providerSpec, pcfg provider.Config) TargetSpec {
	simulated := t.noCache
	spec := TargetSpec{
		ID: t.ID, ProviderID: sp.ID, Name: name, Vendor: t.Vendor, Client: pcfg.Vendor, Model: pcfg.Model, BaseURL: pcfg.BaseURL,
		Headers: sp.Headers, APIKeyEnv: sp.APIKeyEnv, Simulated: simulated,
		Sampling: t.Sampling, Extra: t.Extra, RequestsPerMinute: t.RequestsPerMinute, TokensPerMinute: t.TokensPerMinute,
		NoCache: t.noCache,
	}
	if simulated {
		spec.Options = pcfg.Options
	}
	return spec
}

// manifest is the run's Manifest for its workers.
func (r *Run) manifest() Manifest {
	p := r.plan
	m := Manifest{RunID: r.run.ID, Timeout: p.timeout, Stream: p.opts.Stream, NoCache: p.opts.NoCache}
	for _, t := range p.targets.targets {
		m.Targets = append(m.Targets, t.remote)
	}
	return m
}

// distribute hands the runner's calls to the plan's distributor, if any.
func (r *Run) distribute(ctx context.Context, rn *runner.Runner) (Dispatch, error) {
	if r.plan.dist == nil {
		return nil, nil
	}
	d, err := r.plan.dist.Begin(ctx, r.manifest())
	if err != nil {
		return nil, fmt.Errorf("distribute run: %w", err)
	}
	rn.Remote = d
	rn.Concurrency = d.InFlight()
	for _, t := range rn.Targets {
		t.Concurrency = 0
	}
	return d, nil
}

// WorkerRunner builds the runner a worker process executes a distributed
// run's jobs with: the manifest's targets, with this service's keys,
// headers, retries, limits, cache and prices behind the same call policy a
// local run uses. Call Execute on it; it is prepared.
func (s *Service) WorkerRunner(ctx context.Context, m Manifest, concurrency int) (*runner.Runner, error) {
	var c policy.Cache
	if !m.NoCache {
		var err error
		if c, err = s.responseCache(ctx); err != nil {
			return nil, err
		}
	}
	price, err := s.pricer()
	if err != nil {
		return nil, err
	}
	var targets []*runner.Target
	var problems []error
	for _, spec := range m.Targets {
		t, err := s.workerTarget(spec, m, c, price.Cost)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		targets = append(targets, t)
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	rn := &runner.Runner{Targets: targets, Concurrency: max(concurrency, 1), Stream: m.Stream, Logger: s.log}
	if err := rn.Prepare(m.RunID); err != nil {
		return nil, err
	}
	return rn, nil
}

type priceFunc func(vendor, model, answered string, u bench.Usage) bench.Cost

func (s *Service) workerTarget(spec TargetSpec, m Manifest, c policy.Cache, price priceFunc) (*runner.Target, error) {
	if spec.Client == "exec" {
		return nil, fmt.Errorf("provider %q: workers do not run local commands (exec providers); run it without --distributed", spec.ID)
	}
	pc := s.cfg.Provider(spec.Name)
	pcfg := provider.Config{ID: spec.ProviderID, Vendor: spec.Client, Model: spec.Model, BaseURL: spec.BaseURL, Timeout: pc.Timeout}
	if spec.Simulated {
		pcfg.APIKey, pcfg.Options, pcfg.Headers = simulatedKey, spec.Options, spec.Headers
	} else {
		pcfg.Options, pcfg.Headers = pc.Options, mergeHeaders(pc.Headers, spec.Headers)
		sp := providerSpec{ProviderSpec: dataset.ProviderSpec{ID: spec.ProviderID, APIKeyEnv: spec.APIKeyEnv}}
		if err := s.resolveKey(&pcfg, spec.Name, sp); err != nil {
			return nil, err
		}
	}
	prov, err := provider.New(pcfg)
	if err != nil {
		return nil, err
	}
	retries := s.cfg.Benchmarks.MaxRetries
	if pc.MaxRetries != nil {
		retries = *pc.MaxRetries
	}
	o := policy.Options{
		ID: spec.ID, BaseURL: spec.BaseURL,
		Scope:    map[string]any{"options": pcfg.Options, "headers": pcfg.Headers, "extra": spec.Extra, "vendor": spec.Vendor},
		Settings: policy.Settings{MaxRetries: retries, Timeout: m.Timeout},
		RunID:    m.RunID, Logger: s.log.With("component", "policy"),
	}
	if l := policy.NewLocal(spec.RequestsPerMinute, spec.TokensPerMinute); l != nil {
		o.Limiter = l
	}
	if !spec.NoCache {
		o.Cache = c
	}
	vendor, model := spec.Vendor, spec.Model
	o.Price = func(answered string, u bench.Usage) bench.Cost { return price(vendor, model, answered, u) }
	pp, err := policy.Wrap(prov, o)
	if err != nil {
		return nil, err
	}
	return &runner.Target{
		ID: spec.ID, Vendor: spec.Vendor, Model: spec.Model, BaseURL: spec.BaseURL, Provider: prov, Policy: pp,
		RequestsPerMinute: spec.RequestsPerMinute, TokensPerMinute: spec.TokensPerMinute,
		Sampling: spec.Sampling, Extra: spec.Extra,
	}, nil
}
