package alerts

import (
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
)

// BenchmarkFeed is the per-result cost of the evaluator on a run's event
// stream: the seed's two rules plus a per-provider latency rule, results
// spread over four providers.
func BenchmarkFeed(b *testing.B) {
	rules, err := Compile([]config.AlertRule{
		{Name: "high_latency", Condition: "p95_latency_ms > 5000", Severity: "warning"},
		{Name: "high_cost", Condition: "hourly_cost > 10.0", Severity: "error"},
		{Name: "slow_each", Condition: "p99_latency_ms > 2000 and error_rate > 0.1 over 1m", Severity: "error", Provider: EachProvider},
	})
	if err != nil {
		b.Fatal(err)
	}
	c := newClock()
	e := New(Options{Rules: rules, Clock: c})
	results := make([]bench.Result, 1024)
	for i := range results {
		results[i] = bench.Result{Provider: []string{"a", "b", "c", "d"}[i%4], Status: bench.StatusSuccess,
			LatencyMs: float64(50 + i%900), TTFTMs: 20, Passed: i%3 != 0}
		results[i].Cost.Total = 0.0001
	}
	ch := make(chan event.Event, 4096)
	done := make(chan struct{})
	go func() { defer close(done); e.Feed(ch) }()
	b.ResetTimer()
	for i := range b.N {
		if i%4096 == 0 {
			c.advance(time.Second)
		}
		ch <- event.Event{Type: event.TypeResult, ResultReady: &event.ResultReady{Result: &results[i%len(results)]}}
	}
	close(ch)
	<-done
}

// BenchmarkEvaluate is one evaluation of those rules over full windows.
func BenchmarkEvaluate(b *testing.B) {
	rules, err := Compile([]config.AlertRule{
		{Name: "high_latency", Condition: "p95_latency_ms > 5000", Severity: "warning"},
		{Name: "slow_each", Condition: "p99_latency_ms > 2000 and error_rate > 0.1 over 1m", Severity: "error", Provider: EachProvider},
	})
	if err != nil {
		b.Fatal(err)
	}
	c := newClock()
	e := New(Options{Rules: rules, Clock: c})
	for i := range 100000 {
		r := bench.Result{Provider: []string{"a", "b", "c", "d"}[i%4], Status: bench.StatusSuccess, LatencyMs: float64(1 + i%5000)}
		e.Observe(&r)
		if i%1000 == 0 {
			c.advance(3 * time.Second)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		e.Evaluate(b.Context())
	}
}
