// Package structure registers the structured-output assertion types (the
// README's "Assertions"): is-json (the whole output is JSON) and contains-json (the output
// embeds a JSON object or array). Both take an optional JSON Schema as their
// value, as a map or as JSON or YAML text (as promptfoo reads it); "format"
// is checked (date, date-time, time, email, uri, ipv4, ipv6, uuid,
// hostname, duration, ...). Schemas are compiled once and cached by their
// canonical JSON. Both are binary: they score 1 or 0.
package structure

import (
	"context"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func init() {
	s := NewSchemas()
	eval.Register("is-json", IsJSON{Schemas: s})
	eval.Register("contains-json", ContainsJSON{Schemas: s})
}

// pass builds a binary score.
func pass(ok bool, reason string) bench.Score {
	if ok {
		return bench.Score{Score: 1, Pass: true, Reason: reason}
	}
	return bench.Score{Reason: reason}
}

// IsJSON passes when the whole output (surrounding white space allowed)
// parses as one JSON value and, with a schema, validates against it. Like
// promptfoo's is-json it does not look inside Markdown code fences; use
// contains-json for that.
type IsJSON struct {
	Schemas *Schemas
}

var (
	_ eval.Evaluator = IsJSON{}
	_ eval.Validator = IsJSON{}
)

// Validate compiles the schema, if any.
func (e IsJSON) Validate(a bench.Assertion) error {
	_, err := e.Schemas.For(a.Value)
	return err
}

// Evaluate parses and, with a schema, validates the output.
func (e IsJSON) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	sch, err := e.Schemas.For(a.Value)
	if err != nil {
		return bench.Score{}, err
	}
	doc, err := decode(in.Output)
	if err != nil {
		return pass(false, "output is not valid JSON: "+err.Error()), nil //nolint:nilerr // bad output is a failing verdict, not an error
	}
	if sch == nil {
		return pass(true, "output is valid JSON"), nil
	}
	if err := sch.Validate(doc); err != nil {
		return pass(false, "JSON does not match the schema: "+brief(err)), nil
	}
	return pass(true, "output is valid JSON and matches the schema"), nil
}

// ContainsJSON passes when the output embeds a JSON object or array (found
// by ExtractJSON, so fenced blocks and JSON inside prose count) and, with a
// schema, when at least one embedded value validates against it.
type ContainsJSON struct {
	Schemas *Schemas
}

var (
	_ eval.Evaluator = ContainsJSON{}
	_ eval.Validator = ContainsJSON{}
)

// Validate compiles the schema, if any.
func (e ContainsJSON) Validate(a bench.Assertion) error {
	_, err := e.Schemas.For(a.Value)
	return err
}

// Evaluate extracts embedded JSON and checks it.
func (e ContainsJSON) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	sch, err := e.Schemas.For(a.Value)
	if err != nil {
		return bench.Score{}, err
	}
	found := 0
	var firstErr error
	for raw := range ExtractJSON(in.Output) {
		found++
		if sch == nil {
			return pass(true, "contains valid JSON"), nil
		}
		doc, err := decode(raw)
		if err != nil {
			continue
		}
		verr := sch.Validate(doc)
		if verr == nil {
			return pass(true, "contains JSON that matches the schema"), nil
		}
		if firstErr == nil {
			firstErr = verr
		}
	}
	if found == 0 {
		return pass(false, "no JSON object or array found in the output"), nil
	}
	return pass(false, fmt.Sprintf("%d JSON value(s) found, none matches the schema: %s", found, brief(firstErr))), nil
}

// decode parses JSON the way the schema validator expects (numbers as
// json.Number), rejecting trailing data.
func decode(s string) (any, error) {
	return jsonschema.UnmarshalJSON(strings.NewReader(s))
}

// maxReason bounds the length of a validation error quoted in a reason.
const maxReason = 200

// brief flattens an error to one short line.
func brief(err error) string {
	if err == nil {
		return ""
	}
	s := strings.Join(strings.Fields(err.Error()), " ")
	if r := []rune(s); len(r) > maxReason {
		s = string(r[:maxReason]) + "…"
	}
	return s
}
