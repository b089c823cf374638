package openai

import (
	"encoding/json"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// chatTool is one entry of a request's "tools": a function definition.
type chatTool struct {
	Type     string       `json:"type"`
	Function chatFunction `json:"function"`
}

type chatFunction struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Parameters  map[string]any `json:"parameters,omitempty"`
	Strict      bool           `json:"strict,omitempty"`
}

// encodeTools returns the request's tools in OpenAI's format, nil for none.
func encodeTools(tools []bench.Tool) []chatTool {
	if len(tools) == 0 {
		return nil
	}
	out := make([]chatTool, len(tools))
	for i, t := range tools {
		out[i] = chatTool{Type: "function", Function: chatFunction{Name: t.Name, Description: t.Description, Parameters: t.Parameters, Strict: t.Strict}}
	}
	return out
}

// encodeToolChoice returns tool_choice in OpenAI's format: "auto", "none",
// "required", or {"type":"function","function":{"name":N}}; nil (left out)
// for the vendor's default.
func encodeToolChoice(tc *bench.ToolChoice) (any, error) {
	if tc == nil {
		return nil, nil
	}
	switch tc.Mode {
	case bench.ToolChoiceAuto, bench.ToolChoiceNone, bench.ToolChoiceRequired:
		return tc.Mode, nil
	case bench.ToolChoiceTool:
		if tc.Name == "" {
			return nil, fmt.Errorf("tool_choice names no tool")
		}
		return map[string]any{"type": "function", "function": map[string]string{"name": tc.Name}}, nil
	}
	return nil, fmt.Errorf("tool_choice mode %q is not one of auto, none, required, tool", tc.Mode)
}

// toolCallDelta is one entry of a message's or a stream delta's
// "tool_calls". In a stream the first fragment of a call carries its index,
// id and name, and later ones (same index) only pieces of its arguments.
type toolCallDelta struct {
	// Index is the call's position; nil when the server leaves it out
	// (Mistral sends each call whole, without one).
	Index    *int   `json:"index"`
	ID       string `json:"id"`
	Function struct {
		Name      string    `json:"name"`
		Arguments arguments `json:"arguments"`
	} `json:"function"`
}

// arguments is a call's arguments: OpenAI sends a JSON string holding the
// JSON text; some compatible servers send the object itself, which is kept
// as its JSON text.
type arguments string

// UnmarshalJSON accepts a string, null, or any other JSON value (kept as text).
func (a *arguments) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("tool call arguments: %w", err)
		}
		*a = arguments(s)
		return nil
	}
	if string(data) == "null" {
		*a = ""
		return nil
	}
	*a = arguments(data)
	return nil
}

// toolCalls joins tool call fragments into whole calls, in order of first
// appearance.
type toolCalls struct {
	calls []bench.ToolCall
	// byIndex maps a stream index to its position in calls.
	byIndex map[int]int
}

// add folds the tool calls of one message (whole: each entry is a call) or
// stream delta into t. In a delta, a fragment with an index continues the
// call of that index; one without continues the last call unless it
// carries a new id, which starts a call.
func (t *toolCalls) add(frags []toolCallDelta, whole bool) {
	for i := range frags {
		f := &frags[i]
		pos := -1
		switch {
		case whole:
		case f.Index != nil:
			if p, ok := t.byIndex[*f.Index]; ok {
				pos = p
			} else {
				if t.byIndex == nil {
					t.byIndex = map[int]int{}
				}
				t.byIndex[*f.Index] = len(t.calls)
			}
		case len(t.calls) > 0 && (f.ID == "" || f.ID == t.calls[len(t.calls)-1].ID):
			pos = len(t.calls) - 1
		}
		if pos < 0 {
			t.calls = append(t.calls, bench.ToolCall{})
			pos = len(t.calls) - 1
		}
		c := &t.calls[pos]
		if c.ID == "" {
			c.ID = f.ID
		}
		if c.Name == "" {
			c.Name = f.Function.Name
		}
		c.Arguments += string(f.Function.Arguments)
	}
}

// result returns the joined calls, without entries that carry nothing
// (no id, name or arguments); nil when none is left.
func (t *toolCalls) result() []bench.ToolCall {
	var out []bench.ToolCall
	for _, c := range t.calls {
		if c != (bench.ToolCall{}) {
			out = append(out, c)
		}
	}
	return out
}

// hasToolCallKey reports whether key names a message member holding tool
// calls, which the fast chunk decoder leaves to encoding/json.
func hasToolCallKey(key []byte) bool {
	return string(key) == "tool_calls" || string(key) == "function_call"
}

// legacyCall is the deprecated "function_call" member of a message, one
// call without an id.
type legacyCall struct {
	Name      string    `json:"name"`
	Arguments arguments `json:"arguments"`
}

// addLegacy folds a function_call (or a fragment of one) into t; there is
// at most one such call per answer.
func (t *toolCalls) addLegacy(f *legacyCall) {
	if f == nil {
		return
	}
	zero := -1 // apart from the indexes of tool_calls
	d := toolCallDelta{Index: &zero}
	d.Function.Name, d.Function.Arguments = f.Name, f.Arguments
	t.add([]toolCallDelta{d}, false)
}

var _ provider.ToolChecker = (*Client)(nil)

// CheckTools refuses tools on a dialect without function calling and a
// tool_choice OpenAI's format cannot carry.
func (c *Client) CheckTools(tools []bench.Tool, choice *bench.ToolChoice) error {
	if c.d.NoTools {
		return fmt.Errorf("%s does not support tools", c.d.Vendor)
	}
	_, err := encodeToolChoice(choice)
	return err
}
