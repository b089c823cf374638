package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Anthropic's tools, read by the Messages wire and by Bedrock's
// InvokeModel with Anthropic's body: tools [{"name","input_schema"}]
// (server tools, which carry a type other than "custom", are not offered
// for calling), tool_choice {"type":"auto"|"any"|"tool"|"none","name",
// "disable_parallel_tool_use"}; a conversation whose last user message
// holds tool_result blocks is answered with text. The answer's tool_use
// blocks follow the recorded ones: content_block_start with input {},
// an empty input_json_delta, then the arguments in pieces.

type AnthropicToolFields struct {
	Tools      []anthropicTool      `json:"tools"`
	ToolChoice *anthropicToolChoice `json:"tool_choice"`
}

type anthropicTool struct {
	Type        string          `json:"type"`
	Name        string          `json:"name"`
	InputSchema json.RawMessage `json:"input_schema"`
}

type anthropicToolChoice struct {
	Type                   string `json:"type"`
	Name                   string `json:"name"`
	DisableParallelToolUse bool   `json:"disable_parallel_tool_use"`
}

// toolTurn checks the tools as Anthropic does and returns them wire-neutral.
func (a *AnthropicToolFields) toolTurn() (toolTurn, *apiError) {
	var tt toolTurn
	for i, tl := range a.Tools {
		if tl.Type != "" && tl.Type != "custom" {
			continue // a server tool: the vendor runs it
		}
		if tl.Name == "" {
			return tt, badAnthropic(fmt.Sprintf("tools.%d.custom.name: Field required", i))
		}
		if len(tl.InputSchema) == 0 {
			return tt, badAnthropic(fmt.Sprintf("tools.%d.custom.input_schema: Field required", i))
		}
		tt.tools = append(tt.tools, toolSpec{name: tl.Name, schema: tl.InputSchema})
	}
	if c := a.ToolChoice; c != nil {
		switch c.Type {
		case "auto":
		case "any":
			tt.choice.mode = choiceRequired
		case "none":
			tt.choice.mode = choiceNone
		case "tool":
			if c.Name == "" {
				return tt, badAnthropic("tool_choice.tool.name: Field required")
			}
			tt.choice = toolChoice{mode: choiceNamed, name: c.Name}
		default:
			return tt, badAnthropic("tool_choice: Input tag '" + c.Type +
				"' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'")
		}
		tt.noParallel = c.DisableParallelToolUse
	}
	return tt, nil
}

// anthropicResults returns the texts of the tool_result blocks of body's
// last message when it is a user message holding any, else nil. A body
// without the word tool_result is not decoded again.
func anthropicResults(body []byte) []string {
	if !bytes.Contains(body, []byte("tool_result")) {
		return nil
	}
	var req struct {
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if json.Unmarshal(body, &req) != nil || len(req.Messages) == 0 {
		return nil
	}
	last := req.Messages[len(req.Messages)-1]
	if last.Role != "user" || !bytes.HasPrefix(bytes.TrimSpace(last.Content), []byte("[")) {
		return nil
	}
	var blocks []struct {
		Type    string      `json:"type"`
		Content textContent `json:"content"`
	}
	if json.Unmarshal(last.Content, &blocks) != nil {
		return nil
	}
	var out []string
	for _, bl := range blocks {
		if bl.Type == "tool_result" {
			out = append(out, string(bl.Content))
		}
	}
	return out
}

// appendAnthropicToolUse appends call c as a tool_use block; input is
// its arguments, or {} when a stream opens it. The Messages API names the
// caller; Bedrock's relay does not, as recorded.
func appendAnthropicToolUse(b []byte, c *toolCall, input string, bedrock bool) []byte {
	b = append(b, `{"type":"tool_use","id":`...)
	b = appendJSONString(b, c.id)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, c.name)
	b = append(b, `,"input":`...)
	b = append(b, input...)
	if !bedrock {
		b = append(b, `,"caller":{"type":"direct"}`...)
	}
	return append(b, '}')
}

// appendAnthropicCallStart appends content_block_start of call i's
// tool_use block, without its closing brace.
func appendAnthropicCallStart(b []byte, t *turn, i int, bedrock bool) []byte {
	b = append(b, `{"type":"content_block_start","index":`...)
	b = appendInt(b, int64(i))
	b = append(b, `,"content_block":`...)
	return appendAnthropicToolUse(b, &t.tool.calls[i], "{}", bedrock)
}

// appendAnthropicJSONDelta appends an input_json_delta of block i, without
// its closing brace.
func appendAnthropicJSONDelta(b []byte, i int, part string) []byte {
	b = append(b, `{"type":"content_block_delta","index":`...)
	b = appendInt(b, int64(i))
	b = append(b, `,"delta":{"type":"input_json_delta","partial_json":`...)
	b = appendJSONString(b, part)
	return append(b, '}')
}

func (d *anthropicDialect) appendCallStart(b []byte, t *turn, i int) []byte {
	b = appendEvent(b, "content_block_start")
	b = appendAnthropicCallStart(b, t, i, false)
	b = appendEventEnd(b, t)
	b = appendEvent(b, "content_block_delta")
	b = appendAnthropicJSONDelta(b, i, "")
	return appendEventEnd(b, t)
}

func (d *anthropicDialect) appendCallDelta(b []byte, t *turn, i int, args string) []byte {
	b = appendEvent(b, "content_block_delta")
	b = appendAnthropicJSONDelta(b, i, args)
	return appendEventEnd(b, t)
}

func (d *anthropicDialect) appendCallEnd(b []byte, t *turn, i int) []byte {
	b = appendEvent(b, "content_block_stop")
	b = appendAnthropicBlockStop(b, i)
	return appendEventEnd(b, t)
}
