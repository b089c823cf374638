package simulator

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Bedrock's InvokeModel and InvokeModelWithResponseStream answers to an
// Anthropic Messages body: Anthropic's message and stream events, built by
// the Anthropic dialect's encoders (anthropic.go) in the layout Bedrock
// relays them in (as recorded in TestBedrockCommon): the message id starts
// msg_bdrk_, the model is the model's own name, usage has no service tier,
// events are unpadded and without pings, message_delta's usage has the
// output tokens only, and message_stop carries Bedrock's invocation
// metrics. A stream wraps each event, base64, in a "chunk" event
// {"bytes":…,"p":…}; the answer's token counts and latency are also in
// X-Amzn-Bedrock-* headers.

// esChunk are the headers of InvokeModelWithResponseStream's events.
var esChunk = eventHeaders("chunk")

// anthropicModelName is the name an Anthropic model on Bedrock gives
// itself: "us.anthropic.claude-haiku-4-5-20251001-v1:0" (or an ARN ending
// with it) is "claude-haiku-4-5-20251001". Another id is kept whole.
func anthropicModelName(id string) string {
	name := id[strings.LastIndexByte(id, '/')+1:]
	i := strings.Index(name, "anthropic.")
	if i < 0 {
		return id
	}
	name = name[i+len("anthropic."):]
	if j := strings.LastIndex(name, "-v"); j > 0 && isVersion(name[j+2:]) {
		name = name[:j]
	}
	if name == "" {
		return id
	}
	return name
}

// isVersion reports whether s is Bedrock's model version: digits, then
// optionally ":" and digits.
func isVersion(s string) bool {
	major, minor, hasMinor := strings.Cut(s, ":")
	digits := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return s != ""
	}
	return digits(major) && (!hasMinor || digits(minor))
}

func (d *bedrockDialect) parseInvoke(body []byte, t *turn) *apiError {
	req, e := parseBedrockInvoke(body)
	if e != nil {
		return e
	}
	t.prompt = lastUserText(req.Messages)
	t.promptTokens = conversationTokens(string(req.System), req.Messages)
	t.maxTokens = *req.MaxTokens
	t.stops = req.StopSequences
	t.stream = d.stream
	if t.tool, e = req.toolTurn(); e != nil {
		return badBedrock(e.message)
	}
	t.setResults(anthropicResults(body))
	return nil
}

func (d *bedrockDialect) appendInvokeComplete(b []byte, t *turn) []byte {
	h := d.h
	h["X-Amzn-Bedrock-Invocation-Latency"] = []string{strconv.FormatInt(sinceMs(t), 10)}
	h["X-Amzn-Bedrock-Output-Token-Count"] = []string{strconv.Itoa(t.completion)}
	h["X-Amzn-Bedrock-Input-Token-Count"] = []string{strconv.Itoa(t.promptTokens)}
	return appendAnthropicMessage(b, t, anthropicModelName(t.model), d.msgID[:], false, true)
}

// appendChunk wraps the Anthropic event in d.tmp, still without its closing
// brace, in a chunk event.
func (d *bedrockDialect) appendChunk(b []byte, t *turn) []byte {
	d.tmp = append(d.tmp, '}')
	b, start := openFrame(b, esChunk)
	b = append(b, `{"bytes":"`...)
	b = base64.StdEncoding.AppendEncode(b, d.tmp)
	b = append(b, `",`...)
	b = appendPadding(b, t)
	b = append(b, '}')
	d.tmp = d.tmp[:0]
	return closeFrame(b, start, esChunk)
}

func (d *bedrockDialect) appendInvokeStart(b []byte, t *turn) []byte {
	d.tmp = appendAnthropicMessageStart(d.tmp[:0], t, anthropicModelName(t.model), d.msgID[:], true)
	b = d.appendChunk(b, t)
	if len(t.tool.calls) > 0 { // the tool_use blocks open in appendCallStart
		return b
	}
	d.tmp = appendAnthropicBlockStart(d.tmp)
	return d.appendChunk(b, t)
}

func (d *bedrockDialect) appendInvokeDelta(b []byte, t *turn, text string) []byte {
	d.tmp = appendAnthropicTextDelta(d.tmp[:0], text)
	return d.appendChunk(b, t)
}

func (d *bedrockDialect) appendInvokeEnd(b []byte, t *turn) []byte {
	if len(t.tool.calls) == 0 {
		d.tmp = appendAnthropicBlockStop(d.tmp[:0], 0)
		b = d.appendChunk(b, t)
	}
	d.tmp = appendAnthropicMessageDelta(d.tmp[:0], t, true)
	b = d.appendChunk(b, t)
	d.tmp = appendAnthropicMessageStop(d.tmp)
	d.tmp = append(d.tmp, `,"amazon-bedrock-invocationMetrics":{"inputTokenCount":`...)
	d.tmp = appendInt(d.tmp, int64(t.promptTokens))
	d.tmp = append(d.tmp, `,"outputTokenCount":`...)
	d.tmp = appendInt(d.tmp, int64(t.completion))
	d.tmp = append(d.tmp, `,"invocationLatency":`...)
	d.tmp = appendInt(d.tmp, sinceMs(t))
	d.tmp = append(d.tmp, `,"firstByteLatency":`...)
	d.tmp = appendInt(d.tmp, t.ttft.Milliseconds())
	d.tmp = append(d.tmp, '}')
	return d.appendChunk(b, t)
}
