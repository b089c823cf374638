package gemini

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// TestGenerateToolReplay replays the recorded function-calling exchanges
// (first turn), streamed and not: the body sent, built from a
// provider.Request made of the recording's prompt, tools (their JSON Schema
// with lower-case type names) and tool choice, is the recorded body, and
// the calls decoded are the recorded ones. Gemini gives no call ids.
func TestGenerateToolReplay(t *testing.T) {
	t.Parallel()
	weather := []bench.ToolCall{{Name: "weather", Arguments: `{"location":"Florence,Italy"}`}}
	tests := []struct {
		file  string
		calls []bench.ToolCall
		usage bench.Usage
	}{
		{"TestGoogleCommon/gemini-2.5-flash/tool.yaml", weather,
			bench.Usage{Prompt: 54, Completion: 15 + 48, Reasoning: 48, Total: 117}},
		{"TestGoogleCommon/gemini-2.5-flash/tool_streaming.yaml", weather,
			bench.Usage{Prompt: 54, Completion: 15 + 43, Reasoning: 43, Total: 112}},
		{"TestGoogleCommon/gemini-2.5-flash/multi_tool.yaml",
			[]bench.ToolCall{{Name: "add", Arguments: `{"a":2,"b":3}`}, {Name: "multiply", Arguments: `{"a":2,"b":3}`}},
			bench.Usage{Prompt: 125, Completion: 36 + 73, Reasoning: 73, Total: 234}},
		{"TestGoogleCommon/gemini-2.5-flash/multi_tool_streaming.yaml",
			[]bench.ToolCall{{Name: "add", Arguments: `{"b":3,"a":2}`}, {Name: "multiply", Arguments: `{"a":2,"b":3}`}},
			bench.Usage{Prompt: 121, Completion: 36 + 38, Reasoning: 38, Total: 195}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, tt.file)
			rec := cas.Interactions[0]
			stream := strings.Contains(rec.Request.URL, ":streamGenerateContent")
			srv := replay.ServeCassette(t, cas)
			c, err := New(provider.Config{Vendor: Vendor, Model: "gemini-2.5-flash", BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			req := recordedToolRequest(t, rec.Request.Body)
			req.Stream = stream
			var chunks []string
			resp, err := c.Generate(t.Context(), req, func(ch provider.Chunk) error { chunks = append(chunks, ch.Text); return nil })
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			want := provider.Response{Model: "gemini-2.5-flash", FinishReason: provider.FinishToolCalls, RawFinishReason: "STOP",
				Usage: tt.usage, ToolCalls: tt.calls}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if strings.Join(chunks, "") != "" {
				t.Errorf("emitted %q for an answer without text", chunks)
			}
			checkRequest(t, srv.Last(t), rec.Request, "gemini-2.5-flash", stream)
		})
	}
}

// recordedToolRequest builds the provider.Request of a recorded
// generateContent body, read generically: system and user text,
// maxOutputTokens, the function declarations (Gemini's upper-case type
// names back to JSON Schema's) and functionCallingConfig's mode.
func recordedToolRequest(t *testing.T, body string) provider.Request {
	t.Helper()
	type parts struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	}
	var rec struct {
		Contents          []parts `json:"contents"`
		SystemInstruction parts   `json:"systemInstruction"`
		GenerationConfig  struct {
			MaxOutputTokens int `json:"maxOutputTokens"`
		} `json:"generationConfig"`
		Tools []struct {
			FunctionDeclarations []struct {
				Name        string         `json:"name"`
				Description string         `json:"description"`
				Parameters  map[string]any `json:"parameters"`
			} `json:"functionDeclarations"`
		} `json:"tools"`
		ToolConfig struct {
			FunctionCallingConfig struct {
				Mode string `json:"mode"`
			} `json:"functionCallingConfig"`
		} `json:"toolConfig"`
	}
	if err := json.Unmarshal([]byte(body), &rec); err != nil {
		t.Fatalf("recorded request: %v", err)
	}
	req := provider.Request{Sampling: provider.Sampling{MaxTokens: &rec.GenerationConfig.MaxOutputTokens}}
	for _, p := range rec.SystemInstruction.Parts {
		req.Messages = append(req.Messages, bench.Message{Role: bench.RoleSystem, Content: p.Text})
	}
	for _, c := range rec.Contents {
		for _, p := range c.Parts {
			req.Messages = append(req.Messages, bench.Message{Role: bench.RoleUser, Content: p.Text})
		}
	}
	for _, tl := range rec.Tools {
		for _, d := range tl.FunctionDeclarations {
			req.Tools = append(req.Tools, bench.Tool{Name: d.Name, Description: d.Description, Parameters: lowerTypes(d.Parameters).(map[string]any)})
		}
	}
	modes := map[string]string{"AUTO": bench.ToolChoiceAuto, "ANY": bench.ToolChoiceRequired, "NONE": bench.ToolChoiceNone}
	req.ToolChoice = &bench.ToolChoice{Mode: modes[rec.ToolConfig.FunctionCallingConfig.Mode]}
	return req
}

// lowerTypes returns v with every "type" value in lower case.
func lowerTypes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if s, ok := e.(string); ok && k == "type" {
				out[k] = strings.ToLower(s)
				continue
			}
			out[k] = lowerTypes(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = lowerTypes(e)
		}
		return out
	}
	return v
}

func TestEncodeTools(t *testing.T) {
	t.Parallel()
	simple := map[string]any{"type": "object", "required": []any{"q"}, "properties": map[string]any{
		"q":    map[string]any{"type": "string", "description": "query", "enum": []any{"a", "b"}},
		"at":   map[string]any{"type": "string", "format": "date-time"},
		"tags": map[string]any{"type": "array", "items": map[string]any{"type": []any{"string", "null"}}},
		"n":    map[string]any{"anyOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "number", "minimum": 0}}},
	}}
	openAPI := `{"type":"OBJECT","required":["q"],"properties":{"q":{"type":"STRING","description":"query","enum":["a","b"]},"at":{"type":"STRING","format":"date-time"},` +
		`"tags":{"type":"ARRAY","items":{"type":"STRING","nullable":true}},"n":{"anyOf":[{"type":"INTEGER"},{"type":"NUMBER","minimum":0}]}}}`
	strict := map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{"q": map[string]any{"type": "string"}}}
	tools := []bench.Tool{{Name: "search", Description: "Search", Parameters: simple}, {Name: "strict", Parameters: strict}, {Name: "now"}}
	wantTools := `[{"functionDeclarations":[{"name":"search","description":"Search","parameters":` + openAPI + `},` +
		`{"name":"strict","parametersJsonSchema":{"type":"object","additionalProperties":false,"properties":{"q":{"type":"string"}}}},{"name":"now"}]}]`
	tests := []struct {
		name   string
		choice *bench.ToolChoice
		want   string // toolConfig; "" means none sent
	}{
		{"default", nil, ""},
		{"auto", &bench.ToolChoice{Mode: bench.ToolChoiceAuto}, `{"functionCallingConfig":{"mode":"AUTO"}}`},
		{"none", &bench.ToolChoice{Mode: bench.ToolChoiceNone}, `{"functionCallingConfig":{"mode":"NONE"}}`},
		{"required", &bench.ToolChoice{Mode: bench.ToolChoiceRequired}, `{"functionCallingConfig":{"mode":"ANY"}}`},
		{"named", &bench.ToolChoice{Mode: bench.ToolChoiceTool, Name: "now"}, `{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["now"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(provider.Config{Vendor: Vendor, Model: "m", APIKey: testKey})
			if err != nil {
				t.Fatal(err)
			}
			data, err := c.body(provider.Request{Messages: hello, Tools: tools, ToolChoice: tt.choice})
			if err != nil {
				t.Fatalf("body: %v", err)
			}
			var got map[string]json.RawMessage
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(jsonAny(t, wantTools), jsonAny(t, string(got["tools"]))); diff != "" {
				t.Errorf("tools (-want +got):\n%s", diff)
			}
			if tt.want == "" {
				if tc, ok := got["toolConfig"]; ok {
					t.Errorf("toolConfig sent: %s", tc)
				}
				return
			}
			if diff := cmp.Diff(jsonAny(t, tt.want), jsonAny(t, string(got["toolConfig"]))); diff != "" {
				t.Errorf("toolConfig (-want +got):\n%s", diff)
			}
		})
	}
}

func jsonAny(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return v
}

func TestOpenAPISchemaRefuses(t *testing.T) {
	t.Parallel()
	for _, s := range []map[string]any{
		{"$ref": "#/$defs/x"},
		{"type": "object", "oneOf": []any{}},
		{"type": []any{"string", "integer"}},
		{"type": []any{"null"}},
		{"type": "date"},
		{"type": "object", "properties": map[string]any{"a": map[string]any{"const": 1}}},
		{"type": "array", "items": []any{map[string]any{"type": "string"}}},
		{"properties": "x"},
		{"type": "string", "format": "email"},
	} {
		if got, ok := openAPISchema(s); ok {
			t.Errorf("openAPISchema(%v) = %v, want it left to parametersJsonSchema", s, got)
		}
	}
}
