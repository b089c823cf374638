package text

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// CharacterCount passes when the output's length in Unicode code points
// (an emoji is one, a combining accent one more, as promptfoo counts) is
// the value, a whole number, or lies within a {min, max} map (either bound
// may be left out; both are inclusive).
type CharacterCount struct{}

var (
	_ eval.Evaluator = CharacterCount{}
	_ eval.Validator = CharacterCount{}
)

// Validate checks the value's shape and bounds.
func (CharacterCount) Validate(a bench.Assertion) error {
	_, err := parseWordRange(a.Value)
	return err
}

// Evaluate counts the output's code points.
func (CharacterCount) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	r, err := parseWordRange(a.Value)
	if err != nil {
		return bench.Score{}, err
	}
	n := utf8.RuneCountInString(in.Output)
	ok := (r.lo < 0 || n >= r.lo) && (r.hi < 0 || n <= r.hi)
	return pass(ok, fmt.Sprintf("%d characters, expected %s", n, r)), nil
}
