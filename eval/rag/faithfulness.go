package rag

import (
	"context"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// Faithfulness is context-faithfulness: the share of the answer's
// statements that the context supports.
type Faithfulness struct{}

var (
	_ eval.Evaluator = Faithfulness{}
	_ eval.Validator = Faithfulness{}
	_ eval.ModelUser = Faithfulness{}

	faithfulnessRules   = rules{typ: "context-faithfulness"}
	faithfulnessPrompts = mustPrompts("context-faithfulness", 1, "statements", "verdicts")
)

// Uses reports that the type calls a judge.
func (Faithfulness) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the assertion's config and threshold; the type takes no value.
func (Faithfulness) Validate(a bench.Assertion) error { return faithfulnessRules.validate(a) }

// Evaluate splits the answer into statements (one judge call) and has
// the judge check each against the context (a second call).
func (Faithfulness) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if err := faithfulnessRules.validate(a); err != nil {
		return bench.Score{}, err
	}
	return evaluate(ctx, a, in, faithfulnessPrompts["statements"], false, faithfulness), nil
}

func faithfulness(ctx context.Context, v *judge.Verdict, got inputs) (float64, string, error) {
	if len(got.context) == 0 {
		return 0, "", noVerdict("no context to check the answer against: set config.context or the case's context")
	}
	if strings.TrimSpace(got.answer) == "" {
		return 0, "", noVerdict("the answer makes no statements to check: it is empty")
	}
	stmts, raw, err := ask(ctx, v, faithfulnessPrompts["statements"], map[string]string{"query": got.query, "answer": got.answer}, parseStatements)
	if err != nil {
		return 0, "", err
	}
	if len(stmts) == 0 {
		return 0, "", &unscored{reason: "the answer makes no statements to check", raw: raw}
	}
	vars := map[string]string{"context": joinContext(got.context), "statements": numbered(stmts, 1)}
	checks, _, err := ask(ctx, v, faithfulnessPrompts["verdicts"], vars, func(r string) ([]check, error) { return parseVerdicts(r, len(stmts)) })
	if err != nil {
		return 0, "", err
	}
	ok := count(checks)
	what := fmt.Sprintf("%d of %d statements of the answer are supported by the context%s", ok, len(checks), failing(checks, "not supported"))
	return float64(ok) / float64(len(checks)), what, nil
}
