package all_test

import (
	"context"
	"slices"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	_ "github.com/llm-test-bench/llm-test-bench/eval/all"
)

func TestEveryFamilyRegistered(t *testing.T) {
	t.Parallel()
	types := eval.Types()
	for _, want := range []string{
		"equals", "contains", "icontains", "contains-any", "contains-all", "icontains-any", "icontains-all",
		"starts-with", "regex", "levenshtein", "word-count", "character-count",
		"is-json", "contains-json",
		"latency", "cost", "finish-reason",
		"is-refusal", "javascript",
		"llm-rubric", "g-eval", "factuality", "model-graded-closedqa", "model-graded-qa",
		"faithfulness", "relevance", "coherence",
		"context-faithfulness", "context-recall", "context-relevance", "answer-relevance",
		"similar", "similar:cosine", "similar:dot", "similar:euclidean",
		"select-best", "pairwise", "max-score",
		"contains-html", "is-html", "contains-xml", "is-xml", "contains-sql", "is-sql",
		"gleu", "webhook", "assert-set",
	} {
		if !slices.Contains(types, want) {
			t.Errorf("assertion type %q not registered (have %v)", want, types)
		}
	}
}

func ptr(f float64) *float64 { return &f }

// typicalCase is a case with five assertions of the kinds suites use most.
func typicalCase() ([]bench.Assertion, *eval.Input) {
	as := []bench.Assertion{
		{Type: "icontains", Value: "{{city}}"},
		{Type: "regex", Value: `(?i)\bcapital\b`},
		{Type: "is-json", Value: map[string]any{
			"type":       "object",
			"required":   []any{"city", "country"},
			"properties": map[string]any{"city": map[string]any{"type": "string"}},
		}},
		{Type: "not-is-refusal"},
		{Type: "latency", Threshold: ptr(5000)},
	}
	in := &eval.Input{
		Case:         &bench.Case{ID: "fr", Variables: map[string]any{"city": "Paris"}},
		Output:       `{"city": "Paris", "country": "France", "note": "Paris is the capital of France."}`,
		FinishReason: "stop",
		LatencyMs:    412.7,
	}
	return as, in
}

func TestTypicalCasePasses(t *testing.T) {
	t.Parallel()
	as, in := typicalCase()
	if err := eval.Validate(as); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	out := eval.Check(context.Background(), as, nil, in)
	if !out.Passed || out.Score != 1 || len(out.Scores) != 5 {
		t.Errorf("Check = %+v, want all five assertions to pass", out)
	}
}

func BenchmarkCheckTypicalCase(b *testing.B) {
	as, in := typicalCase()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if out := eval.Check(ctx, as, nil, in); !out.Passed {
			b.Fatalf("case failed: %+v", out.Scores)
		}
	}
}
