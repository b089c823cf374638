// Package tools registers the tool-call assertion types (the README's
// "Tool calls"), with promptfoo's semantics:
//
//   - is-valid-openai-tools-call passes when the model made at least one
//     tool call and every call names a tool the case offered, with
//     arguments that parse as JSON and validate against that tool's
//     parameters schema.
//   - is-valid-openai-function-call is the same check for the older
//     single function call.
//   - tool-call-f1 scores the set of tool names called against the
//     expected names (its value: a list, or a comma-separated string) by
//     F1; it passes at or above its threshold (default 1).
//
// The calls are the ones the provider recorded (Result.ToolCalls). When
// there are none and the output is text, the calls are read from it as
// promptfoo reads an output that is not an object: the OpenAI shapes as
// JSON for the validity checks, and for tool-call-f1 the tool-call shapes of
// OpenAI, Anthropic and Gemini, as one JSON document or as JSON blocks on
// lines of their own outside code fences.
//
// CheckTools is the load-time check of a case's tools: valid names, no
// duplicates, parameters a valid JSON Schema object.
package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/structure"
)

// schemas compiles and caches the tools' parameter schemas.
var schemas = structure.NewSchemas()

func init() {
	eval.Register("is-valid-openai-tools-call", Valid{Function: false})
	eval.Register("is-valid-openai-function-call", Valid{Function: true})
	eval.Register("tool-call-f1", F1{})
}

// namePattern is the tool name rule of OpenAI's function definitions,
// which Anthropic's and Gemini's names also accept.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// CheckTools reports the first problem with a case's tools: a name that
// is empty, too long or has characters other than letters, digits, _ and
// -, a name given twice, or parameters that are not a valid JSON Schema
// of an object.
func CheckTools(tools []bench.Tool) error {
	seen := make(map[string]bool, len(tools))
	for i, t := range tools {
		if !namePattern.MatchString(t.Name) {
			return fmt.Errorf("tools[%d]: name %q must be 1 to 64 letters, digits, _ or -", i, t.Name)
		}
		if seen[t.Name] {
			return fmt.Errorf("tools[%d]: tool %q is given twice", i, t.Name)
		}
		seen[t.Name] = true
		if t.Parameters == nil {
			continue
		}
		if typ, ok := t.Parameters["type"]; ok && typ != "object" {
			return fmt.Errorf("tools[%d] %s: parameters must be an object schema (type: object), not type %v", i, t.Name, typ)
		}
		if _, err := schemas.For(t.Parameters); err != nil {
			return fmt.Errorf("tools[%d] %s: parameters: %w", i, t.Name, err)
		}
	}
	return nil
}

// pass builds a binary score.
func pass(ok bool, reason string) bench.Score {
	if ok {
		return bench.Score{Score: 1, Pass: true, Reason: reason}
	}
	return bench.Score{Reason: reason}
}

// Valid is is-valid-openai-tools-call, or with Function
// is-valid-openai-function-call.
type Valid struct {
	Function bool
}

var _ eval.Evaluator = Valid{}

func (v Valid) shape() string {
	if v.Function {
		return "function call"
	}
	return "tools response"
}

// Evaluate checks every call against the case's tools.
func (v Valid) Evaluate(_ context.Context, _ bench.Assertion, in *eval.Input) (bench.Score, error) {
	var tools []bench.Tool
	if in.Case != nil {
		tools = in.Case.Tools
	}
	if len(tools) == 0 {
		return bench.Score{}, errors.New("the case offers no tools: give the case (or the suite's defaults) tools to check the calls against")
	}
	calls := in.ToolCalls
	if len(calls) == 0 {
		var ok bool
		if calls, ok = textCalls(in.Output, v.Function); !ok {
			return pass(false, fmt.Sprintf("the model did not return a valid-looking %s: %s", v.shape(), brief(in.Output))), nil
		}
	}
	for _, c := range calls {
		if err := checkCall(c, tools); err != nil {
			return pass(false, err.Error()), nil
		}
	}
	return pass(true, fmt.Sprintf("%d valid call(s)", len(calls))), nil
}

// checkCall validates one call against the tool it names.
func checkCall(c bench.ToolCall, tools []bench.Tool) error {
	var tool *bench.Tool
	for i := range tools {
		if tools[i].Name == c.Name {
			tool = &tools[i]
			break
		}
	}
	if tool == nil {
		return fmt.Errorf("called %q, but there is no function with that name", c.Name)
	}
	args, err := jsonschema.UnmarshalJSON(strings.NewReader(c.Arguments))
	if err != nil {
		return fmt.Errorf("call to %q: arguments are not JSON: %s", c.Name, brief(c.Arguments))
	}
	if tool.Parameters == nil {
		return nil
	}
	sch, err := schemas.For(tool.Parameters)
	if err != nil {
		return fmt.Errorf("tool %q: parameters: %w", c.Name, err)
	}
	if err := sch.Validate(args); err != nil {
		return fmt.Errorf("call to %q does not match schema: %s", c.Name, oneLine(err.Error()))
	}
	return nil
}

// textCalls reads calls from a text output in the OpenAI shapes promptfoo
// checks: for tools, a JSON list of {function: {name, arguments}} or an
// object whose tool_calls is one; for a function call, {name, arguments}
// or an object whose function_call is one. Arguments must be strings.
func textCalls(out string, function bool) ([]bench.ToolCall, bool) {
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return nil, false
	}
	if function {
		if m, ok := doc.(map[string]any); ok {
			if fc, ok := m["function_call"]; ok {
				doc = fc
			}
		}
		c, ok := flatCall(doc)
		return []bench.ToolCall{c}, ok
	}
	if m, ok := doc.(map[string]any); ok {
		doc = m["tool_calls"]
	}
	list, ok := doc.([]any)
	if !ok || len(list) == 0 {
		return nil, false
	}
	calls := make([]bench.ToolCall, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		c, ok := flatCall(m["function"])
		if !ok {
			return nil, false
		}
		if id, ok := m["id"].(string); ok {
			c.ID = id
		}
		calls = append(calls, c)
	}
	return calls, true
}

// flatCall reads {name, arguments} with both strings.
func flatCall(v any) (bench.ToolCall, bool) {
	m, _ := v.(map[string]any)
	name, ok1 := m["name"].(string)
	args, ok2 := m["arguments"].(string)
	return bench.ToolCall{Name: name, Arguments: args}, ok1 && ok2
}

// brief shortens a text for a reason.
func brief(s string) string {
	const max = 200
	s = oneLine(s)
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	if s == "" {
		return `""`
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
