package bedrock

import (
	"encoding/json"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// toolConfig is Converse's ToolConfiguration: the tools as toolSpec
// members and the optional toolChoice union.
type toolConfig struct {
	Tools      []toolEntry     `json:"tools"`
	ToolChoice *toolChoiceWire `json:"toolChoice,omitempty"`
}

type toolEntry struct {
	ToolSpec toolSpec `json:"toolSpec"`
}

type toolSpec struct {
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	InputSchema inputSchema `json:"inputSchema"`
}

// inputSchema is the ToolInputSchema union; the bench sends its JSON member.
type inputSchema struct {
	JSON map[string]any `json:"json"`
}

// toolChoiceWire is the ToolChoice union: {"auto":{}}, {"any":{}} or
// {"tool":{"name":…}}.
type toolChoiceWire struct {
	Auto *struct{}  `json:"auto,omitempty"`
	Any  *struct{}  `json:"any,omitempty"`
	Tool *namedTool `json:"tool,omitempty"`
}

type namedTool struct {
	Name string `json:"name"`
}

// converseTools builds toolConfig: each tool a toolSpec whose inputSchema
// is the tool's JSON Schema (an empty object schema for a tool without
// parameters); auto is {"auto":{}}, required {"any":{}}, a named tool
// {"tool":{"name":…}}. Converse has no "none": with tool_choice none the
// tools are not sent, so the model can only answer in text. A nil choice
// sends no toolChoice (the model decides).
func converseTools(tools []bench.Tool, choice *bench.ToolChoice) (*toolConfig, error) {
	if err := toolcalls.Check(tools, choice); err != nil {
		return nil, err
	}
	if len(tools) == 0 || toolcalls.Mode(choice) == bench.ToolChoiceNone {
		return nil, nil
	}
	tc := &toolConfig{Tools: make([]toolEntry, len(tools))}
	for i, t := range tools {
		tc.Tools[i] = toolEntry{toolSpec{Name: t.Name, Description: t.Description, InputSchema: inputSchema{JSON: toolcalls.Schema(t)}}}
	}
	if choice != nil {
		switch choice.Mode {
		case bench.ToolChoiceAuto:
			tc.ToolChoice = &toolChoiceWire{Auto: &struct{}{}}
		case bench.ToolChoiceRequired:
			tc.ToolChoice = &toolChoiceWire{Any: &struct{}{}}
		case bench.ToolChoiceTool:
			tc.ToolChoice = &toolChoiceWire{Tool: &namedTool{Name: choice.Name}}
		}
	}
	return tc, nil
}

// toolUseBlock is a Converse toolUse content block: the call's id, the
// tool's name and its input object.
type toolUseBlock struct {
	ToolUseID string          `json:"toolUseId"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
}
