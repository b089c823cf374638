package rag

import (
	"context"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// Recall is context-recall: the share of the reference answer's
// statements that can be attributed to the context.
type Recall struct{}

var (
	_ eval.Evaluator = Recall{}
	_ eval.Validator = Recall{}
	_ eval.ModelUser = Recall{}

	recallRules   = rules{typ: "context-recall", reference: true}
	recallPrompts = mustPrompts("context-recall", 1, "main")
)

// Uses reports that the type calls a judge.
func (Recall) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the value (the reference answer), config and threshold.
func (Recall) Validate(a bench.Assertion) error { return recallRules.validate(a) }

// Evaluate has the judge split the reference into statements and
// classify each as attributable to the context or not, in one call.
func (Recall) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if err := recallRules.validate(a); err != nil {
		return bench.Score{}, err
	}
	return evaluate(ctx, a, in, recallPrompts["main"], false, recall), nil
}

func recall(ctx context.Context, v *judge.Verdict, got inputs) (float64, string, error) {
	switch {
	case strings.TrimSpace(got.reference) == "":
		return 0, "", noVerdict("no reference answer: set the assertion's value or the case's expected answer")
	case len(got.context) == 0:
		return 0, "", noVerdict("no context to attribute the reference to: set config.context or the case's context")
	}
	vars := map[string]string{"query": got.query, "context": joinContext(got.context), "reference": got.reference}
	checks, raw, err := ask(ctx, v, recallPrompts["main"], vars, parseClassifications)
	if err != nil {
		return 0, "", err
	}
	if len(checks) == 0 {
		return 0, "", &unscored{reason: "the judge found no statements in the reference answer", raw: raw}
	}
	ok := count(checks)
	what := fmt.Sprintf("%d of %d statements of the reference can be attributed to the context%s", ok, len(checks), failing(checks, "not attributed"))
	return float64(ok) / float64(len(checks)), what, nil
}
