package simulator

import "strings"

// Cohere Chat v2's tools: tools [{"type":"function","function":{"name",
// "parameters"}}] and tool_choice "REQUIRED" or "NONE"; a conversation
// whose last messages have the role "tool" is answered with text. An
// answer with calls has finish_reason TOOL_CALL and message.tool_calls
// [{"id","type":"function","function":{"name","arguments"}}], the
// arguments a JSON string; a stream sends tool-call-start (the name and
// empty arguments), tool-call-delta (the arguments in pieces) and
// tool-call-end per call. Call ids are the tool's name, "_" and twelve
// lower-case letters and digits, as the vendor's.

type CohereToolFields struct {
	Tools      []openAITool `json:"tools"`
	ToolChoice string       `json:"tool_choice"`
}

// toolTurn checks the tools as Cohere does and returns them wire-neutral.
func (c *CohereToolFields) toolTurn() (toolTurn, *apiError) {
	var tt toolTurn
	for _, tl := range c.Tools {
		if tl.Function == nil || tl.Function.Name == "" {
			return tt, badCohere("tools: every tool needs a function with a name")
		}
		tt.tools = append(tt.tools, toolSpec{name: tl.Function.Name, schema: tl.Function.Parameters})
	}
	switch strings.ToUpper(c.ToolChoice) {
	case "":
	case "REQUIRED":
		tt.choice.mode = choiceRequired
	case "NONE":
		tt.choice.mode = choiceNone
	default:
		return tt, badCohere("tool_choice must be one of 'REQUIRED' or 'NONE', got '" + c.ToolChoice + "'")
	}
	if c.ToolChoice != "" && len(c.Tools) == 0 {
		return tt, badCohere("tool_choice can only be set when tools are provided")
	}
	return tt, nil
}

// setCohereCallIDs names each call as Cohere does.
func setCohereCallIDs(t *turn) {
	for i := range t.tool.calls {
		c := &t.tool.calls[i]
		b := append(make([]byte, 0, len(c.name)+13), c.name...)
		b = append(b, '_')
		for j := 0; j < 12; j++ {
			b = append(b, lowerAlnum[t.rnd.uint64()%uint64(len(lowerAlnum))])
		}
		c.id = string(b)
	}
}

// appendCohereCalls appends the answer message's "tool_calls" member.
func appendCohereCalls(b []byte, t *turn) []byte {
	b = append(b, `"tool_calls":[`...)
	for i, c := range t.tool.calls {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = appendJSONString(b, c.id)
		b = append(b, `,"type":"function","function":{"name":`...)
		b = appendJSONString(b, c.name)
		b = append(b, `,"arguments":`...)
		b = appendJSONString(b, c.args)
		b = append(b, "}}"...)
	}
	return append(b, ']')
}

func (d *cohereDialect) appendCallStart(b []byte, t *turn, i int) []byte {
	c := &t.tool.calls[i]
	b = appendEvent(b, "tool-call-start")
	b = append(b, `{"type":"tool-call-start","index":`...)
	b = appendInt(b, int64(i))
	b = append(b, `,"delta":{"message":{"tool_calls":{"id":`...)
	b = appendJSONString(b, c.id)
	b = append(b, `,"type":"function","function":{"name":`...)
	b = appendJSONString(b, c.name)
	return append(b, `,"arguments":""}}}}}`+"\n\n"...)
}

func (d *cohereDialect) appendCallDelta(b []byte, _ *turn, i int, args string) []byte {
	b = appendEvent(b, "tool-call-delta")
	b = append(b, `{"type":"tool-call-delta","index":`...)
	b = appendInt(b, int64(i))
	b = append(b, `,"delta":{"message":{"tool_calls":{"function":{"arguments":`...)
	b = appendJSONString(b, args)
	return append(b, "}}}}}\n\n"...)
}

func (d *cohereDialect) appendCallEnd(b []byte, _ *turn, i int) []byte {
	b = appendEvent(b, "tool-call-end")
	b = append(b, `{"type":"tool-call-end","index":`...)
	b = appendInt(b, int64(i))
	return append(b, "}\n\n"...)
}
