package simulator

// Bedrock's Converse and ConverseStream answers. Bedrock writes JSON with
// its keys in alphabetical order; a stream is messageStart, one
// contentBlockDelta per token, contentBlockStop, messageStop and metadata
// with the usage and latency, each event padded with "p".

// Pre-encoded headers of ConverseStream's events.
var (
	esMessageStart = eventHeaders("messageStart")
	esBlockDelta   = eventHeaders("contentBlockDelta")
	esBlockStop    = eventHeaders("contentBlockStop")
	esMessageStop  = eventHeaders("messageStop")
	esMetadata     = eventHeaders("metadata")
)

// converseStop is the stopReason of t's answer.
func converseStop(t *turn) string {
	switch {
	case len(t.tool.calls) > 0:
		return "tool_use"
	case t.cut:
		return "max_tokens"
	case t.stopSeq != "":
		return "stop_sequence"
	}
	return "end_turn"
}

// appendConverseUsage appends Converse's "usage" member (no comma);
// inputTokens excludes cache reads and writes, none here. The answer's
// usage also lists the server tools used; the stream's metadata does not.
func appendConverseUsage(b []byte, t *turn, serverTools bool) []byte {
	b = append(b, `"usage":{"inputTokens":`...)
	b = appendInt(b, int64(t.promptTokens))
	b = append(b, `,"outputTokens":`...)
	b = appendInt(b, int64(t.completion))
	if serverTools {
		b = append(b, `,"serverToolUsage":{}`...)
	}
	b = append(b, `,"totalTokens":`...)
	b = appendInt(b, int64(t.promptTokens+t.completion))
	return append(b, '}')
}

func (d *bedrockDialect) appendConverseComplete(b []byte, t *turn) []byte {
	b = append(b, '{')
	b = appendMetrics(b, t)
	b = append(b, `,"output":{"message":{"content":[`...)
	if len(t.tool.calls) > 0 {
		for i := range t.tool.calls {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendConverseToolUse(b, &t.tool.calls[i])
		}
	} else {
		b = append(b, `{"text":`...)
		b = appendJSONString(b, t.answer)
		b = append(b, '}')
	}
	b = append(b, `],"role":"assistant"}},"stopReason":"`...)
	b = append(b, converseStop(t)...)
	b = append(b, `",`...)
	b = appendConverseUsage(b, t, true)
	return append(b, '}')
}

func (d *bedrockDialect) appendConverseStart(b []byte, t *turn) []byte {
	b, start := openFrame(b, esMessageStart)
	b = append(b, '{')
	b = appendPadding(b, t)
	b = append(b, `,"role":"assistant"}`...)
	return closeFrame(b, start, esMessageStart)
}

func (d *bedrockDialect) appendConverseDelta(b []byte, t *turn, text string) []byte {
	b, start := openFrame(b, esBlockDelta)
	b = append(b, `{"contentBlockIndex":0,"delta":{"text":`...)
	b = appendJSONString(b, text)
	b = append(b, "},"...)
	b = appendPadding(b, t)
	b = append(b, '}')
	return closeFrame(b, start, esBlockDelta)
}

func (d *bedrockDialect) appendConverseEnd(b []byte, t *turn) []byte {
	if len(t.tool.calls) == 0 {
		b = appendConverseBlockStop(b, t, 0)
	}
	b, start := openFrame(b, esMessageStop)
	b = append(b, '{')
	b = appendPadding(b, t)
	b = append(b, `,"stopReason":"`...)
	b = append(b, converseStop(t)...)
	b = append(b, `"}`...)
	b = closeFrame(b, start, esMessageStop)

	b, start = openFrame(b, esMetadata)
	b = append(b, '{')
	b = appendMetrics(b, t)
	b = append(b, ',')
	b = appendPadding(b, t)
	b = append(b, ',')
	b = appendConverseUsage(b, t, false)
	b = append(b, '}')
	return closeFrame(b, start, esMetadata)
}
