package session_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// judgeType is a model-graded assertion for these tests: it asks the
// judge named by the assertion's provider whether the answer passes.
const judgeType = "session-test-judge"

func init() {
	eval.Register(judgeType, eval.Func(func(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
		if in.Judges == nil {
			return bench.Score{}, errors.New("the run offers no judges")
		}
		j, err := in.Judges.Judge(ctx, a.Provider)
		if err != nil {
			return bench.Score{}, err
		}
		resp, err := j.Complete(ctx, provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: "Grade this answer: " + in.Output}}})
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

// judgeServer is an OpenAI-compatible judge that answers PASS, fails its
// first call with a 503, and records when each call arrived.
type judgeServer struct {
	*httptest.Server
	mu    sync.Mutex
	times []time.Time
}

func newJudgeServer(t *testing.T) *judgeServer {
	t.Helper()
	sim, err := simulator.New(simulator.Config{Policy: simulator.PolicyScripted, DefaultAnswer: "PASS", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	js := &judgeServer{}
	h := sim.Handler()
	js.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			js.mu.Lock()
			js.times = append(js.times, time.Now())
			first := len(js.times) == 1
			js.mu.Unlock()
			if first {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"error":{"message":"overloaded","type":"server_error"}}`))
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { js.Close(); sim.Close() })
	return js
}

func (js *judgeServer) calls() (int, time.Duration) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if len(js.times) == 0 {
		return 0, 0
	}
	return len(js.times), js.times[len(js.times)-1].Sub(js.times[0])
}

// TestJudgeIsLimitedRetriedCachedAndCostedLikeABenchCall runs an echo
// target graded by a judge configured as any provider ([providers.judge]
// with requests_per_minute, max_retries and a price), and checks the
// judge's calls obey the call policy and count in the run's cost.
func TestJudgeIsLimitedRetriedCachedAndCostedLikeABenchCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	js := newJudgeServer(t)
	cfg := loadConfig(t, `
[providers.judge]
type = "openai"
base_url = "`+js.URL+`/v1"
api_key_env = "JUDGE_TEST_KEY"
requests_per_minute = 600
max_retries = 3

[providers.judge.pricing.judge-model]
input_per_mtok = 1000.0
output_per_mtok = 1000.0

# Every judge call at once, so that the burst of 10 is spent at the start
# and the rest wait for the limiter however slowly the machine runs.
[evaluation]
parallel_evaluations = 16
`, "JUDGE_TEST_KEY=sk-judge-test")
	st := openStore(t)
	svc := session.New(cfg, st, nil)
	const n = 16
	cases := writeCases(t, "j", n, `{"type":"`+judgeType+`","provider":"judge:judge-model"}`)
	const judgeID = "judge:judge-model"

	start := func(t *testing.T, o session.Options) (session.Result, []event.Event) {
		t.Helper()
		o.Datasets, o.Providers = []string{cases}, []string{"echo"}
		p, err := svc.Plan(ctx, o, session.ModeRun)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		r := p.NewRun()
		c := collect(r.Subscribe(1 << 12))
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		res := r.Wait()
		if res.Err != nil {
			t.Fatalf("run failed: %v", res.Err)
		}
		return res, c.wait(t)
	}

	first, events := start(t, session.Options{Concurrency: 4})
	perCall := 0.0
	t.Run("retried and rate limited", func(t *testing.T) {
		calls, span := js.calls()
		if calls != n+1 {
			t.Errorf("judge server saw %d calls, want %d (one 503 retried)", calls, n+1)
		}
		if first.Run.Totals.Passed != n {
			t.Errorf("%d of %d passed: the judge's 503 was not retried", first.Run.Totals.Passed, n)
		}
		// 600/min is a burst of 10, then one call every 100ms.
		if span < 500*time.Millisecond {
			t.Errorf("%d judge calls within %s: requests_per_minute = 600 not applied", calls, span)
		}
		retried, limited := false, 0
		for _, e := range ofType(events, event.TypeAttempt) {
			if e.Provider != judgeID {
				continue
			}
			if e.Number == 2 && e.Wait == event.WaitBackoff {
				retried = true
			}
			if e.Wait == event.WaitRateLimit {
				limited++
			}
		}
		if !retried || limited < 3 {
			t.Errorf("judge attempts: retry event %v, %d rate-limited; want a backoff retry and at least 3 waits", retried, limited)
		}
	})
	t.Run("costed", func(t *testing.T) {
		sum := 0.0
		for _, r := range stored(t, st, first.Run.ID) {
			judged, _ := r.Metadata["judge_cost_usd"].(float64)
			if judged <= 0 || math.Abs(r.Cost.Total-judged) > 1e-12 {
				t.Errorf("case %s: cost %v, judge_cost_usd %v; want the judge's priced call (the echo target is free)", r.CaseID, r.Cost.Total, r.Metadata["judge_cost_usd"])
			}
			sum += r.Cost.Total
			perCall = max(perCall, r.Cost.Total)
		}
		if math.Abs(first.Run.Totals.CostUSD-sum) > 1e-9 || sum <= 0 {
			t.Errorf("run totals cost %v, results add up to %v", first.Run.Totals.CostUSD, sum)
		}
	})
	t.Run("cached", func(t *testing.T) {
		before, _ := js.calls()
		again, _ := start(t, session.Options{Concurrency: 4})
		after, _ := js.calls()
		if after != before {
			t.Errorf("a second run made %d judge calls, want none (cached)", after-before)
		}
		if again.Run.Totals.Passed != n || again.Run.Totals.CostUSD != 0 {
			t.Errorf("cached run: %d passed, cost %v; want %d passed for free", again.Run.Totals.Passed, again.Run.Totals.CostUSD, n)
		}
	})
	t.Run("stops at max cost", func(t *testing.T) {
		if perCall <= 0 {
			t.Skip("no judge cost measured")
		}
		capped, _ := start(t, session.Options{Concurrency: 1, NoCache: true, MaxCost: 2.5 * perCall})
		if capped.Run.Status != bench.RunCostLimit || capped.StoppedBy != runner.StopMaxCost {
			t.Fatalf("status %s stopped by %q after %d results; want %s by the judge's cost", capped.Run.Status, capped.StoppedBy, capped.Run.Totals.Results, bench.RunCostLimit)
		}
		if got := len(stored(t, st, capped.Run.ID)); got < 3 || got > 5 {
			t.Errorf("%d results with a budget of 2.5 judge calls", got)
		}
	})
}
