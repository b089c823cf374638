package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// F1 is tool-call-f1: the F1 of the set of tool names called against the
// set expected, order and repetition ignored. Precision is the share of
// called names that were expected, recall the share of expected names
// called; F1 is 0 when either is. It passes when F1 reaches the threshold
// (default 1). Its negation keeps the F1 as the score and flips the
// verdict, as promptfoo's does.
type F1 struct{}

var (
	_ eval.Evaluator = F1{}
	_ eval.Validator = F1{}
	_ eval.Negater   = F1{}
)

// expected reads the value: a list of names, or a comma-separated string;
// names are trimmed and empty ones dropped, and at least one must remain.
func expected(a bench.Assertion) ([]string, error) {
	var names []string
	switch v := a.Value.(type) {
	case string:
		names = strings.Split(v, ",")
	case []any, []string:
		list, err := value.Strings(v)
		if err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
		names = list
	default:
		return nil, errors.New("value must be a list of tool names or a comma-separated string")
	}
	out := names[:0:0]
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("value must name at least one expected tool")
	}
	return out, nil
}

// Validate checks the expected names and the threshold.
func (F1) Validate(a bench.Assertion) error {
	if a.Threshold != nil && (*a.Threshold < 0 || *a.Threshold > 1) {
		return fmt.Errorf("threshold must be between 0 and 1, got %v", *a.Threshold)
	}
	_, err := expected(a)
	return err
}

// Negate flips the verdict and keeps the F1.
func (F1) Negate(s bench.Score) bench.Score {
	s.Pass, s.Reason = !s.Pass, "not: "+s.Reason
	return s
}

// Evaluate scores the called names against the expected ones.
func (F1) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	want, err := expected(a)
	if err != nil {
		return bench.Score{}, err
	}
	var called []string
	if len(in.ToolCalls) > 0 {
		for _, c := range in.ToolCalls {
			called = appendName(called, c.Name)
		}
	} else if called, err = namesInText(in.Output); err != nil {
		return pass(false, err.Error()), nil
	}
	hit := 0
	for _, n := range want {
		if slices.Contains(called, n) {
			hit++
		}
	}
	var precision, recall, f1 float64
	if len(called) > 0 {
		precision = float64(hit) / float64(len(called))
	}
	recall = float64(hit) / float64(len(want))
	if precision+recall > 0 {
		f1 = 2 * precision * recall / (precision + recall)
	}
	threshold := 1.0
	if a.Threshold != nil {
		threshold = *a.Threshold
	}
	slices.Sort(want)
	slices.Sort(called)
	got := strings.Join(called, ", ")
	if got == "" {
		got = "(none)"
	}
	reason := fmt.Sprintf("tool call F1 %.3f (precision %.3f, recall %.3f; threshold %v): expected [%s], called [%s]",
		f1, precision, recall, threshold, strings.Join(want, ", "), got)
	return bench.Score{Score: f1, Pass: f1 >= threshold, Reason: reason}, nil
}

func appendName(names []string, n string) []string {
	if slices.Contains(names, n) {
		return names
	}
	return append(names, n)
}
