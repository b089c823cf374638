// Package toolcalls holds what the providers share to send a request's
// tools and record the calls a model made: the checks every vendor's
// encoder makes first, the arguments object turned into JSON text, and the
// joiner of arguments that a stream sends in fragments.
package toolcalls

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ErrUnsupported is wrapped by the error for a tool choice a vendor cannot
// honour, so a case never runs with a choice it did not get.
var ErrUnsupported = errors.New("tool choice not supported")

// Check reports whether tools and choice can be sent: every tool has a
// name, no two share one, and choice can be honoured with them
// (bench.CheckToolChoice).
func Check(tools []bench.Tool, choice *bench.ToolChoice) error {
	seen := make(map[string]bool, len(tools))
	for i, t := range tools {
		if strings.TrimSpace(t.Name) == "" {
			return fmt.Errorf("tool %d has no name", i+1)
		}
		if seen[t.Name] {
			return fmt.Errorf("tool %q is defined twice", t.Name)
		}
		seen[t.Name] = true
	}
	return bench.CheckToolChoice(tools, choice)
}

// Mode returns choice's mode, "auto" for a nil choice (every vendor's
// default).
func Mode(choice *bench.ToolChoice) string {
	if choice == nil || choice.Mode == "" {
		return bench.ToolChoiceAuto
	}
	return choice.Mode
}

// Only returns the tool named name, as a one-tool list: how a vendor that
// can require a call but not name the tool is made to call that one.
func Only(tools []bench.Tool, name string) []bench.Tool {
	for _, t := range tools {
		if t.Name == name {
			return []bench.Tool{t}
		}
	}
	return nil
}

// Schema returns a tool's parameters for a vendor that requires a schema:
// the tool's own, or an object schema without properties when it takes no
// arguments.
func Schema(t bench.Tool) map[string]any {
	if t.Parameters == nil {
		return map[string]any{"type": "object"}
	}
	return t.Parameters
}

// Object turns arguments a vendor sends as a JSON value (Anthropic's
// input, Gemini's args, Bedrock's and Ollama's input: an object) into the
// JSON text a bench.ToolCall keeps: the value compacted, keys and numbers
// as sent. Absent or null arguments are the empty object.
func Object(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "{}"
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// Text turns arguments a vendor sends as a JSON string holding JSON text
// (OpenAI's and Cohere's shape) into that text, as it is, valid JSON or
// not. Any other value is taken as Object takes it.
func Text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return Object(raw)
}
