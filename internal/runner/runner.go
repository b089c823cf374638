// Package runner is the pipeline at the heart of a run: it expands cases x
// prompts x providers x repetitions lazily, calls each provider through its
// own bounded pool (concurrency, rate limits, retries, timeout, circuit
// breaker, cache), scores every answer, and hands each result to one
// batching writer. Memory is bounded by concurrency and batch size, never by
// the size of the dataset.
package runner

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/llm-test-bench/llm-test-bench/bench"
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

// Runner runs one suite. Set the fields, then call Run once.
type Runner struct {
	Targets []*Target
	// Prompts are the prompt ids to run each case with; empty means one, "default".
	Prompts []string
	// Render turns a prompt id and a case into chat messages and display text.
	Render func(promptID string, c *bench.Case) ([]bench.Message, string, error)
	// Concurrency is each target's pool size unless the target sets its own.
	Concurrency int
	Repeat      int
	Timeout     time.Duration
	MaxRetries  int
	BackoffBase time.Duration
	Stream      bool
	Cache       Cache
	// Cost prices a call; nil means calls are free.
	Cost func(t *Target, model string, u bench.Usage) bench.Cost
	// MaxCost stops new calls once this much has been spent (USD); 0 means no limit.
	MaxCost float64
	// Skip reports results that already exist (resume); they are not redone.
	Skip func(bench.Key) bool
	// Saved, when set, sees every result once it is stored, one batch at a
	// time from a single goroutine (live aggregates without re-reading).
	Saved         func([]bench.Result)
	Logger        *slog.Logger
	Progress      *Progress
	BatchSize     int
	FlushInterval time.Duration
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

type job struct {
	c        *bench.Case
	promptID string
	messages []bench.Message
	display  string
	rep      int
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

// Run executes the matrix for runID and writes every result to sink. It
// returns an error only for infrastructure failures (unreadable cases, a
// store that fails); failed calls are results.
func (r *Runner) Run(ctx context.Context, runID string, cases iter.Seq2[bench.Case, error], sink ResultSink) (Summary, error) {
	if len(r.Targets) == 0 {
		return Summary{}, errors.New("run: no providers")
	}
	if r.Progress == nil {
		r.Progress = &Progress{}
	}
	r.Progress.start(time.Now())
	for _, t := range r.Targets {
		t.init()
	}
	acc := &accumulator{}
	// dispatch stops handing out new work (cost limit, Ctrl-C); ctx itself
	// cancels calls in flight only on Ctrl-C.
	dispatch, stopDispatch := context.WithCancelCause(ctx)
	defer stopDispatch(nil)

	w := newBatcher(sink, r.batchSize(), r.flushInterval(), 4*r.totalConcurrency(), stopDispatch)
	w.onSaved = r.Saved
	var writerErr error
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		writerErr = w.run(ctx)
	}()

	queues := make([]chan job, len(r.Targets))
	g, gctx := errgroup.WithContext(dispatch)
	var workers sync.WaitGroup
	for i, t := range r.Targets {
		queues[i] = make(chan job, r.poolSize(t))
		for range r.poolSize(t) {
			workers.Go(func() {
				for j := range queues[i] {
					if dispatch.Err() != nil {
						continue // drain: the run is stopping
					}
					res := r.execute(ctx, runID, t, j)
					acc.add(&res)
					r.Progress.add(&res)
					w.in <- res
					if r.MaxCost > 0 && acc.cost() >= r.MaxCost {
						stopDispatch(errMaxCost)
					}
				}
			})
		}
	}
	g.Go(func() error {
		defer func() {
			for _, q := range queues {
				close(q)
			}
		}()
		return r.produce(gctx, cases, queues)
	})
	prodErr := g.Wait()
	workers.Wait()
	close(w.in)
	<-writerDone

	sum := acc.summary()
	switch cause := context.Cause(dispatch); {
	case writerErr != nil:
		return sum, writerErr
	case ctx.Err() != nil:
		sum.StoppedBy = StopCancelled
	case errors.Is(cause, errMaxCost):
		sum.StoppedBy = StopMaxCost
	case prodErr != nil:
		return sum, prodErr
	}
	return sum, nil
}

var errMaxCost = errors.New("cost limit reached")

func (r *Runner) flushInterval() time.Duration {
	if r.FlushInterval <= 0 {
		return 200 * time.Millisecond
	}
	return r.FlushInterval
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

// produce expands the matrix lazily and feeds each target's queue.
func (r *Runner) produce(ctx context.Context, cases iter.Seq2[bench.Case, error], queues []chan job) error {
	prompts := r.Prompts
	if len(prompts) == 0 {
		prompts = []string{"default"}
	}
	reps := max(r.Repeat, 1)
	for c, err := range cases {
		if err != nil {
			return fmt.Errorf("read cases: %w", err)
		}
		c := c
		for _, p := range prompts {
			msgs, display, rerr := r.Render(p, &c)
			if rerr != nil {
				return fmt.Errorf("render case %q prompt %q: %w", c.ID, p, rerr)
			}
			for i, t := range r.Targets {
				for rep := range reps {
					if r.Skip != nil && r.Skip(bench.Key{CaseID: c.ID, PromptID: p, Provider: t.ID, Repetition: rep}) {
						r.Progress.skip()
						continue
					}
					j := job{c: &c, promptID: p, messages: msgs, display: display, rep: rep}
					select {
					case queues[i] <- j:
					case <-ctx.Done():
						return nil
					}
				}
			}
		}
	}
	return nil
}

// execute makes one call and turns it into a scored result.
func (r *Runner) execute(ctx context.Context, runID string, t *Target, j job) bench.Result {
	req := r.request(t, j)
	out := r.call(ctx, t, &req, j.rep)
	res := bench.Result{
		ID: uuid.Must(uuid.NewV7()).String(), RunID: runID,
		CaseID: j.c.ID, PromptID: j.promptID, Provider: t.ID, Model: t.Model,
		Repetition: j.rep, Prompt: j.display,
		Scores: map[string]bench.Score{}, Tags: j.c.Tags, Metadata: j.c.Metadata,
		Cached: out.cached,
	}
	res.Status, res.Error = statusOf(ctx, out.err)
	if out.attempts > 1 {
		res.Metadata = withAttempts(res.Metadata, out.attempts)
	}
	res.LatencyMs, res.TTFTMs = out.latencyMs, out.ttftMs
	if out.err == nil || out.resp.Text != "" {
		res.Response = out.resp.Text
		res.FinishReason = out.resp.FinishReason
		res.Tokens = out.resp.Usage
		if out.resp.Model != "" {
			res.Model = out.resp.Model
		}
	}
	if r.Cost != nil && !out.cached {
		res.Cost = r.Cost(t, res.Model, res.Tokens)
	}
	if vc := out.resp.VendorCost; vc != nil && !out.cached {
		res.Cost = vendorCost(res.Cost, *vc)
	}
	if res.Cost.Currency == "" {
		res.Cost.Currency = "USD"
	}
	if res.Status == bench.StatusSuccess {
		o := evaluate(ctx, j, &res, out.resp.Logprobs)
		res.Scores, res.Score, res.Passed = o.Scores, o.Score, o.Passed
	}
	res.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
	return res
}

// vendorCost is the cost the vendor reported, split between input and
// output as the pricing table would split it (all input when it cannot).
func vendorCost(table bench.Cost, total float64) bench.Cost {
	c := bench.Cost{Total: total, Input: total, Currency: "USD"}
	if table.Total > 0 {
		c.Input = total * table.Input / table.Total
		c.Output = total - c.Input
	}
	return c
}

func withAttempts(md map[string]any, n int) map[string]any {
	out := make(map[string]any, len(md)+1)
	for k, v := range md {
		out[k] = v
	}
	out["attempts"] = n
	return out
}

func (r *Runner) batchSize() int {
	if r.BatchSize <= 0 {
		return 1024
	}
	return r.BatchSize
}
