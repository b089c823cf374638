package anthropic

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func ptr[T any](v T) *T { return &v }

// recordedPrompt is the prompt of the simple* recordings.
var recordedPrompt = []bench.Message{
	{Role: bench.RoleSystem, Content: "You are a helpful assistant"},
	{Role: bench.RoleUser, Content: "Say hi in Portuguese"},
}

// asJSON decodes a JSON document for comparison.
func asJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	return v
}

// TestBodyMatchesRecordings builds the bodies of the recorded Anthropic and
// Bedrock InvokeModel calls and compares them with what was sent.
func TestBodyMatchesRecordings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file           string
		model, version string
		stream         bool
	}{
		{"TestAnthropicCommon/claude-sonnet-4/simple.yaml", "claude-sonnet-4-20250514", "", false},
		{"TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml", "claude-sonnet-4-20250514", "", true},
		{"TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple.yaml", "", "bedrock-2023-05-31", false},
		{"TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple_streaming.yaml", "", "bedrock-2023-05-31", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			want := replay.Load(t, tt.file).Interactions[0].Request.Body
			got, err := Body(provider.Request{Messages: recordedPrompt, Sampling: provider.Sampling{MaxTokens: ptr(4000)}}, tt.model, tt.version, tt.stream)
			if err != nil {
				t.Fatalf("Body: %v", err)
			}
			if diff := cmp.Diff(asJSON(t, []byte(want)), asJSON(t, got)); diff != "" {
				t.Errorf("body (-recorded +built):\n%s", diff)
			}
		})
	}
}

func TestBody(t *testing.T) {
	t.Parallel()
	png := bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: []byte("\x89PNG"), Name: "a.png"}
	tests := []struct {
		name string
		req  provider.Request
		want string
	}{
		{"default max_tokens", provider.Request{Messages: []bench.Message{{Role: "user", Content: "hi"}}},
			`{"model":"m","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`},
		{"sampling passed as asked", provider.Request{
			Messages: []bench.Message{{Role: "user", Content: "hi"}},
			Sampling: provider.Sampling{Temperature: ptr(1.5), TopP: ptr(0.9), MaxTokens: ptr(10), Stop: []string{"END", "\n\n"}},
		}, `{"model":"m","max_tokens":10,"temperature":1.5,"top_p":0.9,"stop_sequences":["END","\n\n"],"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`},
		{"systems to top level, same roles merged, empty text left out", provider.Request{Messages: []bench.Message{
			{Role: "system", Content: "Be brief."},
			{Role: "user", Content: "one"},
			{Role: "system", Content: "Answer in French."},
			{Role: "user", Content: "two"},
			{Role: "assistant", Content: ""},
			{Role: "user", Content: "three"},
			{Role: "assistant", Content: "Bonjour"},
			{Role: "assistant", Content: " et"},
		}}, `{"model":"m","max_tokens":4096,
			"system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Answer in French."}],
			"messages":[
				{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"},{"type":"text","text":"three"}]},
				{"role":"assistant","content":[{"type":"text","text":"Bonjour"},{"type":"text","text":" et"}]}]}`},
		{"images inline and by url", provider.Request{Messages: []bench.Message{{Role: "user", Content: "compare", Parts: []bench.Part{
			png,
			{Type: bench.PartImage, MediaType: "image/jpg", Data: []byte{0xff, 0xd8}},
			{Type: bench.PartImage, URL: "https://example.com/cat.webp"},
		}}}}, `{"model":"m","max_tokens":4096,"messages":[{"role":"user","content":[
			{"type":"text","text":"compare"},
			{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw=="}},
			{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9g="}},
			{"type":"image","source":{"type":"url","url":"https://example.com/cat.webp"}}]}]}`},
		{"image without text", provider.Request{Messages: []bench.Message{{Role: "user", Parts: []bench.Part{png}}}},
			`{"model":"m","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw=="}}]}]}`},
		{"extra merged last", provider.Request{
			Messages: []bench.Message{{Role: "user", Content: "hi"}}, Stream: true,
			Extra: map[string]any{"top_k": 5, "max_tokens": 99, "thinking": map[string]any{"type": "enabled", "budget_tokens": 1024}},
		}, `{"model":"m","max_tokens":99,"top_k":5,"thinking":{"type":"enabled","budget_tokens":1024},"stream":true,
			"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Body(tt.req, "m", "", tt.req.Stream)
			if err != nil {
				t.Fatalf("Body: %v", err)
			}
			if diff := cmp.Diff(asJSON(t, []byte(tt.want)), asJSON(t, got)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBodyErrors(t *testing.T) {
	t.Parallel()
	user := []bench.Message{{Role: "user", Content: "hi"}}
	tests := []struct {
		name        string
		req         provider.Request
		wantIn      string
		unsupported bool
	}{
		{"seed", provider.Request{Messages: user, Sampling: provider.Sampling{Seed: ptr(7)}}, "takes no seed", true},
		{"logprobs", provider.Request{Messages: user, Sampling: provider.Sampling{Logprobs: true}}, "returns no logprobs", true},
		{"zero max_tokens", provider.Request{Messages: user, Sampling: provider.Sampling{MaxTokens: ptr(0)}}, "at least 1", false},
		{"unknown role", provider.Request{Messages: []bench.Message{{Role: "tool", Content: "x"}}}, `role "tool"`, false},
		{"only a system message", provider.Request{Messages: []bench.Message{{Role: "system", Content: "x"}}}, "no user or assistant message", false},
		{"no messages", provider.Request{}, "no user or assistant message", false},
		{"image on a system message", provider.Request{Messages: []bench.Message{{Role: "system", Content: "x", Parts: []bench.Part{{Type: "image", MediaType: "image/png"}}}}}, "message 1: a system message cannot carry", false},
		{"audio", provider.Request{Messages: []bench.Message{{Role: "user", Content: "x", Parts: []bench.Part{{Type: "audio", MediaType: "audio/wav"}}}}}, "anthropic does not accept audio audio/wav input", false},
		{"bmp image", provider.Request{Messages: []bench.Message{{Role: "user", Content: "x", Parts: []bench.Part{{Type: "image", MediaType: "image/bmp"}}}}}, "does not accept image image/bmp input", false},
		{"ftp image", provider.Request{Messages: []bench.Message{{Role: "user", Content: "x", Parts: []bench.Part{{Type: "image", URL: "ftp://x/y.png"}}}}}, "by URL", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Body(tt.req, "m", "", false)
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("Body error = %v, want one mentioning %q", err, tt.wantIn)
			}
			if got := errors.Is(err, ErrUnsupportedSampling); got != tt.unsupported {
				t.Errorf("errors.Is(ErrUnsupportedSampling) = %v, want %v", got, tt.unsupported)
			}
		})
	}
}

func TestCheckInput(t *testing.T) {
	t.Parallel()
	c, err := New(provider.Config{Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		part bench.Part
		ok   bool
	}{
		{bench.Part{Type: "image", MediaType: "image/png"}, true},
		{bench.Part{Type: "image", MediaType: "image/jpeg"}, true},
		{bench.Part{Type: "image", MediaType: "image/jpg"}, true},
		{bench.Part{Type: "image", MediaType: "image/gif"}, true},
		{bench.Part{Type: "image", MediaType: "image/webp"}, true},
		{bench.Part{Type: "image", URL: "https://example.com/a.png"}, true},
		{bench.Part{Type: "image", MediaType: "image/tiff"}, false},
		{bench.Part{Type: "image", MediaType: "image/svg+xml"}, false},
		{bench.Part{Type: "image", URL: "file:///etc/passwd"}, false},
		{bench.Part{Type: "audio", MediaType: "audio/wav"}, false},
		{bench.Part{Type: "audio", MediaType: "audio/mpeg", URL: "https://example.com/a.mp3"}, false},
		{bench.Part{Type: "video", MediaType: "video/mp4"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.part.Type+" "+tt.part.MediaType+tt.part.URL, func(t *testing.T) {
			t.Parallel()
			if err := c.CheckInput(tt.part); (err == nil) != tt.ok {
				t.Errorf("CheckInput = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
