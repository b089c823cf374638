package runner

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// judgeTestType is an evaluator that asks the judge named by the
// assertion's provider to grade the answer, as a model-graded check does.
const judgeTestType = "runner-test-judge"

func init() {
	eval.Register(judgeTestType, eval.Func(func(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
		if in.Judges == nil {
			return bench.Score{}, errors.New("the run offers no judges")
		}
		j, err := in.Judges.Judge(ctx, a.Provider)
		if err != nil {
			return bench.Score{}, err
		}
		resp, err := j.Complete(ctx, provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: "grade: " + in.Output}}})
		// A judge that fails is a failed check, not an unusable assertion.
		switch {
		case err != nil:
			return bench.Score{Reason: "judge failed: " + err.Error()}, nil //nolint:nilerr // a failed judge call fails the check
		case strings.Contains(resp.Text, "PASS"):
			return bench.Score{Score: 1, Pass: true}, nil
		default:
			return bench.Score{Reason: resp.Text}, nil
		}
	}))
}

// judgeCallCost is what every judge call costs.
const judgeCallCost = 0.01

// judgeRig is a judge behind the call policy, as a run hands it to its
// evaluators, with a fake model that fails its first call with a 503.
type judgeRig struct {
	fake    *fakeProvider
	limiter *countingLimiter
	times   []time.Time // when each call reached the fake model
	mu      sync.Mutex
	events  *attemptLog
}

// countingLimiter counts the calls that waited for the rate limiter.
type countingLimiter struct {
	inner policy.Limiter
	n     atomic.Int64
}

func (l *countingLimiter) Wait(ctx context.Context, tokens int) (time.Duration, error) {
	l.n.Add(1)
	return l.inner.Wait(ctx, tokens)
}

// attemptLog keeps the attempt events of a run.
type attemptLog struct {
	mu sync.Mutex
	as []event.Attempt
}

func (l *attemptLog) Active() bool { return true }

func (l *attemptLog) Publish(e event.Event) {
	if e.Type != event.TypeAttempt {
		return
	}
	l.mu.Lock()
	l.as = append(l.as, *e.Attempt)
	l.mu.Unlock()
}

func (l *attemptLog) of(id string) []event.Attempt {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []event.Attempt
	for _, a := range l.as {
		if a.Provider == id {
			out = append(out, a)
		}
	}
	return out
}

func newJudgeRig() *judgeRig {
	rig := &judgeRig{events: &attemptLog{}}
	var n atomic.Int64
	rig.fake = &fakeProvider{GenerateFn: func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		rig.mu.Lock()
		rig.times = append(rig.times, time.Now())
		rig.mu.Unlock()
		if n.Add(1) == 1 {
			return provider.Response{}, &provider.Error{Kind: provider.KindOverloaded, StatusCode: 503, Err: errors.New("overloaded")}
		}
		return provider.Response{Text: "PASS", Model: "judge-model", Usage: bench.Usage{Prompt: 100, Completion: 5, Total: 105}}, nil
	}}
	return rig
}

// source is the run's JudgeSource: the judge named "judge" behind a
// policy with requests_per_minute, retries, the cache and the budget.
func (rig *judgeRig) source(t *testing.T, rpm float64, c policy.Cache, budget policy.Budget) JudgeSource {
	o := policy.Options{
		ID: "judge", BaseURL: "http://judge.invalid",
		Settings: policy.Settings{MaxRetries: 3, BackoffBase: time.Millisecond},
		Cache:    c, Budget: budget, Events: rig.events, RunID: "run",
		Price: func(string, bench.Usage) bench.Cost { return bench.Cost{Total: judgeCallCost, Currency: "USD"} },
	}
	if rpm > 0 {
		rig.limiter = &countingLimiter{inner: policy.NewLocal(rpm, 0)}
		o.Limiter = rig.limiter
	}
	p, err := policy.Wrap(rig.fake, o)
	if err != nil {
		t.Fatal(err)
	}
	return oneJudge{p}
}

// oneJudge offers a single provider, named "judge", as judge and embedder.
type oneJudge struct{ p *policy.Provider }

func (o oneJudge) Judge(_ context.Context, name string) (*policy.Provider, error) {
	if name != "judge" {
		return nil, errors.New("no judge " + name)
	}
	return o.p, nil
}

func (o oneJudge) Embedder(ctx context.Context, name string) (*policy.Provider, error) {
	return o.Judge(ctx, name)
}

func judgedCases(n int) func(yield func(bench.Case, error) bool) {
	return func(yield func(bench.Case, error) bool) {
		for c, err := range casesOf(n, "") {
			c.Assert = []bench.Assertion{{Type: judgeTestType, Provider: "judge"}}
			if !yield(c, err) {
				return
			}
		}
	}
}

// judgedRunner runs free target calls whose answers a judge grades.
func judgedRunner(judges JudgeSource, budget policy.Budget, events event.Publisher) *Runner {
	r := newRunner(&Target{ID: "a:m", Model: "m", Provider: &fakeProvider{GenerateFn: echoFn}})
	r.Judges, r.Budget, r.Events = judges, budget, events
	return r
}

// TestJudgeCallsGoThroughTheCallPolicy: a judge an evaluator calls is rate
// limited, retried, costed (in the result, its metadata and the budget)
// and cached, like a bench call.
func TestJudgeCallsGoThroughTheCallPolicy(t *testing.T) {
	t.Parallel()
	c, err := cache.OpenDisk(t.TempDir(), cache.TTLs{Default: time.Hour}, 64)
	if err != nil {
		t.Fatal(err)
	}
	const n = 15
	rig := newJudgeRig()
	budget := policy.NewBudget(0, 0)
	// 600 requests/min: a burst of 10, then one every 100ms.
	r := judgedRunner(rig.source(t, 600, c, budget), budget, rig.events)
	sink := &memSink{}
	sum, err := r.Run(context.Background(), "run", judgedCases(n), sink)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("retried", func(t *testing.T) {
		if got := rig.fake.calls.Load(); got != n+1 {
			t.Errorf("judge model called %d times, want %d (one 503 retried)", got, n+1)
		}
		retried := false
		for _, a := range rig.events.of("judge") {
			if a.Number == 2 && a.Wait == event.WaitBackoff {
				retried = true
			}
		}
		if !retried {
			t.Errorf("no second judge attempt after backoff in %+v", rig.events.of("judge"))
		}
		if sum.Passed != n {
			t.Errorf("%d of %d cases passed: the judge's 503 reached the evaluator", sum.Passed, n)
		}
	})
	t.Run("rate limited", func(t *testing.T) {
		if got := rig.limiter.n.Load(); got != n+1 {
			t.Errorf("%d judge attempts waited for the limiter, want all %d", got, n+1)
		}
		rig.mu.Lock()
		span := rig.times[len(rig.times)-1].Sub(rig.times[0])
		rig.mu.Unlock()
		// 16 calls at 10/s after a burst of 10 take at least 0.6s.
		if span < 450*time.Millisecond {
			t.Errorf("%d judge calls in %s: not limited to 600/min", n+1, span)
		}
		limited := 0
		for _, a := range rig.events.of("judge") {
			if a.Wait == event.WaitRateLimit {
				limited++
			}
		}
		if limited < 3 {
			t.Errorf("%d judge attempts report waiting for the rate limit", limited)
		}
	})
	t.Run("costed", func(t *testing.T) {
		for _, res := range sink.all() {
			if math.Abs(res.Cost.Total-judgeCallCost) > 1e-12 {
				t.Errorf("case %s costs %v, want the judge's %v (the target is free)", res.CaseID, res.Cost.Total, judgeCallCost)
			}
			if got, _ := res.Metadata["judge_cost_usd"].(float64); math.Abs(got-judgeCallCost) > 1e-12 {
				t.Errorf("case %s: judge_cost_usd %v, want %v", res.CaseID, res.Metadata["judge_cost_usd"], judgeCallCost)
			}
		}
		if want := n * judgeCallCost; math.Abs(sum.CostUSD-want) > 1e-9 || math.Abs(budget.Spent()-want) > 1e-9 {
			t.Errorf("run cost %v, budget spent %v; want %v", sum.CostUSD, budget.Spent(), want)
		}
	})
	t.Run("cached", func(t *testing.T) {
		before := rig.fake.calls.Load()
		budget2 := policy.NewBudget(0, 0)
		r2 := judgedRunner(rig.source(t, 600, c, budget2), budget2, rig.events)
		sink2 := &memSink{}
		sum2, err := r2.Run(context.Background(), "run2", judgedCases(n), sink2)
		if err != nil {
			t.Fatal(err)
		}
		if got := rig.fake.calls.Load() - before; got != 0 {
			t.Errorf("second run made %d judge calls, want all %d from the cache", got, n)
		}
		if sum2.Passed != n || sum2.CostUSD != 0 || budget2.Spent() != 0 {
			t.Errorf("cached judging: %d passed, cost %v, spent %v; want %d passed for free", sum2.Passed, sum2.CostUSD, budget2.Spent(), n)
		}
	})
}

// TestJudgeCostStopsTheRunAtMaxCost: the target is free, so only the judge's
// cost can reach the cap, and it must stop the run.
func TestJudgeCostStopsTheRunAtMaxCost(t *testing.T) {
	t.Parallel()
	rig := newJudgeRig()
	budget := policy.NewBudget(3.5*judgeCallCost, 0)
	r := judgedRunner(rig.source(t, 0, nil, budget), budget, nil)
	r.Concurrency = 1
	sink := &memSink{}
	sum, err := r.Run(context.Background(), "run", judgedCases(100), sink)
	if err != nil {
		t.Fatal(err)
	}
	if sum.StoppedBy != StopMaxCost {
		t.Fatalf("stopped by %q after %d results, want %q", sum.StoppedBy, sum.Results, StopMaxCost)
	}
	if got := len(sink.all()); got < 4 || got > 5 {
		t.Errorf("%d results stored with a budget for 3.5 judge calls, want 4 (or 5 with one in flight)", got)
	}
	if budget.Spent() < budget.Limit() || budget.Spent() > budget.Limit()+2*judgeCallCost {
		t.Errorf("spent %v of a %v budget", budget.Spent(), budget.Limit())
	}
}
