package rag

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// BenchmarkJudgeLayer measures what context-faithfulness adds around an
// instant judge: reading the inputs, rendering and escaping two prompts,
// parsing two replies and building the verdict.
func BenchmarkJudgeLayer(b *testing.B) {
	statements := `{"statements": ["Paris is the capital of France.", "Paris lies on the Seine.", "Paris has about two million inhabitants."]}`
	verdicts := `{"verdicts": [{"statement": "Paris is the capital of France.", "verdict": 1, "reason": "stated"},
		{"statement": "Paris lies on the Seine.", "verdict": 1, "reason": "stated"},
		{"statement": "Paris has about two million inhabitants.", "verdict": 0, "reason": "not in the context"}]}`
	j := &fakeJudge{quiet: true, answer: func(req provider.Request) reply {
		if strings.Contains(req.Messages[1].Content, "<statements>") {
			return reply{text: verdicts}
		}
		return reply{text: statements}
	}}
	c := &bench.Case{Context: []string{
		strings.Repeat("Paris is the capital and largest city of France. ", 20),
		strings.Repeat("The Seine runs through the city <from east to west>. ", 20),
	}}
	in := input(j, nil, c, "Tell me about Paris.", "Paris is the capital of France, lies on the Seine & has about two million inhabitants.")
	a := bench.Assertion{Type: "context-faithfulness"}
	e, _ := eval.Lookup(a.Type)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if s, err := e.Evaluate(ctx, a, in); err != nil || s.Unscored {
			b.Fatal(s, err)
		}
	}
}
