package text

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// Equals passes when the output is exactly the value. A string or number
// value is compared as text, after rendering. A map or list value is compared
// as JSON: the output must parse as JSON and be deeply equal to it (numbers
// compared as float64, key order ignored); its strings are not rendered.
type Equals struct{}

var (
	_ eval.Evaluator = Equals{}
	_ eval.Validator = Equals{}
)

// Validate checks that there is a value and that a structured one can be
// expressed as JSON.
func (Equals) Validate(a bench.Assertion) error {
	if !structured(a.Value) {
		_, err := scalarValue(a)
		return err
	}
	_, err := canonicalJSON(a.Value)
	return err
}

// structured reports whether v is a map or list.
func structured(v any) bool {
	switch v.(type) {
	case map[string]any, map[any]any, []any, []string:
		return true
	}
	return false
}

// canonicalJSON round-trips v through encoding/json so it compares with a
// decoded output.
func canonicalJSON(v any) (any, error) {
	n, err := value.Normalize(v)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(n)
	if err != nil {
		return nil, fmt.Errorf("value is not expressible as JSON: %w", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("value is not expressible as JSON: %w", err)
	}
	return out, nil
}

// Evaluate compares the output with the value.
func (Equals) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if structured(a.Value) {
		want, err := canonicalJSON(a.Value)
		if err != nil {
			return bench.Score{}, err
		}
		var got any
		if err := json.Unmarshal([]byte(in.Output), &got); err != nil {
			return pass(false, "output is not JSON, expected JSON equal to the value"), nil //nolint:nilerr // a failing verdict, not an error
		}
		if reflect.DeepEqual(want, got) {
			return pass(true, "output equals the expected JSON"), nil
		}
		return pass(false, "output JSON differs from the expected JSON"), nil
	}
	v, err := scalarValue(a)
	if err != nil {
		return bench.Score{}, err
	}
	v = value.Render(v, in)
	if in.Output == v {
		return pass(true, "equals "+quote(v)), nil
	}
	return pass(false, fmt.Sprintf("expected %s, got %s", quote(v), quote(in.Output))), nil
}
