package session

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/journal"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/internal/profile"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// Run is one execution of a plan. Subscribe to its events before Start;
// Wait for its result; Cancel it from anywhere.
type Run struct {
	plan     *Plan
	svc      *Service
	run      *bench.Run
	bus      *event.Bus
	counters *runner.Counters
	budget   *policy.LocalBudget
	done     chan struct{}

	cancelMu    sync.Mutex
	cancel      context.CancelFunc
	cancelled   bool
	interrupted bool
	res         Result

	// judges are the judges built for the run's evaluators (judges.go).
	judges judgeSet

	// profiles sums the run's results for the model profiles (profile.go).
	profiles profile.Builder

	watcher Watcher
	stop    stopState
}

// Result is how a run ended.
type Result struct {
	// Run is the run as stored: final status and totals.
	Run bench.Run
	// Summary holds the per-provider aggregates for tables and reports.
	Summary *report.Summary
	// StoppedBy is "", runner.StopCancelled, runner.StopMaxCost,
	// StopInterrupted or StopEarly.
	StoppedBy string
	// Err is an infrastructure failure (the store, unreadable cases).
	Err error
}

// NewRun prepares a run of the plan: a new one, or the continuation the
// plan was made for by Continue.
func (p *Plan) NewRun() *Run {
	r := &Run{plan: p, svc: p.svc, bus: event.NewBus(), counters: &runner.Counters{}, done: make(chan struct{})}
	if p.prev != nil {
		r.run = p.prev
	} else {
		r.run = &bench.Run{ID: uuid.Must(uuid.NewV7()).String(), Name: p.opts.Name, Tags: p.opts.Tags, CreatedAt: store.Now()}
	}
	return r
}

// ID is the run's id.
func (r *Run) ID() string { return r.run.ID }

// Subscribe returns a subscription to the run's events with room for
// buffer events. Subscribe before Start to see run_started.
func (r *Run) Subscribe(buffer int) *event.Subscription { return r.bus.Subscribe(buffer) }

// Counters are the run's live totals, for library callers and tests;
// the CLI's progress line reads them from batch_saved events.
func (r *Run) Counters() *runner.Counters { return r.counters }

// Cancel stops the run: no new calls, calls in flight are cancelled, and
// every finished result is kept.
func (r *Run) Cancel() {
	r.cancelMu.Lock()
	r.cancelled = true
	cancel := r.cancel
	r.cancelMu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// StopInterrupted is Result.StoppedBy for a run stopped by Interrupt.
const StopInterrupted = "interrupted"

// Interrupt stops the run as Cancel does (no new calls, calls in flight
// cancelled, every finished result kept), but leaves it resumable rather
// than cancelled: its stored status stays running, as if its process had
// stopped, so Continue picks it up again. A server uses it when it shuts
// down with runs in progress.
func (r *Run) Interrupt() {
	r.cancelMu.Lock()
	r.interrupted = true
	cancel := r.cancel
	r.cancelMu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (r *Run) wasInterrupted() bool {
	r.cancelMu.Lock()
	defer r.cancelMu.Unlock()
	return r.interrupted && !r.cancelled
}

// Wait blocks until the run has finished and returns how it ended.
func (r *Run) Wait() Result {
	<-r.done
	return r.res
}

// Start saves the run and starts executing it in the background. It
// returns once the run is stored, or with the error that prevented it.
func (r *Run) Start(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			r.res = Result{Run: *r.run, Err: err}
			close(r.done)
			r.bus.Close() // subscribers learn that nothing will come
		}
	}()
	st := r.svc.store
	if st == nil {
		return errors.New("start run: no store")
	}
	for _, w := range r.svc.Watchers {
		w(r)
	}
	p := r.plan
	run := r.run
	if run.Name == "" {
		names := make([]string, len(p.suites))
		for i, s := range p.suites {
			names[i] = suiteKey(s)
		}
		run.Name = strings.Join(names, " + ")
	}
	run.Config = map[string]any{"bench": p.opts}
	run.Total = p.planned
	run.Status = bench.RunRunning
	run.UpdatedAt = store.Now()
	if p.prev == nil {
		err = st.CreateRun(ctx, run)
	} else {
		err = st.UpdateRun(ctx, run)
	}
	if err != nil {
		return fmt.Errorf("save run: %w", err)
	}
	sink, js, err := r.sink(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil && js != nil {
			_ = js.j.Close() // the run never started: keep what the journal holds
		}
	}()
	skip, err := r.skipSet(ctx)
	if err != nil {
		return err
	}
	spent := 0.0
	if p.prev != nil {
		spent = p.prev.Totals.CostUSD
	}
	r.budget = policy.NewBudget(p.opts.MaxCost, spent)
	rn, err := r.runner(ctx, skip)
	if err != nil {
		return err
	}
	dispatch, err := r.distribute(ctx, rn)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	r.cancelMu.Lock()
	r.cancel = cancel
	if r.cancelled || r.interrupted {
		cancel() // Cancel or Interrupt came before Start
	}
	r.cancelMu.Unlock()
	r.counters.SetPlanned(p.planned)
	r.publish(event.Event{Type: event.TypeRunStarted, Started: &event.Started{
		Total: p.planned, Cases: p.caseCount, Prompts: p.promptCount(), Providers: targetIDs(p.targets.targets),
		Repetitions: max(p.opts.Repeat, 1), Resumed: p.prev != nil,
	}})
	go func() {
		defer close(r.done)
		defer cancel()
		stopBeat := r.heartbeat(ctx)
		defer stopBeat()
		live := r.liveAggregate(rn)
		sum, runErr := rn.RunJobs(rctx, run.ID, r.jobs(), sink)
		if dispatch != nil {
			runErr = errors.Join(runErr, dispatch.End(context.WithoutCancel(ctx)))
		}
		if js != nil {
			if err := js.close(context.WithoutCancel(ctx)); err != nil {
				runErr = errors.Join(runErr, err)
			}
		}
		r.res = r.finish(ctx, sum, runErr, live)
		r.publish(event.Event{Type: event.TypeRunFinished, Finished: &event.Finished{Status: r.res.Run.Status, Totals: r.res.Run.Totals}})
		r.bus.Close()
	}()
	return nil
}

// heartbeat tells the store every HeartbeatEvery that the run is
// alive, so a run whose process died shows as interrupted. It returns a
// function that stops it.
func (r *Run) heartbeat(ctx context.Context) func() {
	ctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		every := r.svc.HeartbeatEvery
		if every <= 0 {
			every = store.HeartbeatInterval
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.svc.store.Heartbeat(ctx, r.run.ID, store.Now()); err != nil {
					r.svc.log.Warn("run heartbeat failed", "run", r.run.ID, "error", err)
				}
			}
		}
	}()
	return func() { stop(); <-done }
}

// runner builds the run's one runner: every target behind its own call
// policy sharing the run's budget and event stream.
func (r *Run) runner(ctx context.Context, skip func(bench.Key) bool) (*runner.Runner, error) {
	p := r.plan
	cfg := r.svc.cfg
	var c policy.Cache
	if !p.opts.NoCache {
		var err error
		if c, err = r.svc.responseCache(ctx); err != nil {
			return nil, err
		}
	}
	for _, t := range p.targets.targets {
		pp, err := r.policyFor(t, c)
		if err != nil {
			return nil, err
		}
		t.Policy = pp
	}
	conc := p.opts.Concurrency
	if conc == 0 {
		conc = cfg.Benchmarks.Concurrency
	}
	tracer, err := r.svc.tracer()
	if err != nil {
		return nil, err
	}
	return &runner.Runner{
		Targets: p.targets.runnerTargets(), Concurrency: conc, Stream: p.opts.Stream,
		Budget: r.budget, Skip: skip, Judges: judgeSource{r}, Events: r.bus, Logger: r.svc.log,
		ParallelEvaluations: cfg.Evaluation.ParallelEvaluations,
		Counters:            r.counters, Tracer: tracer, Transformer: pluginTransformer{},
	}, nil
}

// policyFor puts one target behind the call policy.
func (r *Run) policyFor(t *target, c policy.Cache) (*policy.Provider, error) {
	return r.svc.wrapPolicy(t, c, policyScope{runID: r.run.ID, timeout: r.plan.timeout, budget: r.budget, events: r.bus})
}

// policyScope is what a call policy shares with its run.
type policyScope struct {
	runID   string
	timeout time.Duration
	budget  policy.Budget
	events  event.Publisher
}

// wrapPolicy puts one target behind the call policy: the config's
// retries, the target's limits, the cache unless the target refuses it,
// and the service's prices.
func (s *Service) wrapPolicy(t *target, c policy.Cache, sc policyScope) (*policy.Provider, error) {
	cfg := s.cfg
	retries := cfg.Benchmarks.MaxRetries
	if t.cfg.MaxRetries != nil {
		retries = *t.cfg.MaxRetries
	}
	o := policy.Options{
		ID: t.ID, BaseURL: t.BaseURL,
		Scope:    map[string]any{"options": t.cfg.Options, "headers": t.headers, "extra": t.Extra, "vendor": t.Vendor},
		Settings: policy.Settings{MaxRetries: retries, Timeout: sc.timeout},
		RunID:    sc.runID, Logger: s.log.With("component", "policy"),
		Budget: sc.budget, Events: sc.events,
		System: tracing.ProviderName(t.Vendor), Model: t.Model,
	}
	l, err := s.limiter(t)
	if err != nil {
		return nil, err
	}
	o.Limiter = l
	if !t.noCache {
		o.Cache = c
	}
	price, err := s.pricer()
	if err != nil {
		return nil, err
	}
	vendor, model := t.Vendor, t.Model
	o.Price = func(answered string, u bench.Usage) bench.Cost { return price.Cost(vendor, model, answered, u) }
	return policy.Wrap(t.Provider, o)
}

// jobs is the run's work: every suite's matrix, one after the other.
func (r *Run) jobs() iter.Seq2[runner.Job, error] {
	p := r.plan
	ids := targetIDs(p.targets.targets)
	streams := make([]iter.Seq2[runner.Job, error], len(p.suites))
	for i, s := range p.suites {
		m := runner.Matrix{Cases: p.cases(s), Prompts: promptIDs(s), Render: renderer(s), Targets: ids, Repeat: p.opts.Repeat, Transform: runnerTransform(s)}
		streams[i] = m.Jobs(r.run.ID)
	}
	return r.watched(runner.Concat(streams...))
}

// sink is where the run's results go: the store, or with a JournalDir a
// journal in front of it. A continued run's journal, left by a process
// that died, is replayed into the store first, so its results count as
// finished.
func (r *Run) sink(ctx context.Context) (runner.ResultSink, *journaledSink, error) {
	st, dir := r.svc.store, r.svc.JournalDir
	if dir == "" {
		return st, nil, nil
	}
	n, err := journal.Replay(dir, r.run.ID, storeBatch, func(rs []bench.Result) error { return st.WriteResults(ctx, rs) })
	if err != nil {
		return nil, nil, err
	}
	if n > 0 {
		r.svc.log.Info("replayed results a stopped process had journaled", "run", r.run.ID, "results", n)
	}
	j, err := journal.Open(dir, r.run.ID)
	if err != nil {
		return nil, nil, err
	}
	js := newJournaledSink(j, st)
	return js, js, nil
}

// skipSet loads the keys of results that must not be redone.
func (r *Run) skipSet(ctx context.Context) (func(bench.Key) bool, error) {
	if len(r.plan.skip) == 0 {
		return nil, nil
	}
	done := map[bench.Key]struct{}{}
	for k, err := range r.svc.store.Keys(ctx, r.run.ID, r.plan.skip...) {
		if err != nil {
			return nil, fmt.Errorf("read finished results: %w", err)
		}
		done[k] = struct{}{}
	}
	return func(k bench.Key) bool { _, ok := done[k]; return ok }, nil
}

// liveAggregate aggregates a new run's summary as results are saved (a
// continued run's must include earlier results, so finish re-reads the
// store instead), and shows each saved batch to the watcher.
func (r *Run) liveAggregate(rn *runner.Runner) *report.Aggregator {
	var live *report.Aggregator
	if r.plan.prev == nil {
		live = report.NewAggregator(*r.run)
	}
	w := r.watcher
	if live == nil && w == nil {
		return nil
	}
	rn.Saved = func(batch []bench.Result) {
		if live != nil {
			for i := range batch {
				live.Add(&batch[i])
				r.profiles.Add(&batch[i])
			}
		}
		if w != nil {
			w.Saved(batch)
		}
	}
	return live
}

// finish records the run's outcome and totals.
func (r *Run) finish(ctx context.Context, sum runner.Summary, runErr error, live *report.Aggregator) Result {
	// The final status is written even after a cancel.
	ctx = context.WithoutCancel(ctx)
	run := r.run
	res := Result{StoppedBy: sum.StoppedBy, Err: runErr}
	switch {
	case runErr != nil:
		run.Status = bench.RunFailed
	case sum.StoppedBy == runner.StopCancelled && r.wasInterrupted():
		run.Status = bench.RunRunning // resumable: Continue finishes it
		res.StoppedBy = StopInterrupted
	case sum.StoppedBy == runner.StopCancelled:
		run.Status = bench.RunCancelled
	case sum.StoppedBy == runner.StopMaxCost:
		run.Status = bench.RunCostLimit
	default:
		run.Status = bench.RunCompleted
		if reason, cut := r.stoppedEarly(); cut {
			run.Status = bench.RunCancelled
			run.Config[StopEarly] = reason
			res.StoppedBy = StopEarly
		}
	}
	agg := live
	if agg == nil {
		agg = report.NewAggregator(*run)
		for rec, err := range r.svc.store.Results(ctx, run.ID, store.ResultFilter{}) {
			if err != nil {
				return Result{Run: *run, Err: errors.Join(runErr, fmt.Errorf("read results: %w", err))}
			}
			agg.Add(&rec)
			r.profiles.Add(&rec)
		}
	}
	s, err := r.svc.saveSummary(ctx, run, agg)
	if err != nil {
		res.Err = errors.Join(runErr, err)
	} else {
		r.foldProfiles(ctx)
	}
	res.Run, res.Summary = *run, s
	return res
}

func (r *Run) publish(e event.Event) {
	if !r.bus.Active() {
		return
	}
	e.RunID, e.Time = r.run.ID, time.Now()
	r.bus.Publish(e)
}

func targetIDs(ts []*target) []string {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return ids
}

func (p *Plan) promptCount() int {
	n := 0
	for _, s := range p.suites {
		n += len(s.PromptList())
	}
	return n
}
