package bedrock

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

// TestGenerateInvokeToolReplay replays the recorded tool-calling
// InvokeModel exchanges (Anthropic's Messages body; the stream as the
// binary event stream recorded): the body sent, built from a
// provider.Request made of the recording's prompt, tools and tool_choice,
// is the recorded one field for field, and the calls are the recorded ones
// (the streamed arguments joined verbatim from their fragments).
func TestGenerateInvokeToolReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		call bench.ToolCall
	}{
		{"TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/tool.yaml",
			bench.ToolCall{ID: "toolu_bdrk_01Be1CWhLjkFwDBJNiHsRQjW", Name: "weather", Arguments: `{"location":"Florence, Italy"}`}},
		{"TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/tool_streaming.yaml",
			bench.ToolCall{ID: "toolu_bdrk_01KpJ8x9ZkJF1siAZacbjqPa", Name: "weather", Arguments: `{"location": "Florence, Italy"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, tt.file)
			rec := cas.Interactions[0].Request
			srv := replay.ServeCassette(t, cas)
			c := newClient(t, srv.URL, map[string]any{"api": APIInvoke})
			req := providertest.AnthropicToolRequest(t, rec.Body)
			req.Model, req.Stream = testModel, strings.Contains(tt.file, "streaming")
			resp, chunks := providertest.GenerateChunks(t, c, req)
			want := provider.Response{Model: testModel, FinishReason: provider.FinishToolCalls, RawFinishReason: "tool_use",
				Usage: bench.Usage{Prompt: 577, Completion: 54, Total: 631}, ToolCalls: []bench.ToolCall{tt.call}}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if strings.Join(chunks, "") != "" {
				t.Errorf("emitted %q for an answer without text", chunks)
			}
			got := srv.Last(t)
			if wantPath := "/model/" + testModel + map[bool]string{false: "/invoke", true: "/invoke-with-response-stream"}[req.Stream]; got.Path != wantPath {
				t.Errorf("path %s, want %s", got.Path, wantPath)
			}
			var wantBody, gotBody map[string]any
			if err := json.Unmarshal([]byte(rec.Body), &wantBody); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(got.Body, &gotBody); err != nil {
				t.Fatalf("request body is not JSON: %v", err)
			}
			if diff := cmp.Diff(wantBody, gotBody); diff != "" {
				t.Errorf("request body (-recorded +sent):\n%s", diff)
			}
		})
	}
}

// The Converse tool answers are the documented shapes: the non-streamed
// toolUse answer of the Bedrock user guide ("Call a tool with the Converse
// API", https://docs.aws.amazon.com/bedrock/latest/userguide/tool-use-inference-call.html,
// step 2), and the same call as ConverseStream events in the shapes of the
// API reference (ContentBlockStartEvent.start.toolUse {toolUseId, name},
// ContentBlockDeltaEvent.delta.toolUse.input, a string fragment), with the
// "p" padding Bedrock adds.
const (
	topSongID   = "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q"
	converseUse = `{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q","name":"top_song","input":{"sign":"WZPZ"}}}]}},"stopReason":"tool_use"}`
)

func converseToolFrames() []frame {
	return []frame{
		ev("messageStart", `{"p":"abcdefgh","role":"assistant"}`),
		ev("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"I'll look it up."},"p":"abcd"}`),
		ev("contentBlockStop", `{"contentBlockIndex":0,"p":"abcdefghijk"}`),
		ev("contentBlockStart", `{"contentBlockIndex":1,"p":"abcdefghijklmnop","start":{"toolUse":{"name":"top_song","toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q"}}}`),
		ev("contentBlockDelta", `{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"sign\": "}},"p":"abcdefg"}`),
		ev("contentBlockDelta", `{"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"WZPZ\"}"}},"p":"ab"}`),
		ev("contentBlockStop", `{"contentBlockIndex":1,"p":"abcdefghijklm"}`),
		ev("messageStop", `{"p":"abcdefghijklmnopqrstu","stopReason":"tool_use"}`),
		ev("metadata", `{"metrics":{"latencyMs":640},"p":"abcdefghij","usage":{"inputTokens":420,"outputTokens":56,"totalTokens":476}}`),
	}
}

var topSong = bench.Tool{Name: "top_song", Description: "Get the most popular song played on a radio station.", Parameters: map[string]any{
	"type": "object", "required": []any{"sign"}, "properties": map[string]any{"sign": map[string]any{
		"type": "string", "description": "The call sign for the radio station for which you want the most popular song. Example calls signs are WZPZ and WKRP."}}}}

func TestGenerateConverseTools(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stream bool
		ct     string
		body   string
		want   provider.Response
	}{
		{"converse", false, "application/json", converseUse, provider.Response{Model: novaModel, FinishReason: provider.FinishToolCalls, RawFinishReason: "tool_use",
			ToolCalls: []bench.ToolCall{{ID: topSongID, Name: "top_song", Arguments: `{"sign":"WZPZ"}`}}}},
		{"converse-stream", true, eventStreamType, eventStream(t, converseToolFrames()...), provider.Response{Text: "I'll look it up.", Model: novaModel,
			FinishReason: provider.FinishToolCalls, RawFinishReason: "tool_use", Usage: bench.Usage{Prompt: 420, Completion: 56, Total: 476},
			ToolCalls: []bench.ToolCall{{ID: topSongID, Name: "top_song", Arguments: `{"sign": "WZPZ"}`}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, tt.ct, tt.body)
			c := newClient(t, srv.URL, nil)
			msgs := []bench.Message{{Role: bench.RoleUser, Content: "What is the most popular song on WZPZ?"}}
			resp, _ := providertest.GenerateChunks(t, c, provider.Request{Messages: msgs, Stream: tt.stream,
				Tools: []bench.Tool{topSong}, ToolChoice: &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "top_song"}})
			if diff := cmp.Diff(tt.want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			// The user guide's request: its message, its tool definition
			// and its forced choice of top_song.
			wantBody := `{"messages":[{"role":"user","content":[{"text":"What is the most popular song on WZPZ?"}]}],
				"toolConfig":{"tools":[{"toolSpec":{"name":"top_song","description":"Get the most popular song played on a radio station.",
				"inputSchema":{"json":{"type":"object","properties":{"sign":{"type":"string","description":"The call sign for the radio station for which you want the most popular song. Example calls signs are WZPZ and WKRP."}},"required":["sign"]}}}}],
				"toolChoice":{"tool":{"name":"top_song"}}}}`
			if diff := cmp.Diff(jsonOf(t, wantBody), jsonOf(t, string(srv.Last(t).Body))); diff != "" {
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

func TestConverseToolChoice(t *testing.T) {
	t.Parallel()
	tools := []bench.Tool{topSong, {Name: "now"}}
	tests := []struct {
		name   string
		choice *bench.ToolChoice
		want   string // toolConfig; "" means none sent
	}{
		{"default", nil, `{"tools":[TOOLS]}`},
		{"auto", &bench.ToolChoice{Mode: bench.ToolChoiceAuto}, `{"tools":[TOOLS],"toolChoice":{"auto":{}}}`},
		{"required", &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, `{"tools":[TOOLS],"toolChoice":{"any":{}}}`},
		{"named", &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "now"}, `{"tools":[TOOLS],"toolChoice":{"tool":{"name":"now"}}}`},
		{"none: no tools sent", &bench.ToolChoice{Mode: bench.ToolChoiceNone}, ""},
	}
	specs := `{"toolSpec":{"name":"top_song","description":"Get the most popular song played on a radio station.","inputSchema":{"json":` +
		`{"type":"object","required":["sign"],"properties":{"sign":{"type":"string","description":"The call sign for the radio station for which you want the most popular song. Example calls signs are WZPZ and WKRP."}}}}}},` +
		`{"toolSpec":{"name":"now","inputSchema":{"json":{"type":"object"}}}}`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, "http://unused.invalid", nil)
			data, err := c.converseBody(provider.Request{Messages: hello, Tools: tools, ToolChoice: tt.choice})
			if err != nil {
				t.Fatalf("converseBody: %v", err)
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(data, &body); err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if tc, ok := body["toolConfig"]; ok {
					t.Errorf("toolConfig sent: %s", tc)
				}
				return
			}
			if diff := cmp.Diff(jsonOf(t, strings.Replace(tt.want, "TOOLS", specs, 1)), jsonOf(t, string(body["toolConfig"]))); diff != "" {
				t.Errorf("toolConfig (-want +got):\n%s", diff)
			}
		})
	}
	c := newClient(t, "http://unused.invalid", nil)
	if _, err := c.converseBody(provider.Request{Messages: hello, Tools: tools, ToolChoice: &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "nope"}}); err == nil {
		t.Error("a choice of a tool not in the list was accepted")
	}
}
