package ollama

import (
	"encoding/json"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// toolDef is one entry of "tools", in OpenAI's shape as Ollama takes it.
type toolDef struct {
	Type     string      `json:"type"`
	Function functionDef `json:"function"`
}

type functionDef struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Parameters  map[string]any `json:"parameters,omitempty"`
}

// encodeTools maps tools to /api/chat's "tools". Ollama has no tool
// choice: auto (and no choice) sends the tools; none sends none, so the
// model can only answer in text; required and a named tool cannot be
// honoured and fail here, wrapping toolcalls.ErrUnsupported.
func encodeTools(tools []bench.Tool, choice *bench.ToolChoice) ([]toolDef, error) {
	if err := toolcalls.Check(tools, choice); err != nil {
		return nil, err
	}
	switch mode := toolcalls.Mode(choice); mode {
	case bench.ToolChoiceNone:
		return nil, nil
	case bench.ToolChoiceRequired, bench.ToolChoiceTool:
		return nil, fmt.Errorf("%w: ollama's /api/chat has no tool_choice and cannot make the model call a tool (%q): "+
			"use tool_choice auto or none for this provider", toolcalls.ErrUnsupported, mode)
	}
	if len(tools) == 0 {
		return nil, nil
	}
	defs := make([]toolDef, len(tools))
	for i, t := range tools {
		defs[i] = toolDef{Type: "function", Function: functionDef{Name: t.Name, Description: t.Description, Parameters: t.Parameters}}
	}
	return defs, nil
}

// toolCall is one of message.tool_calls: the function's name and its
// arguments object (newer servers add an id, kept when given).
type toolCall struct {
	ID       string `json:"id"`
	Function struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	} `json:"function"`
}
