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
// take a list, or a comma-separated string. Fold compares case-insensitively.
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
	_, err := s.needles(a)
	return err
}

// needles is the unrendered list of substrings to look for.
func (s Substring) needles(a bench.Assertion) ([]string, error) {
	if s.Mode == One {
		v, err := scalarValue(a)
		if err != nil {
			return nil, err
		}
		return []string{v}, nil
	}
	if a.Value == nil {
		return nil, errNoValue
	}
	l, err := value.Strings(a.Value)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, fmt.Errorf("value is an empty list")
	}
	return l, nil
}

// Evaluate looks for the value(s) in the output.
func (s Substring) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	needles, err := s.needles(a)
	if err != nil {
		return bench.Score{}, err
	}
	hay := in.Output
	if s.Fold {
		hay = strings.ToLower(hay)
	}
	var found, missing []string
	for _, n := range needles {
		n = value.Render(n, in)
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
