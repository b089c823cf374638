package graded

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// maxTokensKey is the config key every judged type accepts: the answer
// budget of its judge calls (judge.MaxTokens when absent).
const maxTokensKey = "max_tokens"

// checkCommon checks what every judged type shares: a threshold within
// [0, 1] and config keys the type knows, max_tokens among them.
func checkCommon(a bench.Assertion, known ...string) error {
	if t := a.Threshold; t != nil && (math.IsNaN(*t) || *t < 0 || *t > 1) {
		return fmt.Errorf("threshold %v is outside [0, 1]", *t)
	}
	for _, k := range slices.Sorted(maps.Keys(a.Config)) {
		if k == maxTokensKey {
			if _, err := maxTokens(a.Config[k]); err != nil {
				return err
			}
			continue
		}
		if !slices.Contains(known, k) {
			return fmt.Errorf("config: unknown key %q (this type knows: %s)", k, strings.Join(append([]string{maxTokensKey}, known...), ", "))
		}
	}
	return nil
}

// maxTokens reads config.max_tokens: a whole number of at least 1.
func maxTokens(v any) (int, error) {
	f, ok := value.Float(v)
	if !ok || f < 1 || f != math.Trunc(f) || f > math.MaxInt32 {
		return 0, fmt.Errorf("config.max_tokens is %s, want a whole number of at least 1", describe(v))
	}
	return int(f), nil
}

// textValue reads the assertion's value as text: what names it in
// messages ("the rubric"). An absent or blank value is an error unless
// optional, when it yields "".
func textValue(a bench.Assertion, what string, optional bool) (string, error) {
	switch v := a.Value.(type) {
	case nil:
		if optional {
			return "", nil
		}
		return "", fmt.Errorf("value is missing: give %s as a non-empty string", what)
	case string:
		if strings.TrimSpace(v) == "" && !optional {
			return "", fmt.Errorf("value is blank: give %s as a non-empty string", what)
		}
		return v, nil
	}
	return "", fmt.Errorf("value is %s, want %s as a string", value.Kind(a.Value), what)
}

// threshold is the assertion's threshold, else def.
func threshold(a bench.Assertion, def float64) float64 {
	if a.Threshold != nil {
		return *a.Threshold
	}
	return def
}

// describe names a config value in a message: its text for scalars, its
// kind otherwise.
func describe(v any) string {
	if s, ok := value.Scalar(v); ok {
		if _, isString := v.(string); isString {
			return fmt.Sprintf("%q", s)
		}
		return s
	}
	return value.Kind(v)
}

// format writes a score for a reason: at most three decimals, no
// trailing zeros.
func format(f float64) string {
	return value.FormatFloat(math.Round(f*1000) / 1000)
}
