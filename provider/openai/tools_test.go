package openai

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

var weatherTool = bench.Tool{Name: "weather", Description: "Get the weather", Parameters: map[string]any{
	"type": "object", "properties": map[string]any{"location": map[string]any{"type": "string"}}, "required": []any{"location"},
}}

// TestToolRequest checks tools and each tool_choice form in the body.
func TestToolRequest(t *testing.T) {
	t.Parallel()
	wantTools := []any{map[string]any{"type": "function", "function": map[string]any{
		"name": "weather", "description": "Get the weather", "parameters": map[string]any{
			"type": "object", "properties": map[string]any{"location": map[string]any{"type": "string"}}, "required": []any{"location"},
		}}}}
	tests := []struct {
		name       string
		tools      []bench.Tool
		choice     *bench.ToolChoice
		wantChoice any // nil: left out
		wantErr    string
	}{
		{"tools only", []bench.Tool{weatherTool}, nil, nil, ""},
		{"strict", []bench.Tool{{Name: "weather", Description: "Get the weather", Parameters: weatherTool.Parameters, Strict: true}}, nil, nil, ""},
		{"auto", []bench.Tool{weatherTool}, &bench.ToolChoice{Mode: bench.ToolChoiceAuto}, "auto", ""},
		{"none", []bench.Tool{weatherTool}, &bench.ToolChoice{Mode: bench.ToolChoiceNone}, "none", ""},
		{"required", []bench.Tool{weatherTool}, &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, "required", ""},
		{"named", []bench.Tool{weatherTool}, &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "weather"},
			map[string]any{"type": "function", "function": map[string]any{"name": "weather"}}, ""},
		{"named without a name", []bench.Tool{weatherTool}, &bench.ToolChoice{Mode: bench.ToolChoiceTool}, nil, "names no tool"},
		{"unknown mode", []bench.Tool{weatherTool}, &bench.ToolChoice{Mode: "any"}, nil, `mode "any"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(provider.Config{Model: "gpt-4o-mini", APIKey: testKey})
			if err != nil {
				t.Fatal(err)
			}
			data, err := c.body(provider.Request{Messages: hello, Tools: tt.tools, ToolChoice: tt.choice}, "gpt-4o-mini")
			checkErr := c.CheckTools(tt.tools, tt.choice)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || checkErr == nil {
					t.Fatalf("body error %v, CheckTools %v; want %q from both", err, checkErr, tt.wantErr)
				}
				return
			}
			if err != nil || checkErr != nil {
				t.Fatalf("body: %v, CheckTools: %v", err, checkErr)
			}
			var body map[string]any
			if err := json.Unmarshal(data, &body); err != nil {
				t.Fatal(err)
			}
			want := wantTools
			if tt.tools[0].Strict {
				fn := map[string]any{"strict": true}
				for k, v := range wantTools[0].(map[string]any)["function"].(map[string]any) {
					fn[k] = v
				}
				want = []any{map[string]any{"type": "function", "function": fn}}
			}
			if diff := cmp.Diff(want, body["tools"]); diff != "" {
				t.Errorf("tools (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantChoice, body["tool_choice"]); diff != "" {
				t.Errorf("tool_choice (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNoTools: a dialect without function calling refuses tools before
// any call, and a request without tools has no tools fields.
func TestNoTools(t *testing.T) {
	t.Parallel()
	c, err := NewCompatible(provider.Config{Model: "m", BaseURL: "http://no.invalid"}, Dialect{Vendor: "plain", NoTools: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := provider.CheckTools(c, []bench.Tool{weatherTool}, nil); err == nil || !strings.Contains(err.Error(), "plain does not support tools") {
		t.Errorf("CheckTools: %v", err)
	}
	if _, err := c.Generate(t.Context(), provider.Request{Messages: hello, Tools: []bench.Tool{weatherTool}}, func(provider.Chunk) error { return nil }); err == nil {
		t.Error("Generate sent tools to a dialect without them")
	}
	data, err := c.body(provider.Request{Messages: hello}, "m")
	if err != nil || strings.Contains(string(data), "tool") {
		t.Errorf("body without tools: %s, %v", data, err)
	}
}

// TestToolCallShapes decodes the tool call shapes servers send besides
// OpenAI's recorded ones: whole calls without an index in a stream
// (Mistral), arguments as an object, the deprecated function_call, and
// fragments in a stream with interleaved indexes.
func TestToolCallShapes(t *testing.T) {
	t.Parallel()
	sse := func(chunks ...string) string {
		var b strings.Builder
		for _, c := range chunks {
			b.WriteString("data: " + c + "\n\n")
		}
		return b.String() + "data: [DONE]\n\n"
	}
	tests := []struct {
		name   string
		body   string
		stream bool
		want   []bench.ToolCall
	}{
		{"mistral whole", `{"model":"mistral-large-latest","choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"id":"D681PevKs","function":{"name":"retrieve_payment_status","arguments":"{\"transaction_id\": \"T1001\"}"}}]},"finish_reason":"tool_calls"}]}`, false,
			[]bench.ToolCall{{ID: "D681PevKs", Name: "retrieve_payment_status", Arguments: `{"transaction_id": "T1001"}`}}},
		{"mistral stream without index", sse(
			`{"model":"mistral-large-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
			`{"model":"mistral-large-latest","choices":[{"index":0,"delta":{"tool_calls":[{"id":"a1","function":{"name":"add","arguments":"{\"a\":1}"}},{"id":"m2","function":{"name":"mul","arguments":"{\"a\":2}"}}]},"finish_reason":"tool_calls"}]}`), true,
			[]bench.ToolCall{{ID: "a1", Name: "add", Arguments: `{"a":1}`}, {ID: "m2", Name: "mul", Arguments: `{"a":2}`}}},
		{"interleaved indexes", sse(
			`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"x","function":{"name":"add","arguments":""}},{"index":1,"id":"y","function":{"name":"mul","arguments":"{\"b\""}}]}}]}`,
			`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]}`,
			`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":":2}"}},{"index":0,"function":{"arguments":"1}"}}]}}]}`,
			`{"choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"other","function":{"name":"not_choice_0","arguments":"{}"}}]}}]}`,
			`{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`), true,
			[]bench.ToolCall{{ID: "x", Name: "add", Arguments: `{"a":1}`}, {ID: "y", Name: "mul", Arguments: `{"b":2}`}}},
		{"arguments as an object", `{"choices":[{"index":0,"message":{"tool_calls":[{"id":"o","type":"function","function":{"name":"f","arguments":{"k":[1,2]}}}]},"finish_reason":"tool_calls"}]}`, false,
			[]bench.ToolCall{{ID: "o", Name: "f", Arguments: `{"k":[1,2]}`}}},
		{"function_call", `{"choices":[{"index":0,"message":{"content":null,"function_call":{"name":"f","arguments":"{}"}},"finish_reason":"function_call"}]}`, false,
			[]bench.ToolCall{{Name: "f", Arguments: `{}`}}},
		{"function_call streamed", sse(
			`{"choices":[{"index":0,"delta":{"function_call":{"name":"f","arguments":""}}}]}`,
			`{"choices":[{"index":0,"delta":{"function_call":{"arguments":"{\"q\":"}}}]}`,
			`{"choices":[{"index":0,"delta":{"function_call":{"arguments":"1}"}},"finish_reason":"function_call"}]}`), true,
			[]bench.ToolCall{{Name: "f", Arguments: `{"q":1}`}}},
		{"none", `{"choices":[{"index":0,"message":{"content":"hi","tool_calls":null},"finish_reason":"stop"}]}`, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{{Body: tt.body}})
			c, err := New(provider.Config{Model: "m", BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Generate(t.Context(), provider.Request{Messages: hello, Stream: tt.stream, Tools: []bench.Tool{weatherTool}}, func(provider.Chunk) error { return nil })
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if diff := cmp.Diff(tt.want, resp.ToolCalls); diff != "" {
				t.Errorf("tool calls (-want +got):\n%s", diff)
			}
			if tt.want != nil && resp.FinishReason != provider.FinishToolCalls {
				t.Errorf("finish reason %q", resp.FinishReason)
			}
		})
	}
}

func TestEmptyToolCallsDropped(t *testing.T) {
	t.Parallel()
	var tc toolCalls
	tc.add([]toolCallDelta{{}, {ID: "x"}}, true)
	if diff := cmp.Diff([]bench.ToolCall{{ID: "x"}}, tc.result()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
