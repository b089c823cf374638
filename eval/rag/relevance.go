package rag

import (
	"context"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// Relevance is context-relevance: the share of the context's units that
// are needed to answer the query.
type Relevance struct{}

var (
	_ eval.Evaluator = Relevance{}
	_ eval.Validator = Relevance{}
	_ eval.ModelUser = Relevance{}

	relevanceRules   = rules{typ: "context-relevance"}
	relevancePrompts = mustPrompts("context-relevance", 1, "main")
)

// Uses reports that the type calls a judge.
func (Relevance) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the assertion's config and threshold; the type takes no value.
func (Relevance) Validate(a bench.Assertion) error { return relevanceRules.validate(a) }

// Evaluate numbers the context's units and asks the judge, in one call,
// which of them the query needs.
func (Relevance) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if err := relevanceRules.validate(a); err != nil {
		return bench.Score{}, err
	}
	return evaluate(ctx, a, in, relevancePrompts["main"], false, relevance), nil
}

func relevance(ctx context.Context, v *judge.Verdict, got inputs) (float64, string, error) {
	us := units(got.context)
	switch {
	case len(us) == 0:
		return 0, "", noVerdict("no context to judge: set config.context or the case's context")
	case strings.TrimSpace(got.query) == "":
		return 0, "", noVerdict("no query to judge the context against: set config.query, or the case's prompt")
	}
	vars := map[string]string{"query": got.query, "units": numbered(us, 0)}
	idx, _, err := ask(ctx, v, relevancePrompts["main"], vars, func(r string) ([]int, error) { return parseRelevant(r, len(us)) })
	if err != nil {
		return 0, "", err
	}
	what := fmt.Sprintf("%d of %d context units are needed to answer the query", len(idx), len(us))
	if len(idx) > 0 {
		what += fmt.Sprintf(" (units %s)", strings.Trim(fmt.Sprint(idx), "[]"))
	}
	return float64(len(idx)) / float64(len(us)), what, nil
}

// units splits the context into what is judged: its chunks, or the
// non-empty lines of a single chunk that has several.
func units(chunks []string) []string {
	if len(chunks) != 1 {
		return chunks
	}
	var lines []string
	for l := range strings.Lines(chunks[0]) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) < 2 {
		return chunks
	}
	return lines
}
