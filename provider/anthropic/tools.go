package anthropic

import (
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// toolDef is one entry of "tools": a client tool with its input schema
// (required by the API; a tool without parameters gets an empty object
// schema).
type toolDef struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	InputSchema map[string]any `json:"input_schema"`
}

// toolChoice is "tool_choice": {"type":"auto"|"any"|"none"} or
// {"type":"tool","name":...}.
type toolChoice struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// encodeTools maps the request's tools and choice to the Messages API's:
// auto is "auto", required is "any", a named tool is "tool" with its name,
// none is "none". A nil choice sends no tool_choice (the API's default,
// auto); no tools send neither field.
func encodeTools(tools []bench.Tool, choice *bench.ToolChoice) ([]toolDef, *toolChoice, error) {
	if err := toolcalls.Check(tools, choice); err != nil {
		return nil, nil, err
	}
	if len(tools) == 0 {
		return nil, nil, nil
	}
	defs := make([]toolDef, len(tools))
	for i, t := range tools {
		defs[i] = toolDef{Name: t.Name, Description: t.Description, InputSchema: toolcalls.Schema(t)}
	}
	if choice == nil {
		return defs, nil, nil
	}
	tc := &toolChoice{Type: choice.Mode}
	switch choice.Mode {
	case bench.ToolChoiceRequired:
		tc.Type = "any"
	case bench.ToolChoiceTool:
		tc.Name = choice.Name
	}
	return defs, tc, nil
}
