package runner

import (
	"context"
	"fmt"
	"io"
	"iter"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
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

// BenchmarkRunnerEvents is BenchmarkRunnerPerResult with the event stream
// on and a subscriber that encodes every event as --events does: the
// difference between the two is what the stream costs per result.
func BenchmarkRunnerEvents(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("events=%v", on), func(b *testing.B) {
			p := &fakeProvider{GenerateFn: func(_ context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
				if err := emit(provider.Chunk{Text: "yes"}); err != nil {
					return provider.Response{}, err
				}
				return provider.Response{Text: "yes", FinishReason: "stop", Usage: bench.Usage{Prompt: 10, Completion: 1, Total: 11}}, nil
			}}
			r := &Runner{Targets: []*Target{{ID: "a:m", Provider: p}}, Render: render, Concurrency: 8}
			done := make(chan struct{})
			if on {
				bus := event.NewBus()
				sub := bus.Subscribe(1 << 16)
				r.Events = bus
				go func() {
					defer close(done)
					enc := event.NewEncoder(io.Discard)
					for e := range sub.Events() {
						_ = enc.Encode(e)
					}
				}()
				defer func() { bus.Close(); <-done }()
			}
			cases := func(yield func(bench.Case, error) bool) {
				for i := range b.N {
					c := bench.Case{ID: fmt.Sprint(i), Prompt: "q", Assert: []bench.Assertion{{Type: "runner-test-equals", Value: "yes"}}}
					if !yield(c, nil) {
						return
					}
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			if _, err := r.Run(context.Background(), "run", cases, discardSink{}); err != nil {
				b.Fatal(err)
			}
		})
	}
}
