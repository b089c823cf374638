package anthropic

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

// recordedBodies are the seeds: every Anthropic recording, streamed or not.
var recordedBodies = []string{
	"TestAnthropicCommon/claude-sonnet-4/simple.yaml",
	"TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml",
	"TestImageUploadAgent/anthropic-claude-sonnet-4.yaml",
	"TestImageUploadAgentStreaming/anthropic-claude-sonnet-4-stream.yaml",
	"TestAnthropicCommon/claude-sonnet-4/tool.yaml",
	"TestAnthropicCommon/claude-sonnet-4/tool_streaming.yaml",
	"TestAnthropicCommon/claude-sonnet-4/multi_tool.yaml",
	"TestAnthropicCommon/claude-sonnet-4/multi_tool_streaming.yaml",
}

// FuzzGenerate feeds arbitrary bodies to the client as a streamed or a
// plain answer: it must never panic, must fail only with a *provider.Error,
// and on success must have emitted exactly the returned text.
func FuzzGenerate(f *testing.F) {
	for _, name := range recordedBodies {
		f.Add([]byte(recordedBody(f, name)), strings.Contains(name, "stream"))
	}
	f.Add([]byte("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"), true)
	f.Add([]byte("data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":-3}}\n\ndata: {\"type\":\"message_stop\"}\n\n"), true)
	f.Add([]byte(`{"type":"message","content":[{"type":"text","text":"x"}],"usage":{"input_tokens":null}}`), false)
	f.Fuzz(func(t *testing.T, body []byte, stream bool) {
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", APIKey: testKey, HTTPClient: &http.Client{Transport: providertest.BodyTransport{Body: body}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if resp, ok := providertest.CheckGenerate(t, c, provider.Request{Messages: hello, Stream: stream}, testKey); ok {
			checkUsage(t, resp)
			providertest.CheckCalls(t, resp, !stream)
		}
	})
}

// FuzzStreamEvent feeds arbitrary event payloads, one per line, to a
// Stream, as Bedrock's chunks arrive: the returned texts must add up to the
// response text.
func FuzzStreamEvent(f *testing.F) {
	for _, name := range []string{recordedBodies[1], recordedBodies[7]} {
		var lines []string
		for _, l := range strings.Split(recordedBody(f, name), "\n") {
			if d, ok := strings.CutPrefix(l, "data: "); ok {
				lines = append(lines, d)
			}
		}
		f.Add(strings.Join(lines, "\n"))
	}
	f.Add(`{"type":"message_start","message":{"model":"m","usage":{"input_tokens":1,"cache_read_input_tokens":2}}}` + "\n" + `{"type":"error","error":{}}`)
	f.Add(`{"type":"message_start","message":{"model":"m","usage":{"input_tokens":1,"cache_creation":{"ephemeral_5m_input_tokens":2,"ephemeral_1h_input_tokens":3}}}}` +
		"\n" + `{"type":"message_delta","usage":{"cache_creation_input_tokens":4,"output_tokens":2}}`)
	f.Fuzz(func(t *testing.T, events string) {
		var s Stream
		var texts strings.Builder
		for _, ev := range strings.Split(events, "\n") {
			text, done, err := s.Event([]byte(ev))
			if err != nil {
				if provider.AsError(err) == nil {
					t.Fatalf("error is not a *provider.Error: %v", err)
				}
				continue
			}
			if done != s.Done() {
				t.Fatalf("done %v but Done() %v", done, s.Done())
			}
			texts.WriteString(text)
		}
		providertest.CheckAnswer(t, texts.String(), s.Response())
		checkUsage(t, s.Response())
		providertest.CheckCalls(t, s.Response(), false)
	})
}

// checkUsage checks that the total counts the prompt and the completion,
// and that the one-hour cache writes are a part of the writes.
func checkUsage(t *testing.T, resp provider.Response) {
	t.Helper()
	u := resp.Usage
	if u.Total != u.Prompt+u.Completion {
		t.Fatalf("usage total %d != prompt %d + completion %d", u.Total, u.Prompt, u.Completion)
	}
	if u.CacheWrite1h > u.CacheWrite {
		t.Fatalf("one-hour cache writes %d above the writes %d", u.CacheWrite1h, u.CacheWrite)
	}
}

// FuzzFastTextDelta checks the text-delta fast path against the full
// decode: whatever it accepts, the full decode reads as the same text delta.
func FuzzFastTextDelta(f *testing.F) {
	for _, l := range strings.Split(recordedBody(f, recordedBodies[1]), "\n") {
		if d, ok := strings.CutPrefix(l, "data: "); ok {
			f.Add(strings.TrimSpace(d))
		}
	}
	f.Add(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\u00e9\"\\"}}`)
	f.Add(`{"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":"x"}}`)
	f.Add("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\xff\"}}")
	f.Fuzz(func(t *testing.T, data string) {
		text, ok := fastTextDelta([]byte(data))
		if !ok {
			return
		}
		var ev streamEvent
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			t.Fatalf("fast path took %q, which does not decode: %v", data, err)
		}
		if ev.Type != "content_block_delta" || ev.Delta == nil || ev.Delta.Type != "text_delta" || ev.Delta.Text != text {
			t.Fatalf("fast path read %q from %q; the full decode reads %+v", text, data, ev)
		}
	})
}
