package text

import (
	"context"
	"fmt"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/editdist"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// DefaultMaxDistance is the levenshtein threshold when none is given, as in
// promptfoo.
const DefaultMaxDistance = 5

// Levenshtein passes when the edit distance (insertions, deletions and
// substitutions of Unicode code points) between the output and the value is
// at most the assertion's threshold (default 5). Its score is
// 1 - distance / max(len(output), len(value)) in code points, and 1 when
// both are empty, so near misses still rank above wild ones.
type Levenshtein struct{}

var (
	_ eval.Evaluator = Levenshtein{}
	_ eval.Validator = Levenshtein{}
)

// Validate checks the value and that the threshold is not negative.
func (Levenshtein) Validate(a bench.Assertion) error {
	if _, err := scalarValue(a); err != nil {
		return err
	}
	if a.Threshold != nil && *a.Threshold < 0 {
		return fmt.Errorf("threshold (maximum edit distance) must not be negative, got %v", *a.Threshold)
	}
	return nil
}

// Evaluate computes the distance between output and rendered value.
func (Levenshtein) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	v, err := scalarValue(a)
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
	score := 1.0
	if longest > 0 {
		score = 1 - float64(d)/float64(longest)
	}
	ok := float64(d) <= limit
	op := "≤"
	if !ok {
		op = ">"
	}
	return bench.Score{
		Score:  score,
		Pass:   ok,
		Reason: fmt.Sprintf("edit distance %d %s %s", d, op, value.FormatFloat(limit)),
	}, nil
}

// Distance is the Levenshtein distance between a and b in code points.
func Distance(a, b string) int {
	if a == b {
		return 0
	}
	return editdist.Sequences([]rune(a), []rune(b), 1, false)
}
