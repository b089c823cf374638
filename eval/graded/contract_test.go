package graded

import (
	"context"
	"errors"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// typeCase is a working assertion of one type with the replies that make
// it pass (one per call) and the template id its verdicts record.
type typeCase struct {
	a      bench.Assertion
	passes []string
	prompt string
}

// steps is a well-formed g-eval steps reply.
const steps = `{"steps": ["Check the capital named.", "Check nothing contradicts it.", "Rate accordingly."]}`

func typeCases() map[string]typeCase {
	return map[string]typeCase{
		"llm-rubric":            {bench.Assertion{Type: "llm-rubric", Value: "names Paris"}, []string{`{"pass": true, "score": 1}`}, "llm-rubric/v1"},
		"g-eval":                {bench.Assertion{Type: "g-eval", Value: "names the right capital"}, []string{steps, `{"reason": "right", "score": 10}`}, "g-eval/v1"},
		"factuality":            {bench.Assertion{Type: "factuality"}, []string{`{"reason": "same", "category": "C"}`}, "factuality/v1"},
		"model-graded-closedqa": {bench.Assertion{Type: "model-graded-closedqa", Value: "names Paris"}, []string{"It does.\nY"}, "model-graded-closedqa/v1"},
		"model-graded-qa":       {bench.Assertion{Type: "model-graded-qa"}, []string{"Correct.\nGRADE: C"}, "model-graded-qa/v1"},
		"faithfulness":          {bench.Assertion{Type: "faithfulness"}, []string{`{"pass": true, "score": 1}`}, "faithfulness/v1"},
		"relevance":             {bench.Assertion{Type: "relevance"}, []string{`{"pass": true, "score": 1}`}, "relevance/v1"},
		"coherence":             {bench.Assertion{Type: "coherence"}, []string{`{"pass": true, "score": 1}`}, "coherence/v1"},
	}
}

func TestEveryTypeRegisteredAsJudged(t *testing.T) {
	t.Parallel()
	for typ := range typeCases() {
		if eval.UsesOf(typ) != eval.UsesJudge {
			t.Errorf("%s: uses %v, want the judge", typ, eval.UsesOf(typ))
		}
		if err := eval.Validate([]bench.Assertion{typeCases()[typ].a}); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

// TestJudgeFailuresAreUnscored: whatever goes wrong with the judge, every
// type leaves its verdict unscored with the calls it made, never 0 or 1.
func TestJudgeFailuresAreUnscored(t *testing.T) {
	t.Parallel()
	callErr := &provider.Error{Kind: provider.KindOverloaded, StatusCode: 529, Err: errors.New("overloaded")}
	for typ, tc := range typeCases() {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			t.Run("passes", func(t *testing.T) {
				got := evaluate(t, tc.a, basicInput(), says(tc.passes...))
				check(t, got, want{score: 1, pass: true}, judgeInfo(tc.prompt, len(tc.passes)))
			})
			t.Run("no judges in the run", func(t *testing.T) {
				got := evaluate(t, tc.a, basicInput(), nil)
				check(t, got, want{unscored: true, reason: "offers no judge"}, nil)
			})
			t.Run("judge cannot be built", func(t *testing.T) {
				got := evaluate(t, tc.a, basicInput(), &fakeJudges{JudgeErr: errors.New(`unknown judge "grader"`)})
				check(t, got, want{unscored: true, reason: `unknown judge "grader"`}, nil)
			})
			t.Run("last call fails with partial text", func(t *testing.T) {
				rs := make([]fakeReply, len(tc.passes))
				for i, p := range tc.passes {
					rs[i] = fakeReply{Text: p}
				}
				rs[len(rs)-1] = fakeReply{Text: "partial ans", Err: callErr}
				got := evaluate(t, tc.a, basicInput(), &fakeJudges{ReplyFn: script(rs...)})
				check(t, got, want{unscored: true, reason: "judge fake:grader: overloaded"}, judgeInfo(tc.prompt, len(tc.passes)))
				if got.Raw != "partial ans" {
					t.Errorf("raw = %q, want the partial text", got.Raw)
				}
			})
			t.Run("unreadable reply", func(t *testing.T) {
				rs := append(append([]string(nil), tc.passes[:len(tc.passes)-1]...), "I would rather not say.")
				got := evaluate(t, tc.a, basicInput(), says(rs...))
				check(t, got, want{unscored: true, reason: "unreadable judge reply"}, judgeInfo(tc.prompt, len(tc.passes)))
			})
			t.Run("cached calls", func(t *testing.T) {
				rs := make([]fakeReply, len(tc.passes))
				for i, p := range tc.passes {
					rs[i] = fakeReply{Text: p, Cached: true}
				}
				got := evaluate(t, tc.a, basicInput(), &fakeJudges{ReplyFn: script(rs...)})
				info := judgeInfo(tc.prompt, len(tc.passes))
				info.Cached, info.CostUSD = len(tc.passes), 0
				check(t, got, want{score: 1, pass: true}, info)
			})
			t.Run("default judge", func(t *testing.T) {
				a := tc.a
				a.Provider = ""
				j := says(tc.passes...)
				in := basicInput()
				in.Judges = j
				e, _ := eval.Lookup(a.Type)
				got, err := e.Evaluate(context.Background(), a, in)
				if err != nil || got.Judge == nil || got.Judge.Provider != "fake:default" || j.names[0] != "" {
					t.Errorf("verdict %+v, %v; judge asked for %q: want the run's default judge", got, err, j.names)
				}
			})
		})
	}
}

// TestEvaluateRefusesAnUnusableAssertion: Evaluate checks what Validate
// checks, for programs that skip loading.
func TestEvaluateRefusesAnUnusableAssertion(t *testing.T) {
	t.Parallel()
	for typ := range typeCases() {
		e, _ := eval.Lookup(typ)
		a := bench.Assertion{Type: typ, Value: map[string]any{"x": 1}}
		if _, err := e.Evaluate(context.Background(), a, basicInput()); err == nil {
			t.Errorf("%s: Evaluate accepted a map value", typ)
		}
	}
}

func TestCheckCountsUnscoredAndNegates(t *testing.T) {
	t.Parallel()
	in := basicInput()
	in.Judges = says(`{"pass": true, "score": 0.75}`, "no verdict here")
	as := []bench.Assertion{
		{Type: "not-llm-rubric", Value: "is rude", Provider: "grader"},
		{Type: "llm-rubric", Value: "is polite", Provider: "grader"},
	}
	out := eval.Check(context.Background(), as, nil, in)
	neg := out.Scores["not-llm-rubric"]
	if neg.Unscored || neg.Pass || neg.Score != 0.25 {
		t.Errorf("negated verdict = %+v, want score 0.25, failing", neg)
	}
	if out.Unscored != 1 || out.Passed {
		t.Errorf("outcome = %+v, want one unscored assertion and a failed case", out)
	}
}
