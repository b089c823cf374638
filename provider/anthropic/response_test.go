package anthropic

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/sse"
)

// recordedBody is the response body of a one-exchange recording.
func recordedBody(t testing.TB, rel string) string {
	t.Helper()
	return replay.Load(t, rel).Interactions[0].Response.Body
}

func TestParseResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want provider.Response
	}{
		{"recorded", recordedBody(t, "TestAnthropicCommon/claude-sonnet-4/simple.yaml"), provider.Response{
			Text:  "Olá! \n\n(That's \"hello\" in Portuguese. You could also say \"Oi!\" for a more casual \"hi!\")",
			Model: "claude-sonnet-4-20250514", FinishReason: "stop", RawFinishReason: "end_turn",
			Usage: bench.Usage{Prompt: 16, Completion: 34, Total: 50},
		}},
		{"recorded on bedrock", recordedBody(t, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple.yaml"), provider.Response{
			Text:  "Olá! 👋\n\nHow can I help you today?",
			Model: "claude-haiku-4-5-20251001", FinishReason: "stop", RawFinishReason: "end_turn",
			Usage: bench.Usage{Prompt: 16, Completion: 18, Total: 34},
		}},
		{"cache tokens are added to the prompt", `{"type":"message","model":"claude-x","content":[{"type":"text","text":"ok"}],"stop_reason":"max_tokens",
			"usage":{"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":3000,"output_tokens":7}}`, provider.Response{
			Text: "ok", Model: "claude-x", FinishReason: "length", RawFinishReason: "max_tokens",
			Usage: bench.Usage{Prompt: 3210, Completion: 7, Cached: 3000, Total: 3217, CacheWrite: 200},
		}},
		{"5-minute cache writes", `{"type":"message","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn",
			"usage":{"input_tokens":16,"cache_creation_input_tokens":2000,"cache_read_input_tokens":0,
			"cache_creation":{"ephemeral_5m_input_tokens":2000,"ephemeral_1h_input_tokens":0},"output_tokens":50,"service_tier":"standard"}}`, provider.Response{
			Text: "ok", Model: "claude-sonnet-4-5-20250929", FinishReason: "stop", RawFinishReason: "end_turn",
			Usage: bench.Usage{Prompt: 2016, Completion: 50, Total: 2066, CacheWrite: 2000},
		}},
		{"one-hour cache writes with reads", `{"type":"message","model":"claude-x","content":[],"stop_reason":"end_turn",
			"usage":{"input_tokens":10,"cache_creation_input_tokens":3000,"cache_read_input_tokens":500,
			"cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":2000},"output_tokens":5}}`, provider.Response{
			Model: "claude-x", FinishReason: "stop", RawFinishReason: "end_turn",
			Usage: bench.Usage{Prompt: 3510, Completion: 5, Cached: 500, Total: 3515, CacheWrite: 3000, CacheWrite1h: 2000},
		}},
		{"split of the writes without their count", `{"type":"message","model":"claude-x","content":[],"stop_reason":"end_turn",
			"usage":{"input_tokens":10,"cache_creation":{"ephemeral_5m_input_tokens":30,"ephemeral_1h_input_tokens":70},"output_tokens":5}}`, provider.Response{
			Model: "claude-x", FinishReason: "stop", RawFinishReason: "end_turn",
			Usage: bench.Usage{Prompt: 110, Completion: 5, Total: 115, CacheWrite: 100, CacheWrite1h: 70},
		}},
		{"null cache counts", `{"type":"message","model":"claude-x","content":[],"stop_reason":"end_turn",
			"usage":{"input_tokens":4,"cache_creation_input_tokens":null,"cache_read_input_tokens":null,"output_tokens":1}}`, provider.Response{
			Model: "claude-x", FinishReason: "stop", RawFinishReason: "end_turn", Usage: bench.Usage{Prompt: 4, Completion: 1, Total: 5},
		}},
		{"text blocks are the answer, tool_use blocks the calls", `{"type":"message","model":"claude-x","content":[
			{"type":"thinking","thinking":"Let me think","signature":"sig"},
			{"type":"text","text":"I'll look."},
			{"type":"tool_use","id":"toolu_1","name":"search","input":{"q":"x"}},
			{"type":"redacted_thinking","data":"..."},
			{"type":"text","text":" Done."}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":2}}`, provider.Response{
			Text: "I'll look. Done.", Model: "claude-x", FinishReason: "tool_calls", RawFinishReason: "tool_use", Usage: bench.Usage{Prompt: 1, Completion: 2, Total: 3},
			ToolCalls: []bench.ToolCall{{ID: "toolu_1", Name: "search", Arguments: `{"q":"x"}`}},
		}},
		{"refusal", `{"type":"message","model":"claude-x","content":[],"stop_reason":"refusal","stop_details":{"type":"refusal"}}`, provider.Response{
			Model: "claude-x", FinishReason: "content_filter", RawFinishReason: "refusal",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseResponse([]byte(tt.body))
			if err != nil {
				t.Fatalf("ParseResponse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseResponseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		wantKind provider.Kind
		wantIn   string
	}{
		{"error object", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}`, provider.KindOverloaded, "Overloaded"},
		{"cut JSON", `{"type":"message","content":[{"type":"text","text":"Ol`, provider.KindTransient, "malformed response JSON"},
		{"not a message", `{"type":"completion","completion":"hi"}`, provider.KindTransient, `not a message (type "completion")`},
		{"null", `null`, provider.KindTransient, "not a message"},
		{"html", `<html>502</html>`, provider.KindTransient, "malformed response JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseResponse([]byte(tt.body))
			pe := provider.AsError(err)
			if pe == nil || pe.Kind != tt.wantKind || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("ParseResponse error = %v, want %s mentioning %q", err, tt.wantKind, tt.wantIn)
			}
		})
	}
}

func TestMapFinish(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"end_turn": "stop", "stop_sequence": "stop", "pause_turn": "stop",
		"max_tokens": "length", "model_context_window_exceeded": "length",
		"tool_use": "tool_calls", "refusal": "content_filter", "": "", "something_new": "",
	}
	for raw, want := range tests {
		if got := mapFinish(raw); got != want {
			t.Errorf("mapFinish(%q) = %q, want %q", raw, got, want)
		}
	}
}

// feed runs an SSE body through a Stream as the client does, returning the
// texts Event returned.
func feed(t *testing.T, s *Stream, body string) ([]string, error) {
	t.Helper()
	dec := sse.NewDecoder(strings.NewReader(body))
	var texts []string
	for {
		ev, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return texts, nil
		}
		if err != nil {
			t.Fatalf("sse: %v", err)
		}
		text, done, err := s.Event(ev.Data)
		if err != nil {
			return texts, err
		}
		if done != s.Done() {
			t.Fatalf("Event done = %v but Done() = %v", done, s.Done())
		}
		if text != "" {
			texts = append(texts, text)
		}
	}
}

func TestStreamRecorded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		text   string
		usage  bench.Usage
		chunks int
	}{
		{"TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml",
			"Olá! (That's \"hi\" in Portuguese)\n\nYou could also say \"Oi!\" which is a more casual way to say hi in Portuguese.",
			bench.Usage{Prompt: 16, Completion: 38, Total: 54}, 12},
		{"TestImageUploadAgentStreaming/anthropic-claude-sonnet-4-stream.yaml", imageStreamText, bench.Usage{Prompt: 27, Completion: 93, Total: 120}, 46},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			var s Stream
			texts, err := feed(t, &s, recordedBody(t, tt.file))
			if err != nil {
				t.Fatalf("Event: %v", err)
			}
			if !s.Done() {
				t.Error("Done() = false after message_stop")
			}
			if len(texts) != tt.chunks || strings.Join(texts, "") != tt.text {
				t.Errorf("texts = %q (%d), want %q in %d", texts, len(texts), tt.text, tt.chunks)
			}
			want := provider.Response{Text: tt.text, Model: "claude-sonnet-4-20250514", FinishReason: "stop", RawFinishReason: "end_turn", Usage: tt.usage}
			if diff := cmp.Diff(want, s.Response()); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStreamEvents(t *testing.T) {
	t.Parallel()
	const start = `{"type":"message_start","message":{"model":"claude-x","id":"msg_1","type":"message","role":"assistant","content":[],"stop_reason":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":1}}}`
	tests := []struct {
		name   string
		events []string
		text   string
		done   bool
		want   provider.Response
	}{
		{"cache usage and cumulative output", []string{
			start,
			`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"He"}}`,
			`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"llo"}}`,
			`{"type":"content_block_stop","index":0}`,
			`{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":5}}`,
			`{"type":"message_delta","delta":{},"usage":{"output_tokens":9}}`,
			`{"type":"ping"}`,
			`{"type":"message_stop"}`,
		}, "Hello", true, provider.Response{Text: "Hello", Model: "claude-x", FinishReason: "stop", RawFinishReason: "stop_sequence",
			Usage: bench.Usage{Prompt: 2112, Completion: 9, Cached: 2000, Total: 2121, CacheWrite: 100}}},
		{"cache write split in message_start, counts repeated in message_delta", []string{
			`{"type":"message_start","message":{"model":"claude-x","usage":{"input_tokens":16,"cache_creation_input_tokens":2000,"cache_read_input_tokens":0,` +
				`"cache_creation":{"ephemeral_5m_input_tokens":500,"ephemeral_1h_input_tokens":1500},"output_tokens":1}}}`,
			`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":16,"cache_creation_input_tokens":2000,"cache_read_input_tokens":0,"output_tokens":40}}`,
			`{"type":"message_stop"}`,
		}, "", true, provider.Response{Model: "claude-x", FinishReason: "stop", RawFinishReason: "end_turn",
			Usage: bench.Usage{Prompt: 2016, Completion: 40, Total: 2056, CacheWrite: 2000, CacheWrite1h: 1500}}},
		{"message_delta repeats input counts", []string{
			start,
			`{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":2100,"output_tokens":4}}`,
			`{"type":"message_stop"}`,
		}, "", true, provider.Response{Model: "claude-x", FinishReason: "length", RawFinishReason: "max_tokens",
			Usage: bench.Usage{Prompt: 2112, Completion: 4, Cached: 2100, Total: 2116}}},
		{"thinking, tool input and unknown events are not text; tool input makes a call", []string{
			start,
			`{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}`,
			`{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm"}}`,
			`{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}`,
			`{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}`,
			`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}`,
			`{"type":"content_block_delta","index":2,"delta":{"type":"citations_delta","citation":{}}}`,
			`{"type":"some_future_event","x":1}`,
			`{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}}`,
		}, "", false, provider.Response{Model: "claude-x", FinishReason: "tool_calls", RawFinishReason: "tool_use",
			Usage:     bench.Usage{Prompt: 2112, Completion: 30, Cached: 2000, Total: 2142, CacheWrite: 100},
			ToolCalls: []bench.ToolCall{{ID: "toolu_1", Name: "f", Arguments: `{"a":`}}}},
		{"bedrock message_stop with invocation metrics", []string{
			`{"type":"message_start","message":{"model":"claude-haiku-4-5-20251001","usage":{"input_tokens":16,"output_tokens":5}}}`,
			`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Olá!"}}`,
			`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":18}}`,
			`{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":16,"outputTokenCount":18,"invocationLatency":900,"firstByteLatency":400}}`,
		}, "Olá!", true, provider.Response{Text: "Olá!", Model: "claude-haiku-4-5-20251001", FinishReason: "stop", RawFinishReason: "end_turn",
			Usage: bench.Usage{Prompt: 16, Completion: 18, Total: 34}}},
		{"no usage", []string{`{"type":"message_stop"}`}, "", true, provider.Response{}},
		{"blank data", []string{"  ", ""}, "", false, provider.Response{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s Stream
			var text strings.Builder
			for _, ev := range tt.events {
				got, _, err := s.Event([]byte(ev))
				if err != nil {
					t.Fatalf("Event(%s): %v", ev, err)
				}
				text.WriteString(got)
			}
			if text.String() != tt.text || s.Done() != tt.done {
				t.Errorf("text %q done %v, want %q done %v", text.String(), s.Done(), tt.text, tt.done)
			}
			if diff := cmp.Diff(tt.want, s.Response()); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStreamErrorEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		data     string
		vendor   string
		wantKind provider.Kind
		wantIn   string
	}{
		{"overloaded", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, "", provider.KindOverloaded, "anthropic: stream error: Overloaded"},
		{"rate limit", `{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}`, "", provider.KindRateLimited, "per-minute"},
		{"api error", `{"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"req_1"}`, "", provider.KindTransient, "Internal server error"},
		{"billing", `{"type":"error","error":{"type":"billing_error","message":"Your credit balance is too low to access the Anthropic API."}}`, "", provider.KindAuth, "credit balance"},
		{"vendor named", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, "bedrock", provider.KindOverloaded, "bedrock: stream error"},
		{"malformed", `{"type":"content_block_delta","delta":{"type":"text_delta","text":"x"`, "", provider.KindTransient, "malformed stream event JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := Stream{Vendor: tt.vendor}
			text, done, err := s.Event([]byte(tt.data))
			pe := provider.AsError(err)
			if pe == nil || pe.Kind != tt.wantKind || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("Event error = %v, want %s mentioning %q", err, tt.wantKind, tt.wantIn)
			}
			if text != "" || done {
				t.Errorf("Event = %q, %v with an error", text, done)
			}
		})
	}
}

// imageStreamText is the answer in the streamed image recording.
const imageStreamText = "This image shows a simple, cute cartoon-style ghost character on a colorful gradient background. " +
	"The ghost is pale green or white with a rounded, floating form typical of ghost illustrations. " +
	"It has two small dark dots for eyes and appears to have a friendly, innocent expression. " +
	"The background features a soft gradient that transitions from purple/blue in the upper left to pink/magenta in the lower right, " +
	"creating a dreamy, pastel aesthetic."
