package eval_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// longest is a side-by-side type: the longest answer of a group passes.
type longest struct{ err error }

func (l longest) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	s, err := l.Compare(ctx, a, []*eval.Input{in})
	if err != nil {
		return bench.Score{}, err
	}
	return s[0], nil
}

func (l longest) Compare(_ context.Context, a bench.Assertion, group []*eval.Input) ([]bench.Score, error) {
	if l.err != nil {
		return nil, l.err
	}
	if a.Value == "short" {
		return []bench.Score{{Score: 1}}, nil // one verdict whatever the group's size
	}
	best := 0
	for i, in := range group {
		if len(in.Output) > len(group[best].Output) {
			best = i
		}
	}
	out := make([]bench.Score, len(group))
	out[best] = bench.Score{Score: 1, Pass: true, Reason: "longest"}
	return out, nil
}

// judged declares that it calls a judge and an embedder.
type judged struct{ fake }

func (judged) Uses() eval.Uses { return eval.UsesJudge | eval.UsesEmbedder }

func (judged) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 2, PromptTokens: 10, ReplyTokens: 5, Embeds: 1}
}

func init() {
	eval.Register("fake-longest", longest{})
	eval.Register("fake-longest-broken", longest{err: errors.New("no criteria")})
	eval.Register("fake-judged", judged{fake{EvaluateFn: scoreOf}})
	eval.Register("fake-judged-plain", struct {
		fake
		eval.ModelUser
	}{fake{EvaluateFn: scoreOf}, usesJudge{}})
}

type usesJudge struct{}

func (usesJudge) Uses() eval.Uses { return eval.UsesJudge }

func TestCompareGroupScoresSideBySideAfterTheRest(t *testing.T) {
	t.Parallel()
	as := []bench.Assertion{sc(1), {Type: "fake-longest"}, {Type: "not-fake-longest", Metric: "shortest"}}
	ins := []*eval.Input{{Output: "ab"}, {Output: "abcd"}, {Output: "a"}}
	parts := make([]eval.Partial, len(ins))
	for i, in := range ins {
		parts[i] = eval.ScoreEach(context.Background(), as, in)
		if parts[i][1] != (bench.Score{}) {
			t.Fatalf("ScoreEach scored the side-by-side assertion: %+v", parts[i][1])
		}
	}
	eval.CompareGroup(context.Background(), as, ins, parts)
	var passed []bool
	for i := range ins {
		o := eval.Combine(as, nil, parts[i])
		passed = append(passed, o.Scores["fake-longest"].Pass, o.Scores["shortest"].Pass)
	}
	want := []bool{false, true, true, false, false, true}
	if diff := cmp.Diff(want, passed); diff != "" {
		t.Errorf("verdicts (longest, not-longest per answer) (-want +got):\n%s", diff)
	}
}

func TestCompareFailuresLeaveEveryAnswerUnscored(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"fake-longest-broken", "fake-longest"} {
		as := []bench.Assertion{{Type: typ, Value: "short"}}
		ins := []*eval.Input{{Output: "a"}, {Output: "b"}}
		parts := []eval.Partial{eval.ScoreEach(context.Background(), as, ins[0]), eval.ScoreEach(context.Background(), as, ins[1])}
		eval.CompareGroup(context.Background(), as, ins, parts)
		for i, p := range parts {
			if !p[0].Unscored || p[0].Reason == "" {
				t.Errorf("%s: answer %d: %+v, want unscored with a reason", typ, i, p[0])
			}
		}
	}
}

func TestCheckComparesAGroupOfOne(t *testing.T) {
	t.Parallel()
	o := eval.Check(context.Background(), []bench.Assertion{{Type: "fake-longest"}}, nil, &eval.Input{Output: "x"})
	if !o.Passed || o.Scores["fake-longest"].Reason != "longest" {
		t.Errorf("Check = %+v, want the only answer to be the longest", o)
	}
}

func TestUsesAndEstimates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		typ   string
		uses  eval.Uses
		needs bool
		est   eval.CallEstimate
	}{
		{"fake-score", 0, false, eval.CallEstimate{}},
		{"no-such-type", 0, false, eval.CallEstimate{}},
		{"fake-judged", eval.UsesJudge | eval.UsesEmbedder, true, eval.CallEstimate{Calls: 2, PromptTokens: 10, ReplyTokens: 5, Embeds: 1}},
		{"not-fake-judged", eval.UsesJudge | eval.UsesEmbedder, true, eval.CallEstimate{Calls: 2, PromptTokens: 10, ReplyTokens: 5, Embeds: 1}},
		{"fake-judged-plain", eval.UsesJudge, true, eval.DefaultCallEstimate},
		{"fake-longest", 0, true, eval.DefaultCallEstimate},
	}
	for _, c := range cases {
		a := bench.Assertion{Type: c.typ}
		if got := eval.UsesOf(c.typ); got != c.uses {
			t.Errorf("UsesOf(%s) = %v, want %v", c.typ, got, c.uses)
		}
		if got := eval.NeedsModels([]bench.Assertion{sc(1), a}); got != c.needs {
			t.Errorf("NeedsModels(%s) = %v, want %v", c.typ, got, c.needs)
		}
		if got := eval.EstimateOf(a); got != c.est {
			t.Errorf("EstimateOf(%s) = %+v, want %+v", c.typ, got, c.est)
		}
	}
	if !eval.HasComparer([]bench.Assertion{{Type: "not-fake-longest"}}) || eval.HasComparer([]bench.Assertion{sc(1)}) {
		t.Error("HasComparer does not tell side-by-side types apart")
	}
}
