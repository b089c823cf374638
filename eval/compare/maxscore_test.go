package compare_test

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	_ "github.com/llm-test-bench/llm-test-bench/eval/compare"
	_ "github.com/llm-test-bench/llm-test-bench/eval/text"
)

func init() {
	eval.Register("test-no-verdict", eval.Func(func(context.Context, bench.Assertion, *eval.Input) (bench.Score, error) {
		return bench.Unscored("judge unreachable", ""), nil
	}))
}

// scoreGroup scores a case's assertions over one answer per provider, as
// the runner does: each answer alone, then the side-by-side types.
func scoreGroup(t *testing.T, as []bench.Assertion, outputs ...string) []eval.Outcome {
	t.Helper()
	if err := eval.Validate(as); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ins := make([]*eval.Input, len(outputs))
	parts := make([]eval.Partial, len(outputs))
	for k, o := range outputs {
		ins[k] = &eval.Input{Output: o, Provider: string(rune('a' + k))}
		parts[k] = eval.ScoreEach(ctx, as, ins[k])
	}
	eval.CompareGroup(ctx, as, ins, parts)
	out := make([]eval.Outcome, len(outputs))
	for k := range outputs {
		out[k] = eval.Combine(as, nil, parts[k])
	}
	return out
}

func winners(os []eval.Outcome) []bool {
	w := make([]bool, len(os))
	for k, o := range os {
		w[k] = o.Scores["max-score"].Pass
	}
	return w
}

func TestMaxScore(t *testing.T) {
	contains := func(v string) bench.Assertion { return bench.Assertion{Type: "contains", Value: v} }
	for _, c := range []struct {
		name    string
		as      []bench.Assertion
		outputs []string
		want    []bool
	}{
		{"highest average wins", []bench.Assertion{contains("def fib"), contains("return"), {Type: "max-score"}},
			[]string{"def fib(n): pass", "def fib(n): return n", "nothing"}, []bool{false, true, false}},
		{"a tie goes to the first", []bench.Assertion{contains("x"), {Type: "max-score"}},
			[]string{"x1", "x2"}, []bool{true, false}},
		{"weights by type", []bench.Assertion{contains("a"), {Type: "icontains", Value: "B"}, {Type: "max-score", Value: map[string]any{"weights": map[string]any{"icontains": 3}}}},
			[]string{"a", "b"}, []bool{false, true}},
		{"sum", []bench.Assertion{contains("a"), contains("b"), {Type: "max-score", Value: map[string]any{"method": "sum"}}},
			[]string{"a", "ab"}, []bool{false, true}},
		{"threshold not met: nobody wins", []bench.Assertion{contains("a"), contains("b"), {Type: "max-score", Value: map[string]any{"threshold": 0.75}}},
			[]string{"a", "b"}, []bool{false, false}},
		{"threshold met", []bench.Assertion{contains("a"), contains("b"), {Type: "max-score", Value: map[string]any{"threshold": 0.5}}},
			[]string{"a", "-"}, []bool{true, false}},
		{"negated verdicts count as scored", []bench.Assertion{{Type: "not-contains", Value: "bad"}, {Type: "max-score"}},
			[]string{"bad", "good"}, []bool{false, true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := winners(scoreGroup(t, c.as, c.outputs...))
			for k := range got {
				if got[k] != c.want[k] {
					t.Fatalf("winners %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestMaxScoreReasonsAndScores(t *testing.T) {
	as := []bench.Assertion{{Type: "contains", Value: "a"}, {Type: "contains", Value: "b"}, {Type: "max-score"}}
	os := scoreGroup(t, as, "a", "ab")
	lose, win := os[0].Scores["max-score"], os[1].Scores["max-score"]
	if win.Score != 1 || !strings.Contains(win.Reason, "highest aggregate score of 2 answers (1)") {
		t.Fatalf("winner %+v", win)
	}
	if lose.Score != 0 || !strings.Contains(lose.Reason, "aggregate 0.5, answer 1 (b) has 1") {
		t.Fatalf("loser %+v", lose)
	}
	// The loser's case fails on max-score; the winner's passes.
	if os[0].Passed || !os[1].Passed {
		t.Fatalf("cases %v %v", os[0].Passed, os[1].Passed)
	}
}

func TestMaxScoreUnscored(t *testing.T) {
	for _, c := range []struct {
		name    string
		as      []bench.Assertion
		outputs []string
		want    string
	}{
		{"one answer", []bench.Assertion{{Type: "contains", Value: "a"}, {Type: "max-score"}}, []string{"a"}, "two or more providers"},
		{"nothing to rank by", []bench.Assertion{{Type: "max-score"}}, []string{"a", "b"}, "at least one other assertion"},
		{"a verdict missing", []bench.Assertion{{Type: "contains", Value: "a"}, {Type: "test-no-verdict"}, {Type: "max-score"}}, []string{"a", "b"}, "test-no-verdict has no verdict on answer 0 (a)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, o := range scoreGroup(t, c.as, c.outputs...) {
				s := o.Scores["max-score"]
				if !s.Unscored || !strings.Contains(s.Reason, c.want) {
					t.Fatalf("%+v, want unscored with %q", s, c.want)
				}
			}
		})
	}
}

func TestMaxScoreValidate(t *testing.T) {
	for _, c := range []struct {
		value any
		want  string
	}{
		{"best", "want a map"},
		{map[string]any{"method": "median"}, `method is median`},
		{map[string]any{"weights": map[string]any{"contains": -1}}, "weights.contains"},
		{map[string]any{"weights": []any{1}}, "weights is a list"},
		{map[string]any{"threshold": "high"}, "threshold must be a number"},
		{map[string]any{"top": 1}, `unknown key "top"`},
	} {
		err := eval.Validate([]bench.Assertion{{Type: "max-score", Value: c.value}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: Validate = %v, want %q", c.value, err, c.want)
		}
	}
}
