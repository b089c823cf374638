package judge_test

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// oneJudge is a run's judges with a single judge.
type oneJudge struct{ j eval.Judge }

func (o oneJudge) Judge(context.Context, string) (eval.Judge, error) { return o.j, nil }
func (o oneJudge) Embedder(context.Context, string) (eval.Embedder, error) {
	return nil, nil
}

// countingJudge answers every call with the same usage and cost; every
// second call comes from the cache.
type countingJudge struct{ n int }

func (c *countingJudge) ID() string { return "fake:judge" }
func (c *countingJudge) Complete(context.Context, provider.Request) (eval.JudgeReply, error) {
	c.n++
	return eval.JudgeReply{
		Response: provider.Response{Text: "ok", Model: "m1", Usage: bench.Usage{Prompt: 10, Completion: 3, Cached: 1, Reasoning: 2, Total: 13, CacheWrite: 5, CacheWrite1h: 1}},
		Cost:     bench.Cost{Total: 0.1, Unknown: c.n == 3},
		Cached:   c.n%2 == 0,
	}, nil
}

func TestShares(t *testing.T) {
	t.Parallel()
	tmpl := judge.MustTemplate("share-test", 2, "", "{{.x}}")
	in := &eval.Input{Judges: oneJudge{&countingJudge{}}}
	v, err := judge.Open(context.Background(), in, bench.Assertion{}, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := v.Ask(context.Background(), tmpl, map[string]string{"x": "y"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	total := *v.Info()
	for _, n := range []int{1, 2, 4, 7} {
		shares := v.Shares(n)
		if len(shares) != n {
			t.Fatalf("Shares(%d) gave %d", n, len(shares))
		}
		var sum bench.JudgeInfo
		for i, s := range shares {
			if s.Provider != "fake:judge" || s.Model != "m1" || s.Prompt != "share-test/v2" || !s.CostUnknown {
				t.Errorf("share %d of %d: %+v lacks the judge, model, prompt or unknown cost", i, n, s)
			}
			if i > 0 && (s.Calls != 0 || s.Cached != 0) {
				t.Errorf("share %d of %d counts calls: %+v", i, n, s)
			}
			if s.Tokens.Total > total.Tokens.Total/n+total.Tokens.Total%n {
				t.Errorf("share %d of %d is uneven: %d tokens of %d", i, n, s.Tokens.Total, total.Tokens.Total)
			}
			sum.Calls += s.Calls
			sum.Cached += s.Cached
			u := &sum.Tokens
			u.Prompt += s.Tokens.Prompt
			u.Completion += s.Tokens.Completion
			u.Cached += s.Tokens.Cached
			u.Reasoning += s.Tokens.Reasoning
			u.Total += s.Tokens.Total
			u.CacheWrite += s.Tokens.CacheWrite
			u.CacheWrite1h += s.Tokens.CacheWrite1h
			sum.CostUSD += s.CostUSD
		}
		if sum.Calls != 3 || sum.Cached != 1 {
			t.Errorf("Shares(%d): %d calls, %d cached; want 3, 1", n, sum.Calls, sum.Cached)
		}
		if diff := cmp.Diff(total.Tokens, sum.Tokens); diff != "" {
			t.Errorf("Shares(%d) tokens (-total +sum):\n%s", n, diff)
		}
		if math.Abs(sum.CostUSD-total.CostUSD) > 1e-12 {
			t.Errorf("Shares(%d) cost %v, want %v", n, sum.CostUSD, total.CostUSD)
		}
	}
	if v.Shares(0) != nil {
		t.Error("Shares(0) is not nil")
	}
	if s := v.Shares(2); s[0] == s[1] {
		t.Error("shares are the same JudgeInfo: setting one verdict's field would set the other's")
	}
}
