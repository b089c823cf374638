package callmeta_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	_ "github.com/llm-test-bench/llm-test-bench/eval/callmeta"
)

func ptr(f float64) *float64 { return &f }

func TestCallMeta(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    bench.Assertion
		in   eval.Input
		want bench.Score
	}{
		{"latency under", bench.Assertion{Type: "latency", Threshold: ptr(5000)}, eval.Input{LatencyMs: 412.7},
			bench.Score{Score: 1, Pass: true, Reason: "expected ≤ 5000 ms, got 412.7 ms"}},
		{"latency equal passes", bench.Assertion{Type: "latency", Threshold: ptr(500)}, eval.Input{LatencyMs: 500},
			bench.Score{Score: 1, Pass: true, Reason: "expected ≤ 500 ms, got 500 ms"}},
		{"latency over", bench.Assertion{Type: "latency", Threshold: ptr(5000)}, eval.Input{LatencyMs: 6120},
			bench.Score{Reason: "expected ≤ 5000 ms, got 6120 ms"}},
		{"not-latency", bench.Assertion{Type: "not-latency", Threshold: ptr(100)}, eval.Input{LatencyMs: 150},
			bench.Score{Score: 1, Pass: true, Reason: "not: expected ≤ 100 ms, got 150 ms"}},
		{"cost under", bench.Assertion{Type: "cost", Threshold: ptr(0.001)}, eval.Input{Cost: bench.Cost{Total: 0.00000435}},
			bench.Score{Score: 1, Pass: true, Reason: "expected ≤ $0.001, got $4.35e-06"}},
		{"cost over", bench.Assertion{Type: "cost", Threshold: ptr(0.01)}, eval.Input{Cost: bench.Cost{Total: 0.0123}},
			bench.Score{Reason: "expected ≤ $0.01, got $0.0123"}},
		{"cost zero threshold free call", bench.Assertion{Type: "cost", Threshold: ptr(0)}, eval.Input{},
			bench.Score{Score: 1, Pass: true, Reason: "expected ≤ $0, got $0"}},
		{"finish-reason", bench.Assertion{Type: "finish-reason", Value: "stop"}, eval.Input{FinishReason: "stop"},
			bench.Score{Score: 1, Pass: true, Reason: `finish reason "stop"`}},
		{"finish-reason ignores case", bench.Assertion{Type: "finish-reason", Value: "STOP"}, eval.Input{FinishReason: "stop"},
			bench.Score{Score: 1, Pass: true, Reason: `finish reason "stop"`}},
		{"finish-reason differs", bench.Assertion{Type: "finish-reason", Value: "stop"}, eval.Input{FinishReason: "length"},
			bench.Score{Reason: `expected finish reason "stop", got "length"`}},
		{"not-finish-reason length", bench.Assertion{Type: "not-finish-reason", Value: "length"}, eval.Input{FinishReason: "stop"},
			bench.Score{Score: 1, Pass: true, Reason: `not: expected finish reason "length", got "stop"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := eval.Validate([]bench.Assertion{tt.a}); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			in := tt.in
			got := eval.Check(context.Background(), []bench.Assertion{tt.a}, nil, &in).Scores[tt.a.Type]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("score (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    bench.Assertion
		want string
	}{
		{"latency without threshold", bench.Assertion{Type: "latency"}, "threshold (milliseconds) is required"},
		{"latency value is not a threshold", bench.Assertion{Type: "latency", Value: 5000}, "threshold (milliseconds) is required"},
		{"latency negative", bench.Assertion{Type: "latency", Threshold: ptr(-5)}, "must not be negative"},
		{"cost without threshold", bench.Assertion{Type: "not-cost"}, "threshold (USD) is required"},
		{"finish-reason without value", bench.Assertion{Type: "finish-reason"}, "value (the expected finish reason) is required"},
		{"finish-reason blank", bench.Assertion{Type: "finish-reason", Value: " "}, "is required"},
		{"finish-reason number", bench.Assertion{Type: "finish-reason", Value: 1}, "value is a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := eval.Validate([]bench.Assertion{tt.a})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
