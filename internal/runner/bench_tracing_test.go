//go:build unix

package runner

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// BenchmarkRunnerTracing is BenchmarkRunnerPerResult with tracing off and
// on (every span sampled, batched to a discarding exporter): with an
// instant provider and no store, the difference is the whole of what the
// case, call and evaluation spans cost per result, an upper bound of the
// relative cost in a real run. It reports the process's CPU time per
// result too: on a shared machine the wall time follows the other load.
func BenchmarkRunnerTracing(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("tracing=%v", on), func(b *testing.B) {
			p := &fakeProvider{GenerateFn: func(_ context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
				return provider.Response{Text: "yes", Model: "m-2026", FinishReason: "stop", Usage: bench.Usage{Prompt: 10, Completion: 1, Total: 11}}, nil
			}}
			r := &Runner{Targets: []*Target{{ID: "a:m", Model: "m", Provider: p}}, Render: render, Concurrency: 8}
			if on {
				tp := tracing.NewWithExporter(tracetest.NewNoopExporter(), tracing.Options{SampleRatio: 1})
				defer func() { _ = tp.Shutdown(context.Background()) }()
				r.Tracer = tp.Tracer()
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
			before := cpuTime(b)
			if _, err := r.Run(context.Background(), "run", cases, discardSink{}); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64((cpuTime(b)-before).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
