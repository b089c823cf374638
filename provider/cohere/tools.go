package cohere

import (
	"bytes"
	"encoding/json"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// toolDef is one entry of "tools": {"type":"function","function":{...}}.
type toolDef struct {
	Type     string      `json:"type"`
	Function functionDef `json:"function"`
}

type functionDef struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Parameters  map[string]any `json:"parameters,omitempty"`
}

// encodeTools maps tools and choice to Chat v2's "tools" and
// "tool_choice". Cohere's tool_choice has two values, REQUIRED and NONE;
// auto (and a nil choice) sends none, the model deciding. Cohere cannot
// name the tool to call, so a choice of one tool sends that tool alone
// with REQUIRED: the model must call a tool and that is the only one.
func encodeTools(tools []bench.Tool, choice *bench.ToolChoice) ([]toolDef, string, error) {
	if err := toolcalls.Check(tools, choice); err != nil {
		return nil, "", err
	}
	mode := toolcalls.Mode(choice)
	if mode == bench.ToolChoiceTool {
		tools = toolcalls.Only(tools, choice.Name)
	}
	if len(tools) == 0 {
		return nil, "", nil
	}
	defs := make([]toolDef, len(tools))
	for i, t := range tools {
		defs[i] = toolDef{Type: "function", Function: functionDef{Name: t.Name, Description: t.Description, Parameters: t.Parameters}}
	}
	switch mode {
	case bench.ToolChoiceRequired, bench.ToolChoiceTool:
		return defs, "REQUIRED", nil
	case bench.ToolChoiceNone:
		return defs, "NONE", nil
	}
	return defs, "", nil
}

// toolCall is a call as Cohere sends it: in message.tool_calls of an
// answer, and (one at a time) in delta.message.tool_calls of the stream's
// tool-call-start and tool-call-delta events. Arguments is a JSON string.
type toolCall struct {
	ID       string `json:"id"`
	Function *struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	} `json:"function"`
}

// eventCalls is delta.message.tool_calls of a stream event: one call
// object as Cohere documents it, or a list (accepted as well).
type eventCalls []toolCall

// UnmarshalJSON reads an object, a list of objects, or null.
func (c *eventCalls) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 || string(data) == "null":
		*c = nil
		return nil
	case data[0] == '{':
		var one toolCall
		if err := json.Unmarshal(data, &one); err != nil {
			return err
		}
		*c = eventCalls{one}
		return nil
	}
	var list []toolCall
	if err := json.Unmarshal(data, &list); err != nil {
		return err
	}
	*c = list
	return nil
}

// arguments is a call's arguments as JSON text: Cohere's string, kept as
// it is; an object, compacted.
func (tc *toolCall) arguments() string {
	if tc.Function == nil {
		return ""
	}
	if a := bytes.TrimSpace(tc.Function.Arguments); len(a) == 0 || string(a) == "null" {
		return ""
	}
	return toolcalls.Text(tc.Function.Arguments)
}

func (tc *toolCall) name() string {
	if tc.Function == nil {
		return ""
	}
	return tc.Function.Name
}
