package javascript

import (
	"context"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

var benchAssertions = map[string]bench.Assertion{
	"expression": {Type: "javascript", Value: `output.includes("Paris") && output.length < 500`},
	"json":       {Type: "javascript", Value: "const o = JSON.parse(output);\nreturn {pass: o.city === context.vars.city, score: 1, reason: 'city'}"},
}

// BenchmarkEvaluate is one assertion on a pooled engine: the cost a run
// pays per javascript assertion.
func BenchmarkEvaluate(b *testing.B) {
	for name, a := range benchAssertions {
		b.Run(name, func(b *testing.B) {
			e := New(NewPool(1), DefaultLimits)
			in := input(`{"city": "Paris", "country": "France"}`)
			in.Case = &bench.Case{ID: "c", Variables: map[string]any{"city": "Paris"}}
			for b.Loop() {
				if s, err := e.Evaluate(context.Background(), a, in); err != nil || !s.Pass {
					b.Fatal(s, err)
				}
			}
		})
	}
}

// BenchmarkColdStart is the same assertion on a new engine each time, what
// every assertion would pay without the pool.
func BenchmarkColdStart(b *testing.B) {
	a := benchAssertions["expression"]
	in := input(`Paris`)
	for b.Loop() {
		e := New(NewPool(1), DefaultLimits)
		if _, err := e.Evaluate(context.Background(), a, in); err != nil {
			b.Fatal(err)
		}
		(<-e.pool.idle).close()
	}
}

// BenchmarkEvaluateParallel runs assertions from every core at once.
func BenchmarkEvaluateParallel(b *testing.B) {
	e := New(NewPool(DefaultPoolSize()), DefaultLimits)
	a := benchAssertions["expression"]
	b.RunParallel(func(pb *testing.PB) {
		in := input(`Paris`)
		for pb.Next() {
			if _, err := e.Evaluate(context.Background(), a, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
