package text

import (
	"context"
	"fmt"
	"regexp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// regexCacheSize bounds the compiled expressions Regex keeps.
const regexCacheSize = 4096

// Regex passes when the output matches the value, a Go RE2 expression,
// anywhere (anchor it with ^ and $ to match the whole output). Expressions
// are compiled once and cached by their text.
type Regex struct {
	cache *value.Cache[*regexp.Regexp]
}

var (
	_ eval.Evaluator = (*Regex)(nil)
	_ eval.Validator = (*Regex)(nil)
)

// NewRegex returns a Regex with an empty cache.
func NewRegex() *Regex {
	return &Regex{cache: value.NewCache[*regexp.Regexp](regexCacheSize)}
}

// Validate checks that the value compiles. A value with {{var}} placeholders
// is checked only when it is evaluated, since its text depends on the case.
func (r *Regex) Validate(a bench.Assertion) error {
	v, err := scalarValue(a)
	if err != nil {
		return err
	}
	if value.HasPlaceholder(v) {
		return nil
	}
	_, err = r.compile(v)
	return err
}

func (r *Regex) compile(expr string) (*regexp.Regexp, error) {
	return r.cache.Get(expr, func(s string) (*regexp.Regexp, error) {
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("invalid regex %q: %w", s, err)
		}
		return re, nil
	})
}

// Evaluate matches the output against the rendered expression.
func (r *Regex) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	v, err := scalarValue(a)
	if err != nil {
		return bench.Score{}, err
	}
	re, err := r.compile(value.Render(v, in))
	if err != nil {
		return bench.Score{}, err
	}
	if re.MatchString(in.Output) {
		return pass(true, "matches /"+re.String()+"/"), nil
	}
	return pass(false, "does not match /"+re.String()+"/"), nil
}
