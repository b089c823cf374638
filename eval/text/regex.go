package text

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/dlclark/regexp2/v2"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// regexCacheSize bounds the compiled expressions Regex keeps.
const regexCacheSize = 4096

// RegexTimeout bounds one match of an expression that needs the
// backtracking engine; a match that runs longer is an error of that
// assertion, recorded as unscored, not a hang.
const RegexTimeout = time.Second

// Regex passes when the output matches the value anywhere (anchor it with ^
// and $ to match the whole output). The value is a JavaScript regular
// expression, as in promptfoo (new RegExp(value): no /.../flags wrapper).
// An expression Go's RE2 compiles runs on RE2, in linear time; one that
// needs what RE2 lacks (look-ahead, look-behind, backreferences) runs on a
// backtracking engine in ECMAScript mode, each match bounded by
// RegexTimeout. Expressions are compiled once and cached by their text.
type Regex struct {
	cache   *value.Cache[*matcher]
	timeout time.Duration
}

var (
	_ eval.Evaluator = (*Regex)(nil)
	_ eval.Validator = (*Regex)(nil)
)

// NewRegex returns a Regex with an empty cache and the default timeout.
func NewRegex() *Regex {
	return NewRegexTimeout(RegexTimeout)
}

// NewRegexTimeout returns a Regex whose backtracking matches stop after d.
func NewRegexTimeout(d time.Duration) *Regex {
	return &Regex{cache: value.NewCache[*matcher](regexCacheSize), timeout: d}
}

// matcher is a compiled expression on one of the two engines.
type matcher struct {
	re2  *regexp.Regexp
	back *regexp2.Regexp
}

// match reports whether s matches; only the backtracking engine can fail.
func (m *matcher) match(s string) (bool, error) {
	if m.re2 != nil {
		return m.re2.MatchString(s), nil
	}
	ok, err := m.back.MatchString(s)
	if err != nil {
		return false, fmt.Errorf("regex /%s/ gave up after %s (the backtracking engine's limit): %w", m.back.String(), m.back.MatchTimeout, err)
	}
	return ok, nil
}

// String is the expression's text.
func (m *matcher) String() string {
	if m.re2 != nil {
		return m.re2.String()
	}
	return m.back.String()
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

func (r *Regex) compile(expr string) (*matcher, error) {
	return r.cache.Get(expr, func(s string) (*matcher, error) {
		re, err := regexp.Compile(s)
		if err == nil {
			return &matcher{re2: re}, nil
		}
		back, berr := regexp2.Compile(s, regexp2.ECMAScript)
		if berr != nil {
			return nil, fmt.Errorf("invalid regex %q: %w", s, errors.Join(err, berr))
		}
		back.MatchTimeout = r.timeout
		return &matcher{back: back}, nil
	})
}

// Evaluate matches the output against the rendered expression.
func (r *Regex) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	v, err := scalarValue(a)
	if err != nil {
		return bench.Score{}, err
	}
	m, err := r.compile(value.Render(v, in))
	if err != nil {
		return bench.Score{}, err
	}
	ok, err := m.match(in.Output)
	if err != nil {
		return bench.Score{}, err
	}
	if ok {
		return pass(true, "matches /"+m.String()+"/"), nil
	}
	return pass(false, "does not match /"+m.String()+"/"), nil
}
