package bench

import (
	"errors"
	"fmt"
)

// Tool choice modes: how a case lets the model use its tools.
const (
	ToolChoiceAuto     = "auto"     // the model decides (the vendors' default)
	ToolChoiceNone     = "none"     // the model must answer in text
	ToolChoiceRequired = "required" // the model must call some tool
	ToolChoiceTool     = "tool"     // the model must call the tool named in ToolChoice.Name
)

// Tool is a function a model may call: its name, what it does, and its
// parameters as a JSON Schema object. It is the one shape every provider
// encodes in its vendor's format (OpenAI's "function", Anthropic's
// "input_schema", Gemini's "functionDeclarations", ...).
type Tool struct {
	Name        string `json:"name" yaml:"name"`
	Description string `json:"description,omitempty" yaml:"description"`
	// Parameters is the JSON Schema of the arguments (an object schema);
	// nil means the tool takes no arguments.
	Parameters map[string]any `json:"parameters,omitempty" yaml:"parameters"`
	// Strict asks the vendor to hold the arguments to Parameters exactly
	// (OpenAI's structured outputs for functions); vendors without such a
	// mode ignore it.
	Strict bool `json:"strict,omitempty" yaml:"strict"`
}

// ToolChoice says whether and which tool the model must call; nil on a
// request means the vendor's default.
type ToolChoice struct {
	// Mode is one of the ToolChoice* constants.
	Mode string `json:"mode" yaml:"mode"`
	// Name is the tool to call when Mode is ToolChoiceTool.
	Name string `json:"name,omitempty" yaml:"name"`
}

// ToolCall is one call a model made: the tool's name and its arguments as
// the JSON text the model wrote (kept verbatim, valid or not, so an
// assertion can judge it).
type ToolCall struct {
	// ID is the vendor's id for the call, when it gives one.
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// CheckToolChoice reports a tool choice that cannot be honoured with
// tools: a mode that is not one of the ToolChoice* constants, "required"
// without tools, or a named tool missing from the list. A nil choice, and
// "auto" or "none" with or without tools, are fine.
func CheckToolChoice(tools []Tool, c *ToolChoice) error {
	if c == nil {
		return nil
	}
	switch c.Mode {
	case ToolChoiceAuto, ToolChoiceNone:
		return nil
	case ToolChoiceRequired:
		if len(tools) == 0 {
			return errors.New(`tool_choice "required" without tools: the case offers no tools; give it tools or drop tool_choice`)
		}
		return nil
	case ToolChoiceTool:
		if c.Name == "" {
			return errors.New(`tool_choice "tool" names no tool: set its name`)
		}
		for _, t := range tools {
			if t.Name == c.Name {
				return nil
			}
		}
		return fmt.Errorf("tool_choice names %q, which is not among the case's tools", c.Name)
	}
	return fmt.Errorf("tool_choice mode %q is not one of auto, none, required, tool", c.Mode)
}
