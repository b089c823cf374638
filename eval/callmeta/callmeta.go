// Package callmeta registers the assertion types that check a call's
// metadata rather than its text: latency (threshold in milliseconds), cost
// (threshold in USD) and finish-reason. All three are binary: they score 1
// or 0.
package callmeta

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

func init() {
	eval.Register("latency", Latency{})
	eval.Register("cost", Cost{})
	eval.Register("finish-reason", FinishReason{})
}

// pass builds a binary score.
func pass(ok bool, reason string) bench.Score {
	if ok {
		return bench.Score{Score: 1, Pass: true, Reason: reason}
	}
	return bench.Score{Reason: reason}
}

// limit is the assertion's threshold, which these types require.
func limit(a bench.Assertion, unit string) (float64, error) {
	if a.Threshold == nil {
		return 0, fmt.Errorf("threshold (%s) is required", unit)
	}
	if *a.Threshold < 0 {
		return 0, fmt.Errorf("threshold (%s) must not be negative, got %v", unit, *a.Threshold)
	}
	return *a.Threshold, nil
}

// Latency passes when the call's total latency is at most the threshold,
// in milliseconds.
type Latency struct{}

var (
	_ eval.Evaluator = Latency{}
	_ eval.Validator = Latency{}
)

// Validate requires a non-negative threshold.
func (Latency) Validate(a bench.Assertion) error {
	_, err := limit(a, "milliseconds")
	return err
}

// Evaluate compares the latency with the threshold.
func (Latency) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	max, err := limit(a, "milliseconds")
	if err != nil {
		return bench.Score{}, err
	}
	reason := fmt.Sprintf("expected ≤ %s ms, got %s ms", value.FormatFloat(max), formatMs(in.LatencyMs))
	return pass(in.LatencyMs <= max, reason), nil
}

// formatMs rounds a latency to a tenth of a millisecond for reasons.
func formatMs(ms float64) string {
	if ms == float64(int64(ms)) {
		return value.FormatFloat(ms)
	}
	return fmt.Sprintf("%.1f", ms)
}

// Cost passes when the call's total cost is at most the threshold, in USD.
type Cost struct{}

var (
	_ eval.Evaluator = Cost{}
	_ eval.Validator = Cost{}
)

// Validate requires a non-negative threshold.
func (Cost) Validate(a bench.Assertion) error {
	_, err := limit(a, "USD")
	return err
}

// Evaluate compares the total cost with the threshold.
func (Cost) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	max, err := limit(a, "USD")
	if err != nil {
		return bench.Score{}, err
	}
	reason := fmt.Sprintf("expected ≤ $%s, got $%s", value.FormatFloat(max), value.FormatFloat(in.Cost.Total))
	return pass(in.Cost.Total <= max, reason), nil
}

// FinishReason passes when the call's finish reason equals the value,
// ignoring case ("stop", "length", "tool_calls", "content_filter").
type FinishReason struct{}

var (
	_ eval.Evaluator = FinishReason{}
	_ eval.Validator = FinishReason{}
)

// Validate requires a non-empty string value.
func (FinishReason) Validate(a bench.Assertion) error {
	_, err := expectedReason(a)
	return err
}

func expectedReason(a bench.Assertion) (string, error) {
	s, ok := a.Value.(string)
	if !ok {
		if a.Value == nil {
			return "", errors.New("value (the expected finish reason) is required")
		}
		return "", fmt.Errorf("value is %s, want a finish reason such as \"stop\"", value.Kind(a.Value))
	}
	if strings.TrimSpace(s) == "" {
		return "", errors.New("value (the expected finish reason) is required")
	}
	return strings.TrimSpace(s), nil
}

// Evaluate compares the finish reason.
func (FinishReason) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	want, err := expectedReason(a)
	if err != nil {
		return bench.Score{}, err
	}
	got := in.FinishReason
	if strings.EqualFold(got, want) {
		return pass(true, fmt.Sprintf("finish reason %q", got)), nil
	}
	return pass(false, fmt.Sprintf("expected finish reason %q, got %q", want, got)), nil
}
