// Package runner is the pipeline at the heart of a run: it takes a lazy
// stream of jobs (case x prompt x target x repetition), calls each target
// through its own bounded pool and its call policy, scores every answer,
// and hands each result to one writer with group commit. Memory is bounded
// by concurrency and batch size, never by the size of the dataset.
package runner

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/sync/errgroup"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// Result ids come from a buffered random pool: one getrandom call per
// result would cost more than the rest of building it. It is switched on
// before any goroutine can create an id.
func init() { uuid.EnableRandPool() }

// Why a run stopped before its end.
const (
	StopCancelled = "cancelled"
	StopMaxCost   = "max_cost"
)

// Runner runs the jobs of one run. Set the fields, then call Run or
// RunJobs once; Execute may be called any number of times.
type Runner struct {
	Targets []*Target
	// Prompts and Render are Run's single matrix; RunJobs does not use them.
	Prompts []string
	Render  RenderFunc
	Repeat  int
	// Concurrency is each target's pool size unless the target sets its own.
	Concurrency int
	Stream      bool
	// Budget caps spending; when nil and MaxCost > 0 the runner makes one.
	Budget  policy.Budget
	MaxCost float64
	// Skip reports results that already exist (resume); they are not redone.
	Skip func(bench.Key) bool
	// Judges gives evaluators judge providers; nil offers none.
	Judges JudgeSource
	// ParallelEvaluations is the evaluation stage's pool size: how many
	// answers are scored by judges at once; 0 means 4.
	ParallelEvaluations int
	// Saved, when set, sees every result once it is stored, one batch at a
	// time from a single goroutine (live aggregates without re-reading).
	Saved func([]bench.Result)
	// Events receives the run's attempt, result, batch and budget events.
	Events   event.Publisher
	Logger   *slog.Logger
	Counters *Counters
	// BatchSize caps one write; 0 means 1024.
	BatchSize int
	// Tracer, when set, traces the run: a run span, a span per case whose
	// ids the result stores, and under it the provider calls and the
	// evaluation (internal/tracing). nil traces nothing.
	Tracer trace.Tracer

	// Transformer runs the transforms jobs name (Job.Transform); nil
	// makes every such job an error result.
	Transformer Transformer

	// Remote, when set, executes every job elsewhere (distributed workers)
	// instead of calling the target here; the rest of the pipeline (skip,
	// counters, writer, events, budget) is unchanged.
	Remote Remote

	// Settings for targets that come without a Policy.
	Timeout     time.Duration
	MaxRetries  int
	BackoffBase time.Duration
	Cache       policy.Cache
	// Cost prices a call of a target without a Policy; nil means free.
	Cost func(t *Target, model string, u bench.Usage) bench.Cost

	byID map[string]*Target
}

// Summary is what a finished run reports back.
type Summary struct {
	Results   int
	Succeeded int
	Errored   int
	Passed    int
	Failed    int
	Skipped   int
	CostUSD   float64
	// StoppedBy is "" for a run that went through, else StopCancelled or StopMaxCost.
	StoppedBy string
}

// Run executes the runner's one matrix (cases x Prompts x Targets x Repeat).
func (r *Runner) Run(ctx context.Context, runID string, cases iter.Seq2[bench.Case, error], sink ResultSink) (Summary, error) {
	ids := make([]string, len(r.Targets))
	for i, t := range r.Targets {
		ids[i] = t.ID
	}
	m := Matrix{Cases: cases, Prompts: r.Prompts, Render: r.Render, Targets: ids, Repeat: r.Repeat}
	return r.RunJobs(ctx, runID, m.Jobs(runID), sink)
}

// Prepare wraps every target without a Policy and sets defaults. RunJobs
// calls it; call it yourself before Execute.
func (r *Runner) Prepare(runID string) error {
	if len(r.Targets) == 0 {
		return errors.New("run: no providers")
	}
	if r.Counters == nil {
		r.Counters = &Counters{}
	}
	if r.Budget == nil && r.MaxCost > 0 {
		r.Budget = policy.NewBudget(r.MaxCost, 0)
	}
	r.byID = make(map[string]*Target, len(r.Targets))
	for _, t := range r.Targets {
		if t.Policy == nil {
			p, err := policy.Wrap(t.Provider, r.policyFor(t, runID))
			if err != nil {
				return err
			}
			t.Policy = p
		}
		r.byID[t.ID] = t
	}
	return nil
}

func (r *Runner) policyFor(t *Target, runID string) policy.Options {
	o := policy.Options{
		ID: t.ID, BaseURL: t.BaseURL, Scope: t.Extra,
		Settings: policy.Settings{MaxRetries: r.MaxRetries, BackoffBase: r.BackoffBase, Timeout: r.Timeout},
		Cache:    r.Cache, Budget: r.Budget, Events: r.Events, RunID: runID, Logger: r.Logger, Model: t.Model,
	}
	if l := policy.NewLocal(t.RequestsPerMinute, t.TokensPerMinute); l != nil {
		o.Limiter = l
	}
	if r.Cost != nil {
		o.Price = func(model string, u bench.Usage) bench.Cost {
			if model == "" {
				model = t.Model
			}
			return r.Cost(t, model, u)
		}
	}
	return o
}

// RunJobs executes jobs for runID and writes every result to sink. It
// returns an error only for infrastructure failures (unreadable cases, a
// store that fails); failed calls are results.
func (r *Runner) RunJobs(ctx context.Context, runID string, jobs iter.Seq2[Job, error], sink ResultSink) (Summary, error) {
	if err := r.Prepare(runID); err != nil {
		return Summary{}, err
	}
	r.Counters.start(time.Now())
	ctx, runSpan := tracing.StartRun(ctx, r.Tracer, runID)
	defer runSpan.End()
	// dispatch stops handing out new work (cost limit, Ctrl-C); ctx itself
	// cancels calls in flight only on Ctrl-C.
	dispatch, stopDispatch := context.WithCancelCause(ctx)
	defer stopDispatch(nil)
	if r.Budget != nil && r.Budget.Reached() {
		stopDispatch(errMaxCost) // a resumed run whose budget was already spent
	}

	w := newWriter(sink, r.batchSize(), 4*r.totalConcurrency(), stopDispatch)
	stored := 0
	w.onSaved = func(batch []bench.Result) {
		stored += len(batch)
		if r.Saved != nil {
			r.Saved(batch)
		}
		if r.Events != nil && r.Events.Active() {
			s := r.Counters.Snapshot()
			r.publish(runID, event.Event{Type: event.TypeBatchSaved, BatchSaved: &event.BatchSaved{Count: len(batch), Stored: stored, Progress: event.Progress{
				Total: s.Total, Done: s.Done, Skipped: s.Skipped, Errors: s.Errors, Failed: s.Failed, CostUSD: s.CostUSD,
			}}})
		}
	}
	var writerErr error
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		writerErr = w.run(ctx)
	}()

	finish := func(res *bench.Result) {
		r.Counters.add(res)
		if r.Events != nil && r.Events.Active() {
			rc := *res
			r.publish(runID, event.Event{Type: event.TypeResult, ResultReady: &event.ResultReady{Result: &rc}})
		}
		w.in <- *res
		if r.Budget != nil && r.Budget.Reached() {
			stopDispatch(errMaxCost)
		}
	}
	st := newStage(ctx, r, finish)
	queues := make(map[string]chan Job, len(r.Targets))
	var workers sync.WaitGroup
	for _, t := range r.Targets {
		q := make(chan Job, r.poolSize(t))
		queues[t.ID] = q
		for range r.poolSize(t) {
			workers.Go(func() {
				for j := range q {
					if dispatch.Err() != nil {
						continue // drain: the run is stopping
					}
					if r.Remote != nil {
						res := r.Remote.Execute(ctx, j)
						if r.Budget != nil {
							r.Budget.Spend(res.Cost.Total)
						}
						finish(&res)
						continue
					}
					cctx, span := tracing.StartCase(ctx, r.Tracer, j.Key)
					res, lp := r.call(cctx, t, &j)
					if eval.NeedsModels(j.Case.Assert) {
						st.submit(&pending{job: j, res: res, logprobs: lp, span: span})
						continue
					}
					if res.Status == bench.StatusSuccess {
						r.scoreInline(cctx, &j, &res, lp)
					}
					finish(&res)
					tracing.EndCase(span, &res)
				}
			})
		}
	}
	g, gctx := errgroup.WithContext(dispatch)
	g.Go(func() error {
		defer func() {
			for _, q := range queues {
				close(q)
			}
		}()
		return r.produce(gctx, jobs, queues, st)
	})
	prodErr := g.Wait()
	workers.Wait()
	st.close()
	close(w.in)
	<-writerDone

	sum := r.Counters.Summary()
	switch cause := context.Cause(dispatch); {
	case writerErr != nil:
		return sum, writerErr
	case ctx.Err() != nil:
		sum.StoppedBy = StopCancelled
	case errors.Is(cause, errMaxCost):
		sum.StoppedBy = StopMaxCost
		r.publish(runID, event.Event{Type: event.TypeBudgetReached, BudgetReached: &event.BudgetReached{LimitUSD: r.Budget.Limit(), SpentUSD: r.Budget.Spent()}})
	case prodErr != nil:
		return sum, prodErr
	}
	return sum, nil
}

var errMaxCost = errors.New("cost limit reached")

func (r *Runner) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

func (r *Runner) publish(runID string, e event.Event) {
	if r.Events == nil || !r.Events.Active() {
		return
	}
	e.RunID, e.Time = runID, time.Now()
	r.Events.Publish(e)
}

func (r *Runner) poolSize(t *Target) int {
	if t.Concurrency > 0 {
		return t.Concurrency
	}
	return max(r.Concurrency, 1)
}

func (r *Runner) totalConcurrency() int {
	n := 0
	for _, t := range r.Targets {
		n += r.poolSize(t)
	}
	return n
}

func (r *Runner) batchSize() int {
	if r.BatchSize <= 0 {
		return 1024
	}
	return r.BatchSize
}

// produce feeds each job to its target's queue, skipping finished ones.
func (r *Runner) produce(ctx context.Context, jobs iter.Seq2[Job, error], queues map[string]chan Job, st *stage) error {
	for j, err := range jobs {
		if err != nil {
			return err
		}
		if r.Skip != nil && r.Skip(j.Key) {
			r.Counters.skip()
			if eval.HasComparer(j.Case.Assert) {
				st.skipped(j.Key)
			}
			continue
		}
		q, ok := queues[j.Key.Provider]
		if !ok {
			return fmt.Errorf("job %s/%s: no target %q in this run", j.Key.CaseID, j.Key.PromptID, j.Key.Provider)
		}
		select {
		case q <- j:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

// Execute runs one job to a scored result, as a worker given a job by a
// queue does; side-by-side assertions see a group of one. Call Prepare first.
func (r *Runner) Execute(ctx context.Context, j Job) (bench.Result, error) {
	t, ok := r.byID[j.Key.Provider]
	if !ok {
		return bench.Result{}, fmt.Errorf("job %s: no target %q", j.Key.CaseID, j.Key.Provider)
	}
	ctx, span := tracing.StartCase(ctx, r.Tracer, j.Key)
	res, lp := r.call(ctx, t, &j)
	if res.Status == bench.StatusSuccess {
		// An evaluation span when the assertions call models, as in Run.
		ectx, es := ctx, trace.Span(nil)
		if eval.NeedsModels(j.Case.Assert) {
			ectx, es = tracing.StartEvaluation(ctx, len(j.Case.Assert))
		}
		in, m := r.input(&j, &res, lp)
		p := eval.ScoreEach(ectx, j.Case.Assert, in)
		eval.CompareGroup(ectx, j.Case.Assert, []*eval.Input{in}, []eval.Partial{p})
		AddJudgeCost(&res, m.Usage())
		r.combine(&j, &res, p)
		if es != nil {
			tracing.EndEvaluation(es, len(j.Case.Assert), &res)
		}
	}
	tracing.EndCase(span, &res)
	return res, nil
}

// call makes one job's call and turns it into an unscored result; it also
// returns the answer's log probabilities for the evaluators. The result
// carries the ids of ctx's span, the case's.
func (r *Runner) call(ctx context.Context, t *Target, j *Job) (bench.Result, []float64) {
	if j.Transform != nil {
		if res, failed := r.transformRequest(ctx, t, j); failed {
			return res, nil
		}
	}
	req := r.request(t, j)
	out := t.Policy.Do(ctx, &req, policy.Call{CaseID: j.Key.CaseID, Repetition: j.Key.Repetition})
	res := bench.Result{
		ID: uuid.Must(uuid.NewV7()).String(), RunID: j.RunID,
		CaseID: j.Key.CaseID, PromptID: j.Key.PromptID, Provider: t.ID, Model: t.Model,
		Repetition: j.Key.Repetition, Prompt: j.Prompt,
		Scores: map[string]bench.Score{}, Tags: j.Case.Tags, Metadata: j.Case.Metadata,
		Cached: out.Cached, Cost: out.Cost,
	}
	res.Status, res.Error = statusOf(ctx, out.Err)
	if out.Attempts > 1 {
		res.Metadata = withMeta(res.Metadata, "attempts", out.Attempts)
	}
	res.LatencyMs, res.TTFTMs = out.LatencyMs, out.TTFTMs
	if out.Err == nil || out.Response.Text != "" || len(out.Response.ToolCalls) > 0 {
		res.Response = out.Response.Text
		res.FinishReason = out.Response.FinishReason
		res.ToolCalls = out.Response.ToolCalls
		res.Tokens = out.Response.Usage
		if out.Response.Model != "" {
			res.Model = out.Response.Model
		}
		if w := out.Response.Warnings; len(w) > 0 {
			res.Metadata = withMeta(res.Metadata, "warnings", w)
			r.logger().Warn("provider warning", "provider", t.ID, "case", j.Key.CaseID, "warnings", w)
		}
	}
	if j.Transform != nil && res.Status == bench.StatusSuccess {
		r.transformResponse(ctx, j, &res)
	}
	tracing.Stamp(ctx, &res)
	res.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
	return res, out.Response.Logprobs
}

// withMeta returns a copy of md with k set: a case's metadata map is shared
// by all its results.
func withMeta(md map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(md)+4)
	maps.Copy(out, md)
	out[k] = v
	return out
}
