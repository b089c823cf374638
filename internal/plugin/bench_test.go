package plugin

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// BenchmarkEvaluatorCall is the per-assertion overhead of an evaluator
// plugin: the envelope encoded, one pooled Go-guest instance running the
// SDK's JSON round trip, the output decoded into a verdict. It reports
// the median (p50-µs) besides the mean, and the process's CPU time per
// call (cpu-µs/op), which other work on a busy machine does not inflate
// as much as the wall-clock figures.
func BenchmarkEvaluatorCall(b *testing.B) {
	h := newGoHost(b)
	p, err := h.Load(context.Background(), installGoGuest(b, examplePkg))
	if err != nil {
		b.Fatal(err)
	}
	a := bench.Assertion{Type: "plugin:keyword-coverage", Config: map[string]any{"keywords": []any{"Paris", "France"}}}
	in := &eval.Input{Case: &bench.Case{ID: "c", Expected: "Paris"}, Prompt: "What is the capital of France?", Output: "Paris is the capital of France."}
	ctx := context.Background()
	var times []time.Duration
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		start := time.Now()
		s, err := p.Evaluate(ctx, a, in)
		times = append(times, time.Since(start))
		if err != nil || s.Score != 1 {
			b.Fatalf("Evaluate = %+v, %v", s, err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/1e3/float64(len(times)), "cpu-µs/op")
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds())/1e3, "p50-µs")
}

// BenchmarkHostCallWAT is the host's own share of a call: the same
// envelope and verdict through a WAT guest that does no work.
func BenchmarkHostCallWAT(b *testing.B) {
	h := newTestHost(b, DefaultLimits())
	p, err := loadWAT(b, h, "bench-wat", watGuest{data: `{"score":1,"reason":"ok"}`, body: okBody})
	if err != nil {
		b.Fatal(err)
	}
	a := bench.Assertion{Type: "plugin:bench-wat", Config: map[string]any{"keywords": []any{"Paris", "France"}}}
	in := &eval.Input{Case: &bench.Case{ID: "c", Expected: "Paris"}, Prompt: "What is the capital of France?", Output: "Paris is the capital of France."}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if s, err := p.Evaluate(ctx, a, in); err != nil || s.Score != 1 {
			b.Fatalf("Evaluate = %+v, %v", s, err)
		}
	}
}
