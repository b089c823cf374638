package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	// The built-in assertion types, which Validate and Check look up.
	_ "github.com/llm-test-bench/llm-test-bench/eval/all"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// maxAssertions bounds one evaluate request.
const maxAssertions = 100

// Evaluate scores one response against assertions, as a case's are
// scored, without calling a model: a model-graded assertion (one that
// calls a judge or embedding model, or compares answers side by side) is
// refused (400), since /evaluate offers none.
func (c *Core) Evaluate(ctx context.Context, req EvaluateRequest) (*EvaluateResult, error) {
	if _, err := require(ctx, PermEvaluateRun); err != nil {
		return nil, err
	}
	switch {
	case len(req.Assertions) == 0:
		return nil, badField("assertions", "give at least one assertion")
	case len(req.Assertions) > maxAssertions:
		return nil, badField("assertions", fmt.Sprintf("at most %d assertions", maxAssertions))
	}
	for i, a := range req.Assertions {
		if a.Provider != "" || eval.UsesOf(a.Type) != 0 || eval.IsComparer(a.Type) {
			return nil, badField(fmt.Sprintf("assertions[%d]", i), fmt.Sprintf("assertion %s calls a judge or embedding model: model-graded assertions are not evaluated by /evaluate; run them in a benchmark", a.Type))
		}
	}
	if err := eval.Validate(req.Assertions); err != nil {
		d := problem.New(http.StatusBadRequest, err.Error())
		d.Field = "assertions"
		return nil, d
	}
	cs := &bench.Case{ID: "evaluate", Prompt: req.Prompt, Variables: req.Vars, Assert: req.Assertions}
	out := eval.Check(ctx, req.Assertions, nil, &eval.Input{Case: cs, Prompt: req.Prompt, Output: req.Response})
	return &EvaluateResult{Passed: out.Passed, Score: out.Score, Scores: out.Scores}, nil
}
