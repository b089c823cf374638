package runner

import (
	"context"
	"fmt"
	"iter"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

type discardSink struct{}

func (discardSink) WriteResults(context.Context, []bench.Result) error { return nil }

// BenchmarkRunnerPerResult measures what the pipeline itself costs per
// result: expansion, scheduling, scoring two assertions and batching, with
// an instant provider and a sink that keeps nothing.
func BenchmarkRunnerPerResult(b *testing.B) {
	p := &fakeProvider{GenerateFn: func(_ context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		if err := emit(provider.Chunk{Text: "yes"}); err != nil {
			return provider.Response{}, err
		}
		return provider.Response{Text: "yes", FinishReason: "stop", Usage: bench.Usage{Prompt: 10, Completion: 1, Total: 11}}, nil
	}}
	cases := func(n int) iter.Seq2[bench.Case, error] {
		return func(yield func(bench.Case, error) bool) {
			for i := range n {
				c := bench.Case{ID: fmt.Sprint(i), Prompt: "q", Assert: []bench.Assertion{
					{Type: "runner-test-equals", Value: "yes"}, {Type: "runner-test-equals", Value: "no", Weight: new(float64)},
				}}
				if !yield(c, nil) {
					return
				}
			}
		}
	}
	r := &Runner{Targets: []*Target{{ID: "a:m", Provider: p}}, Render: render, Concurrency: 8}
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := r.Run(context.Background(), "run", cases(b.N), discardSink{}); err != nil {
		b.Fatal(err)
	}
}
