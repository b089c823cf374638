// Package text registers the string assertion types of the README's "Assertions": equals,
// contains, icontains, contains-any, contains-all, icontains-any,
// icontains-all, starts-with, regex, levenshtein, word-count and
// character-count. String values are rendered with the case's variables
// ({{var}}) before checking.
// Every type here is binary: it scores 1 or 0, as in promptfoo.
package text

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

func init() {
	eval.Register("equals", Equals{})
	eval.Register("contains", Substring{Mode: One})
	eval.Register("icontains", Substring{Mode: One, Fold: true})
	eval.Register("contains-any", Substring{Mode: Any})
	eval.Register("contains-all", Substring{Mode: All})
	eval.Register("icontains-any", Substring{Mode: Any, Fold: true})
	eval.Register("icontains-all", Substring{Mode: All, Fold: true})
	eval.Register("starts-with", StartsWith{})
	eval.Register("regex", NewRegex())
	eval.Register("levenshtein", Levenshtein{})
	eval.Register("word-count", WordCount{})
	eval.Register("character-count", CharacterCount{})
}

// errNoValue is the Validate error of a type that needs a value.
var errNoValue = errors.New("value is required")

// scalarValue is the assertion's value as text, before rendering.
func scalarValue(a bench.Assertion) (string, error) {
	if a.Value == nil {
		return "", errNoValue
	}
	s, ok := value.Scalar(a.Value)
	if !ok {
		return "", fmt.Errorf("value is %s, want a string", value.Kind(a.Value))
	}
	return s, nil
}

// pass builds a binary score.
func pass(ok bool, reason string) bench.Score {
	if ok {
		return bench.Score{Score: 1, Pass: true, Reason: reason}
	}
	return bench.Score{Score: 0, Pass: false, Reason: reason}
}

// maxQuoted is how many runes of a value or output a reason quotes.
const maxQuoted = 60

// quote is %q of s, shortened to maxQuoted runes.
func quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return fmt.Sprintf("%q", s)
	}
	r := []rune(s)
	return fmt.Sprintf("%q…", string(r[:maxQuoted]))
}
