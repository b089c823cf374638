package text

import (
	"context"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// Mode says how many of a Substring check's values must occur.
type Mode int

// Substring modes.
const (
	One Mode = iota // contains: the value is one string
	Any             // contains-any: at least one of a list
	All             // contains-all: every item of a list
)

// Substring is the contains family. One takes a string value; Any and All
// take a list, or a comma-separated string read as promptfoo reads it
// (quoted items may hold commas; see value.ParseList). Fold compares
// case-insensitively.
type Substring struct {
	Mode Mode
	Fold bool
}

var (
	_ eval.Evaluator = Substring{}
	_ eval.Validator = Substring{}
)

// Validate checks that the value has the shape the mode needs.
func (s Substring) Validate(a bench.Assertion) error {
	_, err := s.needles(a, nil)
	return err
}

// needles is the list of substrings to look for, rendered with the case's
// variables when in is not nil. A string value of Any and All is a
// comma-separated list (see value.ParseList); as in promptfoo it is
// rendered first and split after, so a variable may hold several items.
// Without in, a string with placeholders is not split: its items are only
// known per case.
func (s Substring) needles(a bench.Assertion, in *eval.Input) ([]string, error) {
	if s.Mode == One {
		v, err := scalarValue(a)
		if err != nil {
			return nil, err
		}
		return []string{render(v, in)}, nil
	}
	if a.Value == nil {
		return nil, errNoValue
	}
	if str, ok := a.Value.(string); ok {
		if in == nil && value.HasPlaceholder(str) {
			return []string{str}, nil
		}
		l, err := value.ParseList(render(str, in))
		if err != nil {
			return nil, fmt.Errorf("value is not a valid comma-separated list: %w", err)
		}
		if len(l) == 0 {
			return nil, fmt.Errorf("value %q lists no item", str)
		}
		return l, nil
	}
	l, err := value.Strings(a.Value)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, fmt.Errorf("value is an empty list")
	}
	out := make([]string, len(l))
	for i, n := range l {
		out[i] = render(n, in)
	}
	return out, nil
}

// render fills placeholders when there is a case to fill them from.
func render(v string, in *eval.Input) string {
	if in == nil {
		return v
	}
	return value.Render(v, in)
}

// Evaluate looks for the value(s) in the output.
func (s Substring) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	needles, err := s.needles(a, in)
	if err != nil {
		return bench.Score{}, err
	}
	hay := in.Output
	if s.Fold {
		hay = strings.ToLower(hay)
	}
	var found, missing []string
	for _, n := range needles {
		probe := n
		if s.Fold {
			probe = strings.ToLower(n)
		}
		if strings.Contains(hay, probe) {
			found = append(found, n)
		} else {
			missing = append(missing, n)
		}
	}
	switch s.Mode {
	case Any:
		if len(found) > 0 {
			return pass(true, "contains "+quote(found[0])), nil
		}
		return pass(false, "contains none of "+quoteList(missing)), nil
	case All:
		if len(missing) == 0 {
			return pass(true, fmt.Sprintf("contains all %d of %s", len(found), quoteList(found))), nil
		}
		return pass(false, "missing "+quoteList(missing)), nil
	}
	if len(found) == 1 {
		return pass(true, "contains "+quote(found[0])), nil
	}
	return pass(false, "does not contain "+quote(missing[0])), nil
}

// quoteList quotes up to five items.
func quoteList(l []string) string {
	const most = 5
	q := make([]string, 0, min(len(l), most)+1)
	for i, s := range l {
		if i == most {
			q = append(q, fmt.Sprintf("and %d more", len(l)-most))
			break
		}
		q = append(q, quote(s))
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// StartsWith passes when the output begins with the value (case-sensitive).
type StartsWith struct{}

var (
	_ eval.Evaluator = StartsWith{}
	_ eval.Validator = StartsWith{}
)

// Validate checks that the value is a string.
func (StartsWith) Validate(a bench.Assertion) error {
	_, err := scalarValue(a)
	return err
}

// Evaluate checks the output's prefix.
func (StartsWith) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	v, err := scalarValue(a)
	if err != nil {
		return bench.Score{}, err
	}
	v = value.Render(v, in)
	if strings.HasPrefix(in.Output, v) {
		return pass(true, "starts with "+quote(v)), nil
	}
	return pass(false, "does not start with "+quote(v)), nil
}
