package text

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// WordCount passes when the output's word count (strings.Fields) is the
// value, a whole number, or lies within a {min, max} map (either bound may
// be left out; both are inclusive).
type WordCount struct{}

var (
	_ eval.Evaluator = WordCount{}
	_ eval.Validator = WordCount{}
)

// wordRange is an inclusive range; a negative bound is absent.
type wordRange struct{ lo, hi int }

// Validate checks the value's shape and bounds.
func (WordCount) Validate(a bench.Assertion) error {
	_, err := parseWordRange(a.Value)
	return err
}

// parseWordRange reads a number or a {min, max} map.
func parseWordRange(v any) (wordRange, error) {
	if v == nil {
		return wordRange{}, errNoValue
	}
	n, err := value.Normalize(v)
	if err != nil {
		return wordRange{}, err
	}
	m, ok := n.(map[string]any)
	if !ok {
		c, err := wordBound("value", v)
		if err != nil {
			return wordRange{}, err
		}
		return wordRange{lo: c, hi: c}, nil
	}
	r := wordRange{lo: -1, hi: -1}
	for k, e := range m {
		switch k {
		case "min":
			r.lo, err = wordBound("min", e)
		case "max":
			r.hi, err = wordBound("max", e)
		default:
			err = fmt.Errorf("unknown key %q (want min and/or max)", k)
		}
		if err != nil {
			return wordRange{}, err
		}
	}
	if r.lo < 0 && r.hi < 0 {
		return wordRange{}, fmt.Errorf("value needs min or max")
	}
	if r.lo >= 0 && r.hi >= 0 && r.lo > r.hi {
		return wordRange{}, fmt.Errorf("min %d is greater than max %d", r.lo, r.hi)
	}
	return r, nil
}

// wordBound reads a non-negative whole number.
func wordBound(name string, v any) (int, error) {
	f, ok := value.Float(v)
	if !ok || f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
		return 0, fmt.Errorf("%s must be a whole number ≥ 0, got %v", name, v)
	}
	return int(f), nil
}

// String describes the range for a reason.
func (r wordRange) String() string {
	switch {
	case r.lo == r.hi:
		return fmt.Sprintf("exactly %d", r.lo)
	case r.lo < 0:
		return fmt.Sprintf("at most %d", r.hi)
	case r.hi < 0:
		return fmt.Sprintf("at least %d", r.lo)
	}
	return fmt.Sprintf("%d–%d", r.lo, r.hi)
}

// Evaluate counts the output's words.
func (WordCount) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	r, err := parseWordRange(a.Value)
	if err != nil {
		return bench.Score{}, err
	}
	n := countWords(in.Output)
	ok := (r.lo < 0 || n >= r.lo) && (r.hi < 0 || n <= r.hi)
	return pass(ok, fmt.Sprintf("%d words, expected %s", n, r)), nil
}

// countWords counts whitespace-separated words without allocating.
func countWords(s string) int {
	n := 0
	for range strings.FieldsSeq(s) {
		n++
	}
	return n
}
