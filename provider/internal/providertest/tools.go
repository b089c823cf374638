package providertest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// openAIToolRequest is the part of a recorded OpenAI-wire request that a
// tool replay sends again.
type openAIToolRequest struct {
	Model    string          `json:"model"`
	Messages []bench.Message `json:"messages"`
	Tools    []struct {
		Function struct {
			Name        string         `json:"name"`
			Description string         `json:"description"`
			Parameters  map[string]any `json:"parameters"`
		} `json:"function"`
	} `json:"tools"`
	ToolChoice string `json:"tool_choice"`
}

// ReplayOpenAITools replays the first exchange of a recorded tool call on
// the OpenAI wire (file, streamed when its name says so) through the
// provider newP builds for the fake's base URL and the recorded model. It
// checks that the request sent carries the recorded messages, tools and
// tool_choice (as JSON, "strict": false being the default), and that the
// answer holds wantText and exactly wantCalls, with finish reason
// tool_calls.
func ReplayOpenAITools(t *testing.T, file, wantText string, wantCalls []bench.ToolCall, newP func(t testing.TB, baseURL, model string) provider.Provider) {
	t.Helper()
	cas := replay.Load(t, file)
	var rec openAIToolRequest
	if err := json.Unmarshal([]byte(cas.Interactions[0].Request.Body), &rec); err != nil {
		t.Fatalf("recorded request body: %v", err)
	}
	req := provider.Request{Messages: rec.Messages, Stream: strings.Contains(file, "streaming")}
	for _, rt := range rec.Tools {
		f := rt.Function
		req.Tools = append(req.Tools, bench.Tool{Name: f.Name, Description: f.Description, Parameters: f.Parameters})
	}
	if rec.ToolChoice != "" {
		req.ToolChoice = &bench.ToolChoice{Mode: rec.ToolChoice}
	}
	srv := replay.ServeCassette(t, cas)
	p := newP(t, srv.URL, rec.Model)
	if err := provider.CheckTools(p, req.Tools, req.ToolChoice); err != nil {
		t.Fatalf("CheckTools: %v", err)
	}
	resp, chunks := GenerateChunks(t, p, req)
	if diff := cmp.Diff(wantCalls, resp.ToolCalls); diff != "" {
		t.Errorf("tool calls (-want +got):\n%s", diff)
	}
	if resp.Text != wantText || strings.Join(chunks, "") != wantText {
		t.Errorf("text %q, emitted %q; want %q", resp.Text, chunks, wantText)
	}
	if resp.FinishReason != provider.FinishToolCalls || resp.RawFinishReason != "tool_calls" {
		t.Errorf("finish reason %q (%q), want tool_calls", resp.FinishReason, resp.RawFinishReason)
	}
	CheckToolRequest(t, cas.Interactions[0].Request.Body, srv.Last(t).Body)
}

// CheckToolRequest compares the messages, tools and tool_choice of a sent
// request body with a recorded one, as JSON values. A recorded tool's
// "strict": false is OpenAI's default and may be left out.
func CheckToolRequest(t testing.TB, recorded string, sent []byte) {
	t.Helper()
	pick := func(data []byte) map[string]any {
		var body map[string]any
		if err := json.Unmarshal(data, &body); err != nil {
			t.Fatalf("request body is not JSON: %v", err)
		}
		out := map[string]any{}
		for _, k := range []string{"messages", "tools", "tool_choice"} {
			if v, ok := body[k]; ok {
				out[k] = v
			}
		}
		tools, _ := out["tools"].([]any)
		for _, tl := range tools {
			if fn, ok := tl.(map[string]any)["function"].(map[string]any); ok && fn["strict"] == false {
				delete(fn, "strict")
			}
		}
		return out
	}
	if diff := cmp.Diff(pick([]byte(recorded)), pick(sent)); diff != "" {
		t.Errorf("request messages and tools (-recorded +sent):\n%s", diff)
	}
}
