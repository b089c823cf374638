package ollama

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// currentWeather is the tool of Ollama's documented chat request with tools.
var currentWeather = bench.Tool{Name: "get_current_weather", Description: "Get the current weather for a location", Parameters: map[string]any{
	"type": "object", "required": []any{"location", "format"},
	"properties": map[string]any{
		"location": map[string]any{"type": "string", "description": "The location to get the weather for, e.g. San Francisco, CA"},
		"format":   map[string]any{"type": "string", "description": "The format to return the weather in, e.g. 'celsius' or 'fahrenheit'", "enum": []any{"celsius", "fahrenheit"}},
	}}}

func TestGenerateToolCalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fixture string
		stream  bool
		want    provider.Response
	}{
		{"documented answer", "chat_tools.json", false, provider.Response{Model: "llama3.2", FinishReason: provider.FinishToolCalls, RawFinishReason: "stop",
			Usage:     bench.Usage{Prompt: 122, Completion: 33, Total: 155},
			ToolCalls: []bench.ToolCall{{Name: "get_current_weather", Arguments: `{"format":"celsius","location":"Paris, FR"}`}}}},
		{"calls over several lines", "chat_tools_stream.ndjson", true, provider.Response{Model: "qwen3", FinishReason: provider.FinishToolCalls, RawFinishReason: "stop",
			Usage: bench.Usage{Prompt: 122, Completion: 33, Total: 155},
			ToolCalls: []bench.ToolCall{
				{Name: "get_temperature", Arguments: `{"city":"New York"}`},
				{Name: "get_conditions", Arguments: `{"city":"New York"}`},
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{documented(t, tt.fixture)})
			c := newClient(t, srv.URL, "")
			msgs := []bench.Message{{Role: bench.RoleUser, Content: "What is the weather today in Paris?"}}
			resp, _ := providertest.GenerateChunks(t, c, provider.Request{Messages: msgs, Stream: tt.stream, Tools: []bench.Tool{currentWeather}})
			if diff := cmp.Diff(tt.want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			// The documented request with tools.
			want := `{"model":"llama3.2","messages":[{"role":"user","content":"What is the weather today in Paris?"}],"stream":false,
			  "tools":[{"type":"function","function":{"name":"get_current_weather","description":"Get the current weather for a location",
			  "parameters":{"type":"object","properties":{"location":{"type":"string","description":"The location to get the weather for, e.g. San Francisco, CA"},
			  "format":{"type":"string","description":"The format to return the weather in, e.g. 'celsius' or 'fahrenheit'","enum":["celsius","fahrenheit"]}},"required":["location","format"]}}}]}`
			var wantBody, gotBody map[string]any
			if err := json.Unmarshal([]byte(want), &wantBody); err != nil {
				t.Fatal(err)
			}
			wantBody["stream"] = tt.stream
			if err := json.Unmarshal(srv.Last(t).Body, &gotBody); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantBody, gotBody); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGenerateParallelCalls decodes several calls in one message: the
// four calls of tool-calling.mdx's parallel example, in the documented
// answer shape.
func TestGenerateParallelCalls(t *testing.T) {
	t.Parallel()
	body := `{"model":"qwen3","created_at":"2024-07-22T20:33:28.123648Z","message":{"role":"assistant","content":"","tool_calls":[` +
		`{"type":"function","function":{"index":0,"name":"get_temperature","arguments":{"city":"New York"}}},` +
		`{"type":"function","function":{"index":1,"name":"get_conditions","arguments":{"city":"New York"}}},` +
		`{"type":"function","function":{"index":2,"name":"get_temperature","arguments":{"city":"London"}}},` +
		`{"type":"function","function":{"index":3,"name":"get_conditions","arguments":{"city":"London"}}}]},` +
		`"done_reason":"stop","done":true,"prompt_eval_count":122,"eval_count":33}`
	for _, stream := range []bool{false, true} {
		srv := replay.Serve(t, []replay.Response{{Code: 200, Body: body + "\n", Headers: map[string][]string{"Content-Type": {"application/json"}}}})
		resp, _ := providertest.GenerateChunks(t, newClient(t, srv.URL, ""), provider.Request{Messages: hello, Stream: stream, Tools: []bench.Tool{currentWeather}})
		var names []string
		for _, c := range resp.ToolCalls {
			names = append(names, c.Name+" "+c.Arguments)
		}
		want := []string{`get_temperature {"city":"New York"}`, `get_conditions {"city":"New York"}`, `get_temperature {"city":"London"}`, `get_conditions {"city":"London"}`}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("stream %v: calls (-want +got):\n%s", stream, diff)
		}
	}
}

func TestToolChoice(t *testing.T) {
	t.Parallel()
	c := newClient(t, "http://unused.invalid", "")
	tools := []bench.Tool{currentWeather}
	for _, tt := range []struct {
		choice    *bench.ToolChoice
		sendTools bool
	}{
		{nil, true},
		{&bench.ToolChoice{Mode: bench.ToolChoiceAuto}, true},
		{&bench.ToolChoice{Mode: bench.ToolChoiceNone}, false},
	} {
		data, err := c.body(provider.Request{Messages: hello, Tools: tools, ToolChoice: tt.choice}, "m")
		if err != nil {
			t.Fatalf("body(%+v): %v", tt.choice, err)
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		if _, sent := got["tools"]; sent != tt.sendTools {
			t.Errorf("choice %+v: tools sent %v, want %v", tt.choice, sent, tt.sendTools)
		}
		if _, sent := got["tool_choice"]; sent {
			t.Errorf("choice %+v: tool_choice sent; Ollama has none", tt.choice)
		}
	}
	for _, choice := range []*bench.ToolChoice{{Mode: bench.ToolChoiceRequired}, {Mode: bench.ToolChoiceTool, Name: "get_current_weather"}} {
		if _, err := c.body(provider.Request{Messages: hello, Tools: tools, ToolChoice: choice}, "m"); !errors.Is(err, toolcalls.ErrUnsupported) {
			t.Errorf("choice %+v: error %v, want ErrUnsupported", choice, err)
		}
	}
	srv := replay.Serve(t, []replay.Response{documented(t, "chat_tools.json")})
	providertest.CheckRejected(t, newClient(t, srv.URL, ""), provider.Request{Messages: hello, Tools: tools,
		ToolChoice: &bench.ToolChoice{Mode: bench.ToolChoiceRequired}}, "no tool_choice", srv)
}
