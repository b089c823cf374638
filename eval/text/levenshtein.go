package text

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/editdist"
)

// DefaultMaxDistance is the levenshtein threshold when none is given, as in
// promptfoo.
const DefaultMaxDistance = 5

// Levenshtein passes when the edit distance (insertions, deletions and
// substitutions of Unicode code points) between the output and the value is
// at most the assertion's threshold (default 5). As in promptfoo it is
// binary: 1 on a pass, 0 on a failure; the reason gives the distance and the
// similarity 1 - distance / max(len(output), len(value)) in code points.
// The value must be a string, as promptfoo requires.
type Levenshtein struct{}

var (
	_ eval.Evaluator = Levenshtein{}
	_ eval.Validator = Levenshtein{}
)

// Validate checks the value and that the threshold is not negative.
func (Levenshtein) Validate(a bench.Assertion) error {
	if _, err := stringValue(a); err != nil {
		return err
	}
	if a.Threshold != nil && *a.Threshold < 0 {
		return fmt.Errorf("threshold (maximum edit distance) must not be negative, got %v", *a.Threshold)
	}
	return nil
}

// stringValue is the assertion's value when it is a string.
func stringValue(a bench.Assertion) (string, error) {
	switch v := a.Value.(type) {
	case nil:
		return "", errNoValue
	case string:
		return v, nil
	}
	return "", fmt.Errorf("value is %s, want a string", value.Kind(a.Value))
}

// Evaluate computes the distance between output and rendered value.
func (Levenshtein) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	v, err := stringValue(a)
	if err != nil {
		return bench.Score{}, err
	}
	v = value.Render(v, in)
	limit := float64(DefaultMaxDistance)
	if a.Threshold != nil {
		limit = *a.Threshold
	}
	d := Distance(in.Output, v)
	longest := max(utf8.RuneCountInString(in.Output), utf8.RuneCountInString(v))
	similarity := 1.0
	if longest > 0 {
		similarity = 1 - float64(d)/float64(longest)
	}
	op := "≤"
	if float64(d) > limit {
		op = ">"
	}
	return pass(float64(d) <= limit, fmt.Sprintf("edit distance %d %s %s (similarity %s)",
		d, op, value.FormatFloat(limit), strconv.FormatFloat(similarity, 'f', 3, 64))), nil
}

// Distance is the Levenshtein distance between a and b in code points.
func Distance(a, b string) int {
	if a == b {
		return 0
	}
	return editdist.Sequences([]rune(a), []rune(b), 1, false)
}
