package markup

import (
	"context"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

func init() {
	eval.Register("contains-html", HTML{})
	eval.Register("is-html", HTML{Whole: true})
	eval.Register("contains-xml", XML{})
	eval.Register("is-xml", XML{Whole: true})
}

// HTML is contains-html, or is-html when Whole is set. It takes no value.
type HTML struct{ Whole bool }

var (
	_ eval.Evaluator = HTML{}
	_ eval.Validator = HTML{}
	_ eval.Evaluator = XML{}
	_ eval.Validator = XML{}
)

// Validate refuses a value: neither HTML type reads one.
func (h HTML) Validate(a bench.Assertion) error {
	if a.Value != nil {
		return fmt.Errorf("takes no value (got %s)", value.Kind(a.Value))
	}
	return nil
}

// Evaluate checks the answer for HTML.
func (h HTML) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if err := h.Validate(a); err != nil {
		return bench.Score{}, err
	}
	if h.Whole {
		if why := validateHTML(in.Output); why != "" {
			return bench.Score{Reason: why}, nil
		}
		return bench.Score{Score: 1, Pass: true, Reason: "Output is valid HTML"}, nil
	}
	if containsHTML(in.Output) {
		return bench.Score{Score: 1, Pass: true, Reason: "Output contains HTML content"}, nil
	}
	return bench.Score{Reason: "Expected output to contain HTML content"}, nil
}

// XML is contains-xml, or is-xml when Whole is set.
type XML struct{ Whole bool }

// Validate checks the required elements, when given.
func (x XML) Validate(a bench.Assertion) error {
	_, err := requiredElements(a.Value, nil)
	return err
}

// Evaluate checks the answer for XML holding the required elements.
func (x XML) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	req, err := requiredElements(a.Value, in)
	if err != nil {
		return bench.Score{}, err
	}
	why := ""
	if x.Whole {
		why = validateXML(in.Output, req)
	} else {
		why = containsXML(in.Output, req)
	}
	if why != "" {
		return bench.Score{Reason: why}, nil
	}
	return bench.Score{Score: 1, Pass: true, Reason: "XML is valid and contains all required elements"}, nil
}

// requiredElements reads the value as promptfoo does: nothing, a
// comma-separated string, a list, or a map with "requiredElements".
// Strings are rendered with the case's variables when in is given.
func requiredElements(v any, in *eval.Input) ([]string, error) {
	v, err := value.Normalize(v)
	if err != nil {
		return nil, err
	}
	var out []string
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		for _, p := range strings.Split(value.Render(t, in), ",") {
			out = append(out, strings.TrimSpace(p))
		}
	case []any, []string:
		l, err := value.Strings(t)
		if err != nil {
			return nil, fmt.Errorf("required elements: %w", err)
		}
		for _, p := range l {
			out = append(out, value.Render(p, in))
		}
	case map[string]any:
		l, ok := t["requiredElements"]
		if !ok || len(t) != 1 {
			return nil, fmt.Errorf("a map value takes one key, requiredElements (a list of element paths such as root.child)")
		}
		if _, isList := l.([]any); !isList {
			return nil, fmt.Errorf("requiredElements is %s, want a list of element paths", value.Kind(l))
		}
		return requiredElements(l, in)
	default:
		return nil, fmt.Errorf("value is %s, want element paths: a comma-separated string, a list, or {requiredElements: [...]}", value.Kind(v))
	}
	for _, p := range out {
		if p == "" {
			return nil, fmt.Errorf("an empty element path in %q", fmt.Sprint(v))
		}
	}
	return out, nil
}
