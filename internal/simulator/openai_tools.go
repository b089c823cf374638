package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The OpenAI wires' tools: Chat Completions' tools ({"type":"function",
// "function":{"name","parameters"}}), tool_choice ("none", "auto",
// "required" or {"type":"function","function":{"name"}}) and
// parallel_tool_calls; a conversation whose last messages have the role
// "tool" is answered with text. The Responses API's flat tools
// ({"type":"function","name","parameters"}) and choice
// ({"type":"function","name"}) are read by the same code.

// OpenAIToolFields is the tool part of a Chat Completions or Responses request.
type OpenAIToolFields struct {
	Tools             []openAITool    `json:"tools"`
	ToolChoice        json.RawMessage `json:"tool_choice"`
	ParallelToolCalls *bool           `json:"parallel_tool_calls"`
}

type openAITool struct {
	Type     string `json:"type"`
	Function *struct {
		Name       string          `json:"name"`
		Parameters json.RawMessage `json:"parameters"`
	} `json:"function"`
	// The Responses API's flat form.
	Name       string          `json:"name"`
	Parameters json.RawMessage `json:"parameters"`
}

// toolTurn checks the tools as OpenAI does and returns them wire-neutral;
// built-in tools (web search, file search, …) are not offered for calling.
func (o *OpenAIToolFields) toolTurn() (toolTurn, *apiError) {
	var tt toolTurn
	for i, tl := range o.Tools {
		name, params := tl.Name, tl.Parameters
		if tl.Function != nil {
			name, params = tl.Function.Name, tl.Function.Parameters
		}
		if tl.Type != "function" {
			continue
		}
		if name == "" {
			return tt, &apiError{status: 400, typ: "invalid_request_error", param: fmt.Sprintf("tools[%d].function.name", i),
				code: "missing_required_parameter", message: fmt.Sprintf("Missing required parameter: 'tools[%d].function.name'.", i)}
		}
		tt.tools = append(tt.tools, toolSpec{name: name, schema: params})
	}
	c, e := openAIChoice(o.ToolChoice)
	if e != nil {
		return tt, e
	}
	if len(o.ToolChoice) > 0 && string(o.ToolChoice) != "null" && len(o.Tools) == 0 {
		return tt, &apiError{status: 400, typ: "invalid_request_error", param: "tool_choice",
			message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."}
	}
	tt.choice = c
	tt.noParallel = o.ParallelToolCalls != nil && !*o.ParallelToolCalls
	return tt, nil
}

// openAIChoice reads tool_choice.
func openAIChoice(raw json.RawMessage) (toolChoice, *apiError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return toolChoice{}, nil
	}
	bad := &apiError{status: 400, typ: "invalid_request_error", param: "tool_choice", code: "invalid_value",
		message: "Invalid value for 'tool_choice': expected one of 'none', 'auto', 'required' or an object naming a function."}
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		switch s {
		case "none":
			return toolChoice{mode: choiceNone}, nil
		case "auto":
			return toolChoice{}, nil
		case "required":
			return toolChoice{mode: choiceRequired}, nil
		}
		return toolChoice{}, bad
	}
	var obj struct {
		Type     string `json:"type"`
		Name     string `json:"name"`
		Function *struct {
			Name string `json:"name"`
		} `json:"function"`
		Mode string `json:"mode"` // allowed_tools
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return toolChoice{}, bad
	}
	switch obj.Type {
	case "function":
		name := obj.Name
		if obj.Function != nil {
			name = obj.Function.Name
		}
		if name == "" {
			return toolChoice{}, bad
		}
		return toolChoice{mode: choiceNamed, name: name}, nil
	case "allowed_tools":
		if obj.Mode == "required" {
			return toolChoice{mode: choiceRequired}, nil
		}
		return toolChoice{}, nil
	}
	return toolChoice{}, bad
}

// trailingResults returns the contents of the messages with role at the
// end of msgs (tool results), or nil when the last message has another role.
func trailingResults(msgs []chatMessage, role string) []string {
	i := len(msgs)
	for i > 0 && msgs[i-1].Role == role {
		i--
	}
	if i == len(msgs) {
		return nil
	}
	out := make([]string, 0, len(msgs)-i)
	for _, m := range msgs[i:] {
		out = append(out, string(m.Content))
	}
	return out
}

// setResults makes t a turn that answers tool results with text.
func (t *turn) setResults(results []string) {
	if results == nil {
		return
	}
	t.tool.results = true
	t.prompt = toolResultsPrompt(results)
}

// openAIFinishCalls is the finish_reason of an answer with tool calls:
// "tool_calls", but "stop" when tool_choice named the function, as OpenAI
// answers a forced call.
func openAIFinishCalls(t *turn) string {
	if t.tool.choice.mode == choiceNamed {
		return "stop"
	}
	return "tool_calls"
}

// appendOpenAICallsIndented appends the non-streamed message's
// "tool_calls" member, indented like the recorded answers.
func appendOpenAICallsIndented(b []byte, t *turn) []byte {
	b = append(b, "\n        \"tool_calls\": ["...)
	for i, c := range t.tool.calls {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n          {\n            \"id\": "...)
		b = appendJSONString(b, c.id)
		b = append(b, ",\n            \"type\": \"function\",\n            \"function\": {\n              \"name\": "...)
		b = appendJSONString(b, c.name)
		b = append(b, ",\n              \"arguments\": "...)
		b = appendJSONString(b, c.args)
		b = append(b, "\n            }\n          }"...)
	}
	return append(b, "\n        ],"...)
}

func (d *openAIDialect) appendCallStart(b []byte, t *turn, i int) []byte {
	c := &t.tool.calls[i]
	for ch := range d.n() {
		b = d.appendChunkStart(b, t)
		b = appendChoiceIndex(b, ch)
		b = append(b, `"delta":{"tool_calls":[{"index":`...)
		b = appendInt(b, int64(i))
		b = append(b, `,"id":`...)
		b = appendJSONString(b, c.id)
		b = append(b, `,"type":"function","function":{"name":`...)
		b = appendJSONString(b, c.name)
		b = append(b, `,"arguments":""}}]},"logprobs":null,"finish_reason":null}]`...)
		b = d.appendChunkEnd(b, t, true)
	}
	return b
}

func (d *openAIDialect) appendCallDelta(b []byte, t *turn, i int, args string) []byte {
	for ch := range d.n() {
		b = d.appendChunkStart(b, t)
		b = appendChoiceIndex(b, ch)
		b = append(b, `"delta":{"tool_calls":[{"index":`...)
		b = appendInt(b, int64(i))
		b = append(b, `,"function":{"arguments":`...)
		b = appendJSONString(b, args)
		b = append(b, `}}]},"logprobs":null,"finish_reason":null}]`...)
		b = d.appendChunkEnd(b, t, true)
	}
	return b
}

func (d *openAIDialect) appendCallEnd(b []byte, _ *turn, _ int) []byte { return b }
