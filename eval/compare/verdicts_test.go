package compare

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// TestSharesSumToTotals: whatever the outcome, the JudgeInfo of a group's
// verdicts adds up to what the group's calls used, each call counted once.
func TestSharesSumToTotals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		a     bench.Assertion
		typ   eval.Comparer
		n     int
		reply replyFn
		calls int
	}{
		{"select-best scored", bestOf("x"), SelectBest{}, 3, firstSlot, 2},
		{"select-best unscored", bestOf("x"), SelectBest{}, 3, script(`{"best": 1}`, "nonsense"), 2},
		{"pairwise with a baseline provider", bench.Assertion{Config: map[string]any{"baseline": "p0"}}, Pairwise{}, 4, script("[[A]]", "[[B]]", "[[C]]", "[[A]]", "ERR"), 5},
		{"pairwise with a fixed baseline", bench.Assertion{Value: "b"}, Pairwise{}, 2, script("[[A]]", "[[B]]", "[[C]]", "[[A]]"), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			js := newJudges(tt.reply)
			providers := []string{"p0", "p1", "p2", "p3"}[:tt.n]
			outputs := []string{"a", "b", "c", "d"}[:tt.n]
			got, err := tt.typ.Compare(context.Background(), tt.a, inputs(js, nil, providers, outputs...))
			if err != nil {
				t.Fatal(err)
			}
			var sum bench.JudgeInfo
			for i, s := range got {
				if s.Judge == nil {
					t.Fatalf("verdict %d has no judge info", i)
				}
				if i > 0 && (s.Judge.Calls != 0 || s.Judge.Cached != 0) {
					t.Errorf("verdict %d counts %d calls, %d cached: calls belong to the first", i, s.Judge.Calls, s.Judge.Cached)
				}
				if s.Judge.Prompt == "" || s.Judge.Provider != "fake:judge" {
					t.Errorf("verdict %d judge info %+v lacks the prompt or provider", i, s.Judge)
				}
				sum.Calls += s.Judge.Calls
				sum.Cached += s.Judge.Cached
				sum.Tokens.Prompt += s.Judge.Tokens.Prompt
				sum.Tokens.Completion += s.Judge.Tokens.Completion
				sum.Tokens.Total += s.Judge.Tokens.Total
				sum.CostUSD += s.Judge.CostUSD
			}
			want := bench.Usage{Prompt: tt.calls * callUsage.Prompt, Completion: tt.calls * callUsage.Completion, Total: tt.calls * callUsage.Total}
			if sum.Calls != tt.calls || sum.Cached != 1 || sum.Tokens != want {
				t.Errorf("sum: %d calls, %d cached, tokens %+v; want %d, 1, %+v", sum.Calls, sum.Cached, sum.Tokens, tt.calls, want)
			}
			if math.Abs(sum.CostUSD-float64(tt.calls)*callCost) > 1e-12 {
				t.Errorf("sum of costs %v, want %v", sum.CostUSD, float64(tt.calls)*callCost)
			}
		})
	}
}

func TestConsistency(t *testing.T) {
	t.Parallel()
	with := func(c *bool) bench.Score { return bench.Score{Judge: &bench.JudgeInfo{PositionConsistent: c}} }
	scores := []bench.Score{with(yes), with(no), with(yes), with(nil), {}, bench.Unscored("x", "")}
	c, n := Consistency(scores)
	if c != 2 || n != 3 {
		t.Errorf("Consistency = %d of %d, want 2 of 3", c, n)
	}
	if c, n := Consistency(nil); c != 0 || n != 0 {
		t.Errorf("Consistency(nil) = %d of %d", c, n)
	}
}

// TestCompareGroup runs both types through eval's group scoring, with
// their "not-" forms, as the runner does.
func TestCompareGroup(t *testing.T) {
	t.Parallel()
	as := []bench.Assertion{
		{Type: "equals", Value: "never"}, // not side by side: left alone
		{Type: "select-best", Value: "the correct answer"},
		{Type: "not-select-best", Value: "the correct answer"},
		{Type: "pairwise", Value: "Lyon."},
		{Type: "not-pairwise", Value: "Lyon."},
	}
	js := newJudges(func(call int, user string) (string, error) {
		if _, b := pair(user); b != "" {
			return honestPair("GOOD")(call, user)
		}
		return honestBest("GOOD")(call, user)
	})
	ins := inputs(js, &bench.Case{ID: "c"}, []string{"p0", "p1"}, "Paris. GOOD", "Lyon.")
	parts := []eval.Partial{make(eval.Partial, len(as)), make(eval.Partial, len(as))}
	eval.CompareGroup(context.Background(), as, ins, parts)
	got := [][]verdict{verdicts(parts[0][1:]), verdicts(parts[1][1:])}
	want := [][]verdict{
		{won(yes), lost(yes), won(yes), lost(yes)},
		{lost(yes), won(yes), tiedP(yes), {Score: 0.5, Consistent: yes}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	if parts[0][0] != (bench.Score{}) {
		t.Errorf("CompareGroup scored a plain assertion: %+v", parts[0][0])
	}
	if r := parts[0][2].Reason; r[:5] != "not: " {
		t.Errorf("negated reason %q", r)
	}
	if n := len(js.judge.users()); n != 2+2+4+4 {
		t.Errorf("%d calls, want 12", n)
	}
}

func TestRegistered(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"select-best", "not-select-best", "pairwise", "not-pairwise"} {
		if !eval.IsComparer(typ) || eval.UsesOf(typ) != eval.UsesJudge {
			t.Errorf("%s: comparer %v, uses %v", typ, eval.IsComparer(typ), eval.UsesOf(typ))
		}
	}
	if !eval.NeedsModels([]bench.Assertion{{Type: "pairwise"}}) {
		t.Error("pairwise does not need the evaluation stage")
	}
}
