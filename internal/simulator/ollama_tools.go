package simulator

// Ollama's tools: tools in OpenAI's shape ([{"type":"function",
// "function":{"name","parameters"}}]), no tool choice; a conversation
// whose last messages have the role "tool" is answered with text. The
// calls arrive whole in message.tool_calls [{"id","function":{"index",
// "name","arguments"}}], the arguments a JSON object, with done_reason
// stop; a stream sends them in one line before the done line.

// toolTurn returns the request's tools wire-neutral.
func (r *ollamaRequest) toolTurn() (toolTurn, *apiError) {
	o := OpenAIToolFields{Tools: r.Tools}
	return o.toolTurn()
}

// results returns the contents of the trailing tool messages, or nil.
func (r *ollamaRequest) results() []string {
	i := len(r.Messages)
	for i > 0 && r.Messages[i-1].Role == "tool" {
		i--
	}
	if i == len(r.Messages) {
		return nil
	}
	out := make([]string, 0, len(r.Messages)-i)
	for _, m := range r.Messages[i:] {
		out = append(out, m.Content)
	}
	return out
}

// appendOllamaCalls appends the message's "tool_calls" member.
func appendOllamaCalls(b []byte, t *turn) []byte {
	b = append(b, `"tool_calls":[`...)
	for i, c := range t.tool.calls {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = appendJSONString(b, c.id)
		b = append(b, `,"function":{"index":`...)
		b = appendInt(b, int64(i))
		b = append(b, `,"name":`...)
		b = appendJSONString(b, c.name)
		b = append(b, `,"arguments":`...)
		b = append(b, c.args...)
		b = append(b, "}}"...)
	}
	return append(b, ']')
}

// The calls go whole into a line of their own (appendEnd).
func (d *ollamaDialect) appendCallStart(b []byte, _ *turn, _ int) []byte           { return b }
func (d *ollamaDialect) appendCallDelta(b []byte, _ *turn, _ int, _ string) []byte { return b }
func (d *ollamaDialect) appendCallEnd(b []byte, _ *turn, _ int) []byte             { return b }
