package cohere

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/sse"
)

// No recordings of Cohere tool calls exist. The fakes below are the
// documented exchanges, in the wire shapes of the Chat v2 reference
// (PROVIDER_FACTS.md §5): the tool definition and the non-streamed answer
// of "Tool use - basic usage" (https://docs.cohere.com/v2/docs/tool-use-overview:
// get_weather, a tool_plan and one call of id get_weather_1byjy32y4hvq),
// and the tool-calling stream of "Streaming for tool use"
// (https://docs.cohere.com/v2/docs/tool-use-streaming: two calls, Madrid and
// Brasilia, their arguments in the documented fragments).

var getWeather = bench.Tool{Name: "get_weather", Description: "gets the weather of a given location", Parameters: map[string]any{
	"type": "object", "required": []any{"location"},
	"properties": map[string]any{"location": map[string]any{"type": "string", "description": "the location to get the weather, example: San Francisco."}}}}

const toolBody = `{"id":"c14c80c3-18eb-4519-9460-6c92edd8cfb4","finish_reason":"TOOL_CALL",
 "message":{"role":"assistant","tool_plan":"I will search for the weather in Toronto.",
  "tool_calls":[{"id":"get_weather_1byjy32y4hvq","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Toronto\"}"}}]}}`

func toolStream() string {
	sse := func(typ, data string) string { return "event: " + typ + "\ndata: " + data + "\n\n" }
	start := func(i, id string) string {
		return sse("tool-call-start", `{"type":"tool-call-start","index":`+i+`,"delta":{"message":{"tool_calls":{"id":"`+id+`","type":"function","function":{"name":"get_weather","arguments":""}}}}}`)
	}
	delta := func(i, frag string) string {
		b, _ := json.Marshal(frag)
		return sse("tool-call-delta", `{"type":"tool-call-delta","index":`+i+`,"delta":{"message":{"tool_calls":{"function":{"arguments":`+string(b)+`}}}}}`)
	}
	out := sse("message-start", `{"id":"fba98ad3-e5a1-413c-a8de-84fbf9baabf7","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}`)
	for _, w := range strings.Fields("I will search for the weather in Madrid and Brasilia.") {
		b, _ := json.Marshal(w + " ")
		out += sse("tool-plan-delta", `{"type":"tool-plan-delta","delta":{"message":{"tool_plan":`+string(b)+`}}}`)
	}
	for i, call := range []struct{ id, city []string }{
		{[]string{"get_weather_p1t92w7gfgq7"}, []string{"Madrid"}},
		{[]string{"get_weather_ay6nmvjgp9vn"}, []string{"Bras", "ilia"}},
	} {
		idx := string(rune('0' + i))
		out += start(idx, call.id[0])
		for _, f := range append(append([]string{"{\n    \"", "location", "\":", " \""}, call.city...), "\"", "\n", "}") {
			out += delta(idx, f)
		}
		out += sse("tool-call-end", `{"type":"tool-call-end","index":`+idx+`}`)
	}
	out += sse("message-end", `{"type":"message-end","delta":{"finish_reason":"TOOL_CALL","usage":{"billed_units":{"input_tokens":37,"output_tokens":28},"tokens":{"input_tokens":913,"output_tokens":83}}}}`)
	return out + sseDone
}

func TestGenerateToolCalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		resp   replay.Response
		stream bool
		want   provider.Response
	}{
		{"non-streamed", jsonResponse(toolBody), false, provider.Response{Model: "command-a-03-2025",
			FinishReason: provider.FinishToolCalls, RawFinishReason: "TOOL_CALL",
			ToolCalls: []bench.ToolCall{{ID: "get_weather_1byjy32y4hvq", Name: "get_weather", Arguments: `{"location":"Toronto"}`}}}},
		{"streamed", sseResponse(toolStream()), true, provider.Response{Model: "command-a-03-2025",
			FinishReason: provider.FinishToolCalls, RawFinishReason: "TOOL_CALL", Usage: bench.Usage{Prompt: 37, Completion: 28, Total: 65},
			ToolCalls: []bench.ToolCall{
				{ID: "get_weather_p1t92w7gfgq7", Name: "get_weather", Arguments: "{\n    \"location\": \"Madrid\"\n}"},
				{ID: "get_weather_ay6nmvjgp9vn", Name: "get_weather", Arguments: "{\n    \"location\": \"Brasilia\"\n}"},
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			c := newClient(t, srv.URL)
			msgs := []bench.Message{{Role: bench.RoleUser, Content: "What's the weather in Toronto?"}}
			resp, chunks := providertest.GenerateChunks(t, c, provider.Request{Messages: msgs, Stream: tt.stream, Tools: []bench.Tool{getWeather}})
			if diff := cmp.Diff(tt.want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if strings.Join(chunks, "") != "" {
				t.Errorf("emitted %q: the tool plan is not the answer", chunks)
			}
			// The documented request: the model, the message and the tool.
			want := `{"model":"command-a-03-2025","messages":[{"role":"user","content":"What's the weather in Toronto?"}],"stream":STREAM,
				"tools":[{"type":"function","function":{"name":"get_weather","description":"gets the weather of a given location",
				"parameters":{"type":"object","properties":{"location":{"type":"string","description":"the location to get the weather, example: San Francisco."}},"required":["location"]}}}]}`
			want = strings.Replace(want, "STREAM", map[bool]string{true: "true", false: "false"}[tt.stream], 1)
			if !tt.stream {
				want = strings.Replace(want, `"stream":false,`, "", 1)
			}
			if diff := cmp.Diff(jsonOf(t, want), jsonOf(t, string(srv.Last(t).Body))); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
		})
	}
}

func jsonOf(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return v
}

func TestToolChoice(t *testing.T) {
	t.Parallel()
	now := bench.Tool{Name: "now"}
	tests := []struct {
		name      string
		choice    *bench.ToolChoice
		wantTools []string
		want      string
	}{
		{"default", nil, []string{"get_weather", "now"}, ""},
		{"auto", &bench.ToolChoice{Mode: bench.ToolChoiceAuto}, []string{"get_weather", "now"}, ""},
		{"required", &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, []string{"get_weather", "now"}, "REQUIRED"},
		{"none", &bench.ToolChoice{Mode: bench.ToolChoiceNone}, []string{"get_weather", "now"}, "NONE"},
		{"named: that tool alone, required", &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "now"}, []string{"now"}, "REQUIRED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := body(provider.Request{Messages: hello, Tools: []bench.Tool{getWeather, now}, ToolChoice: tt.choice}, "m")
			if err != nil {
				t.Fatalf("body: %v", err)
			}
			var got struct {
				Tools []struct {
					Type     string `json:"type"`
					Function struct {
						Name string `json:"name"`
					} `json:"function"`
				} `json:"tools"`
				ToolChoice *string `json:"tool_choice"`
			}
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tl := range got.Tools {
				if tl.Type != "function" {
					t.Errorf("tool type %q", tl.Type)
				}
				names = append(names, tl.Function.Name)
			}
			if diff := cmp.Diff(tt.wantTools, names); diff != "" {
				t.Errorf("tools sent (-want +got):\n%s", diff)
			}
			if (tt.want == "") != (got.ToolChoice == nil) || (got.ToolChoice != nil && *got.ToolChoice != tt.want) {
				t.Errorf("tool_choice = %v, want %q", got.ToolChoice, tt.want)
			}
		})
	}
	if _, err := body(provider.Request{Messages: hello, ToolChoice: &bench.ToolChoice{Mode: bench.ToolChoiceRequired}}, "m"); err == nil {
		t.Error("tool_choice required without tools was accepted")
	}
}

// TestStreamToolCallsAsList accepts delta.message.tool_calls as a list too,
// and a tool-call-start that already carries a first fragment.
func TestStreamToolCallsAsList(t *testing.T) {
	t.Parallel()
	var st state
	for _, data := range []string{
		`{"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}}`,
		`{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":[{"function":{"arguments":":1}"}}]}}}`,
		`{"type":"tool-call-delta","index":7,"delta":{"message":{"tool_calls":{"function":{"arguments":"lost"}}}}}`,
		`{"type":"tool-call-end","index":0}`,
	} {
		if _, _, err := st.applyEvent(sseEvent(data), nil); err != nil {
			t.Fatalf("applyEvent(%s): %v", data, err)
		}
	}
	want := []bench.ToolCall{{ID: "c1", Name: "f", Arguments: `{"a":1}`}}
	if diff := cmp.Diff(want, st.response("m").ToolCalls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// sseEvent is a data-only SSE event carrying data.
func sseEvent(data string) sse.Event { return sse.Event{Data: []byte(data)} }
