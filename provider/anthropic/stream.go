package anthropic

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// streamEvent is one event of a streamed answer. data.type repeats the SSE
// event name, so the JSON alone says what the event is (Bedrock's stream
// chunks carry the same objects without SSE framing).
type streamEvent struct {
	Type string `json:"type"`
	// Index is the content block a content_block_* event is about.
	Index int `json:"index"`
	// Message is message_start's answer so far (model, first usage).
	Message *message `json:"message"`
	// ContentBlock is content_block_start's block (text may be non-empty).
	ContentBlock *contentBlock `json:"content_block"`
	// Delta is content_block_delta's {type, text, ...} or message_delta's
	// {stop_reason, stop_sequence}.
	Delta *struct {
		Type string `json:"type"`
		Text string `json:"text"`
		// PartialJSON is an input_json_delta's fragment of a tool_use
		// block's input.
		PartialJSON string `json:"partial_json"`
		StopReason  string `json:"stop_reason"`
	} `json:"delta"`
	// Usage is message_delta's usage; output_tokens is cumulative.
	Usage *usage `json:"usage"`
}

// Stream accumulates a streamed answer from event JSON payloads. Its zero
// value is ready to use; it is not safe for concurrent use.
type Stream struct {
	// Vendor names the service in errors; "" means "anthropic".
	Vendor string

	secrets  []string
	text     []byte
	calls    toolcalls.Joiner
	model    string
	stop     string
	usage    counts
	hasUsage bool
	done     bool
}

func (s *Stream) vendor() string {
	if s.Vendor == "" {
		return Vendor
	}
	return s.Vendor
}

// Event applies one event's JSON (the SSE data, or a Bedrock chunk's decoded
// bytes) and returns the text it adds; done is true after message_stop; err
// is a *provider.Error for an "error" event (classified by its error type:
// overloaded_error is overloaded, rate_limit_error rate limited, ...) or for
// JSON that does not decode. A tool_use block's start opens a call (id,
// name) and its input_json_delta fragments are joined into the call's
// arguments, verbatim; when they are all empty the block's start input is
// the arguments. ping, content_block_stop, thinking and citation deltas,
// input fragments of server tools, and event types added later are skipped.
func (s *Stream) Event(data []byte) (text string, done bool, err error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return "", s.done, nil
	}
	if t, ok := fastTextDelta(data); ok {
		s.text = append(s.text, t...)
		return t, s.done, nil
	}
	var ev streamEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return "", s.done, httpcall.Malformed(s.vendor(), 0, "stream event", data, err)
	}
	switch ev.Type {
	case "message_start":
		if m := ev.Message; m != nil {
			if m.Model != "" {
				s.model = m.Model
			}
			s.applyUsage(m.Usage)
		}
	case "content_block_start":
		if b := ev.ContentBlock; b != nil {
			switch b.Type {
			case "text":
				text = b.Text
			case "tool_use":
				s.calls.Start(ev.Index, b.ID, b.Name, toolcalls.Object(b.Input))
			}
		}
	case "content_block_delta":
		if d := ev.Delta; d != nil {
			switch d.Type {
			case "text_delta":
				text = d.Text
			case "input_json_delta":
				s.calls.Append(ev.Index, d.PartialJSON)
			}
		}
	case "message_delta":
		if d := ev.Delta; d != nil && d.StopReason != "" {
			s.stop = d.StopReason
		}
		s.applyUsage(ev.Usage)
	case "message_stop":
		s.done = true
	case "error":
		return "", s.done, streamError(s.vendor(), data, s.secrets)
	}
	s.text = append(s.text, text...)
	return text, s.done, nil
}

func (s *Stream) applyUsage(u *usage) {
	if u == nil {
		return
	}
	s.usage.apply(u)
	s.hasUsage = true
}

// Done reports whether message_stop has arrived: a stream that ends before
// it was cut off.
func (s *Stream) Done() bool { return s.done }

// Response returns the accumulated answer (error if the stream ended before
// message_stop should be decided by the caller via s.Done()). Model is ""
// when message_start did not name one.
func (s *Stream) Response() provider.Response {
	r := provider.Response{Text: string(s.text), Model: s.model, FinishReason: mapFinish(s.stop), RawFinishReason: s.stop, ToolCalls: s.calls.Calls()}
	if s.hasUsage {
		r.Usage = s.usage.benchUsage()
	}
	return r
}

var (
	deltaPrefix = []byte(`{"type":"content_block_delta","index":`)
	deltaText   = []byte(`,"delta":{"type":"text_delta","text":"`)
)

// fastTextDelta reads the text of the most common event, a text delta, in
// the exact shape Anthropic sends it (key order included, whitespace
// allowed only before the closing braces), without decoding a whole event.
// ok is false for anything else, which then takes the full decode; the two
// agree on every input (see FuzzFastTextDelta).
func fastTextDelta(data []byte) (text string, ok bool) {
	rest, found := bytes.CutPrefix(data, deltaPrefix)
	if !found {
		return "", false
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 || (i > 1 && rest[0] == '0') {
		return "", false
	}
	if rest, found = bytes.CutPrefix(rest[i:], deltaText); !found {
		return "", false
	}
	// rest follows the string's opening quote.
	end, escaped := -1, false
scan:
	for j := 0; j < len(rest); j++ {
		switch c := rest[j]; {
		case c == '"':
			end = j
			break scan
		case c < 0x20:
			return "", false
		case c == '\\':
			escaped = true
			j++
		}
	}
	if end < 0 || !closesTwice(rest[end+1:]) {
		return "", false
	}
	raw := rest[:end]
	if !escaped && utf8.Valid(raw) {
		return string(raw), true
	}
	quoted := data[len(data)-len(rest)-1 : len(data)-len(rest)+end+1]
	if err := json.Unmarshal(quoted, &text); err != nil {
		return "", false
	}
	return text, true
}

// closesTwice reports whether b is "}", optional blanks, "}" and blanks.
func closesTwice(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '}' {
		return false
	}
	b = bytes.TrimLeft(b[1:], " \t\r\n")
	return len(b) == 1 && b[0] == '}'
}
