package anthropic

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// TestGenerateToolReplay replays the recorded tool-calling exchanges
// (first turn: the model asks for the calls), streamed and not: the body
// sent must be the recorded one, built from a provider.Request made of the
// recording's prompt, tools and tool_choice, and the calls decoded must be
// the recorded ones. Later turns send tool results, which a suite does not
// carry, so they are not replayed.
func TestGenerateToolReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		text  string
		calls []bench.ToolCall
		usage bench.Usage
	}{
		{"TestAnthropicCommon/claude-sonnet-4/tool.yaml", "I'll check the weather in Florence, Italy for you.",
			[]bench.ToolCall{{ID: "toolu_01XLb9pzgfLa2EMyqWot6Ezt", Name: "weather", Arguments: `{"location":"Florence,Italy"}`}},
			bench.Usage{Prompt: 394, Completion: 66, Total: 460}},
		{"TestAnthropicCommon/claude-sonnet-4/tool_streaming.yaml", "I'll get the weather information for Florence, Italy for you.",
			[]bench.ToolCall{{ID: "toolu_01N2eM4V43kGCDkq2Lw7ChWQ", Name: "weather", Arguments: `{"location": "Florence,Italy"}`}},
			bench.Usage{Prompt: 394, Completion: 67, Total: 461}},
		{"TestAnthropicCommon/claude-sonnet-4/multi_tool.yaml", "I'll add and multiply the numbers 2 and 3 for you.",
			[]bench.ToolCall{
				{ID: "toolu_01StBeRxDEwsqcc3arbDgpS9", Name: "add", Arguments: `{"a":2,"b":3}`},
				{ID: "toolu_01AC6WQhj2iRkdYHgTAGMpVQ", Name: "multiply", Arguments: `{"a":2,"b":3}`},
			},
			bench.Usage{Prompt: 507, Completion: 137, Total: 644}},
		{"TestAnthropicCommon/claude-sonnet-4/multi_tool_streaming.yaml", "I'll add and multiply the numbers 2 and 3 for you.",
			[]bench.ToolCall{
				{ID: "toolu_01UYxUYC2zRPY8wiutnF48eP", Name: "add", Arguments: `{"a": 2, "b": 3}`},
				{ID: "toolu_01VaRx1jpWCvPhi7L4kywAcd", Name: "multiply", Arguments: `{"a": 2, "b": 3}`},
			},
			bench.Usage{Prompt: 502, Completion: 137, Total: 639}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, tt.file)
			rec := cas.Interactions[0].Request
			stream := strings.Contains(tt.file, "streaming")
			srv := replay.ServeCassette(t, cas)
			c, err := New(provider.Config{Vendor: Vendor, Model: "claude-sonnet-4-20250514", BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			req := providertest.AnthropicToolRequest(t, rec.Body)
			req.Stream = stream
			resp, chunks := providertest.GenerateChunks(t, c, req)
			providertest.CheckToolCalls(t, resp.ToolCalls, tt.calls)
			// Exactly: a streamed call's fragments joined verbatim, a whole
			// one's input object compacted.
			want := provider.Response{Text: tt.text, Model: "claude-sonnet-4-20250514", FinishReason: provider.FinishToolCalls,
				RawFinishReason: "tool_use", Usage: tt.usage, ToolCalls: tt.calls}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			providertest.CheckChunks(t, chunks, tt.text, stream)
			checkRequest(t, srv.Last(t), withoutParallelDefault(t, rec.Body), stream)
		})
	}
}

// withoutParallelDefault drops tool_choice.disable_parallel_tool_use from
// a recorded body when it is false, the API's default, which the recording
// client sends and this one leaves out.
func withoutParallelDefault(t *testing.T, body string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if tc, ok := m["tool_choice"].(map[string]any); ok && tc["disable_parallel_tool_use"] == false {
		delete(tc, "disable_parallel_tool_use")
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestBodyTools(t *testing.T) {
	t.Parallel()
	weather := bench.Tool{Name: "weather", Description: "Get weather", Parameters: map[string]any{
		"type": "object", "properties": map[string]any{"location": map[string]any{"type": "string"}}, "required": []any{"location"}}}
	noArgs := bench.Tool{Name: "now"}
	tools := []bench.Tool{weather, noArgs}
	wantTools := `[{"name":"weather","description":"Get weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}},` +
		`{"name":"now","input_schema":{"type":"object"}}]`
	tests := []struct {
		name   string
		choice *bench.ToolChoice
		want   string // tool_choice; "" means none sent
	}{
		{"default", nil, ""},
		{"auto", &bench.ToolChoice{Mode: bench.ToolChoiceAuto}, `{"type":"auto"}`},
		{"required", &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, `{"type":"any"}`},
		{"named", &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "now"}, `{"type":"tool","name":"now"}`},
		{"none", &bench.ToolChoice{Mode: bench.ToolChoiceNone}, `{"type":"none"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := Body(provider.Request{Messages: recordedPrompt, Tools: tools, ToolChoice: tt.choice}, "m", "", false)
			if err != nil {
				t.Fatalf("Body: %v", err)
			}
			var got map[string]json.RawMessage
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(asJSON(t, []byte(wantTools)), asJSON(t, got["tools"])); diff != "" {
				t.Errorf("tools (-want +got):\n%s", diff)
			}
			if tt.want == "" {
				if _, ok := got["tool_choice"]; ok {
					t.Errorf("tool_choice sent: %s", got["tool_choice"])
				}
				return
			}
			if diff := cmp.Diff(asJSON(t, []byte(tt.want)), asJSON(t, got["tool_choice"])); diff != "" {
				t.Errorf("tool_choice (-want +got):\n%s", diff)
			}
		})
	}
	data, err := Body(provider.Request{Messages: recordedPrompt}, "m", "", false)
	if err != nil || strings.Contains(string(data), "tool") {
		t.Errorf("a request without tools sent %s (%v)", data, err)
	}
}

// TestGenerateToolErrors checks that tools the API could not take fail
// before the call, as bad_request naming the problem.
func TestGenerateToolErrors(t *testing.T) {
	t.Parallel()
	weather := bench.Tool{Name: "weather"}
	tests := []struct {
		name   string
		tools  []bench.Tool
		choice *bench.ToolChoice
		in     string
	}{
		{"unnamed tool", []bench.Tool{{Description: "x"}}, nil, "tool 1 has no name"},
		{"duplicate", []bench.Tool{weather, weather}, nil, "defined twice"},
		{"unknown tool named", []bench.Tool{weather}, &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "add"}, `"add"`},
		{"required without tools", nil, &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, "without tools"},
		{"bad mode", []bench.Tool{weather}, &bench.ToolChoice{Mode: "always"}, `"always"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{replay.Error(500, `{}`)})
			c, err := New(provider.Config{Vendor: Vendor, Model: "m", BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatal(err)
			}
			providertest.CheckRejected(t, c, provider.Request{Messages: recordedPrompt, Tools: tt.tools, ToolChoice: tt.choice}, tt.in, srv)
		})
	}
}

// TestStreamToolCalls covers what the recordings do not: a tool without
// arguments (only empty fragments: the start input is the arguments),
// fragments of a server tool (not a call of the case's tools) and a
// fragment kept verbatim although it is not valid JSON.
func TestStreamToolCalls(t *testing.T) {
	t.Parallel()
	events := []string{
		`{"type":"message_start","message":{"model":"m","usage":{"input_tokens":1,"output_tokens":1}}}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"query\":\"x\"}"}}`,
		`{"type":"content_block_stop","index":0}`,
		`{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_a","name":"now","input":{}}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}`,
		`{"type":"content_block_stop","index":1}`,
		`{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_b","name":"weather","input":{}}}`,
		`{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"location\": \"Par"}}`,
		`{"type":"content_block_stop","index":2}`,
		`{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":9}}`,
		`{"type":"message_stop"}`,
	}
	var s Stream
	for _, ev := range events {
		if _, _, err := s.Event([]byte(ev)); err != nil {
			t.Fatalf("Event(%s): %v", ev, err)
		}
	}
	want := []bench.ToolCall{{ID: "toolu_a", Name: "now", Arguments: "{}"}, {ID: "toolu_b", Name: "weather", Arguments: `{"location": "Par`}}
	if diff := cmp.Diff(want, s.Response().ToolCalls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if got := s.Response().FinishReason; got != provider.FinishLength {
		t.Errorf("finish %q, want length (the vendor's reason, calls or not)", got)
	}
}
