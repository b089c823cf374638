package providertest

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// CheckToolCalls compares the calls a provider decoded with the expected
// ones: same count, order, ids and names, and arguments that are equal as
// JSON (the vendor's spacing and key order aside).
func CheckToolCalls(t testing.TB, got, want []bench.ToolCall) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d tool calls %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Name != w.Name {
			t.Errorf("call %d = %s %q, want %s %q", i, g.ID, g.Name, w.ID, w.Name)
		}
		if diff := cmp.Diff(JSONValue(t, w.Arguments), JSONValue(t, g.Arguments)); diff != "" {
			t.Errorf("call %d (%s) arguments %s (-want +got):\n%s", i, w.Name, g.Arguments, diff)
		}
	}
}

// JSONValue decodes text, failing t when it is not JSON.
func JSONValue(t testing.TB, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("not JSON: %v: %q", err, text)
	}
	return v
}

// AnthropicToolRequest builds, from a recorded Messages request body (sent
// to Anthropic, or to Bedrock's InvokeModel), the provider.Request that
// should produce it: its system and user text, max_tokens, tools (name,
// description, input_schema as the parameters) and tool_choice. It reads
// the recording generically, not with the client's own types.
func AnthropicToolRequest(t testing.TB, body string) provider.Request {
	t.Helper()
	var rec struct {
		MaxTokens int `json:"max_tokens"`
		System    []struct {
			Text string `json:"text"`
		} `json:"system"`
		Messages []struct {
			Role    string `json:"role"`
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"content"`
		} `json:"messages"`
		Tools []struct {
			Name        string         `json:"name"`
			Description string         `json:"description"`
			InputSchema map[string]any `json:"input_schema"`
		} `json:"tools"`
		ToolChoice *struct {
			Type string `json:"type"`
			Name string `json:"name"`
		} `json:"tool_choice"`
	}
	if err := json.Unmarshal([]byte(body), &rec); err != nil {
		t.Fatalf("recorded request: %v", err)
	}
	req := provider.Request{Sampling: provider.Sampling{MaxTokens: &rec.MaxTokens}}
	for _, s := range rec.System {
		req.Messages = append(req.Messages, bench.Message{Role: bench.RoleSystem, Content: s.Text})
	}
	for _, m := range rec.Messages {
		for _, c := range m.Content {
			if c.Type != "text" {
				t.Fatalf("recorded message carries a %s block; only text is rebuilt", c.Type)
			}
			req.Messages = append(req.Messages, bench.Message{Role: m.Role, Content: c.Text})
		}
	}
	for _, tl := range rec.Tools {
		req.Tools = append(req.Tools, bench.Tool{Name: tl.Name, Description: tl.Description, Parameters: tl.InputSchema})
	}
	if tc := rec.ToolChoice; tc != nil {
		modes := map[string]string{"auto": bench.ToolChoiceAuto, "any": bench.ToolChoiceRequired, "tool": bench.ToolChoiceTool, "none": bench.ToolChoiceNone}
		req.ToolChoice = &bench.ToolChoice{Mode: modes[tc.Type], Name: tc.Name}
	}
	return req
}

// CheckCalls checks what must hold of any answer's tool calls: none is an
// empty list rather than nil, and, when whole is set (a vendor that sends
// each call's arguments as one JSON value, not in fragments), every call's
// arguments are valid JSON.
func CheckCalls(t testing.TB, resp provider.Response, whole bool) {
	t.Helper()
	if resp.ToolCalls != nil && len(resp.ToolCalls) == 0 {
		t.Fatal("an empty, non-nil list of tool calls")
	}
	for i, c := range resp.ToolCalls {
		if whole && !json.Valid([]byte(c.Arguments)) {
			t.Fatalf("call %d (%s): arguments %q are not JSON", i, c.Name, c.Arguments)
		}
	}
}
