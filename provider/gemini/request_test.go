package gemini

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func ptr[T any](v T) *T { return &v }

func TestRequestBody(t *testing.T) {
	t.Parallel()
	sampling := provider.Sampling{Temperature: ptr(0.2), TopP: ptr(0.9), MaxTokens: ptr(64), Stop: []string{"END"}, Seed: ptr(7), Logprobs: true}
	fullConfig := map[string]any{"temperature": 0.2, "topP": 0.9, "maxOutputTokens": float64(64), "stopSequences": []any{"END"}, "seed": float64(7), "responseLogprobs": true}
	system := map[string]any{"role": "user", "parts": []any{map[string]any{"text": "You are a helpful assistant"}}}
	user := func(text string) map[string]any {
		return map[string]any{"role": "user", "parts": []any{map[string]any{"text": text}}}
	}
	wav := []byte("RIFF\x24\x00\x00\x00WAVEfmt ")
	tests := []struct {
		name     string
		options  map[string]any
		msgs     []bench.Message
		sampling provider.Sampling
		extra    map[string]any
		want     map[string]any
	}{
		{"no sampling: no generationConfig", nil, hello, provider.Sampling{}, nil, map[string]any{
			"contents": []any{user("Say hi in Portuguese")}, "systemInstruction": system}},
		{"sampling fields", nil, hello, sampling, nil, map[string]any{
			"contents": []any{user("Say hi in Portuguese")}, "systemInstruction": system, "generationConfig": fullConfig}},
		{"conversation: assistant is model, systems joined", nil, []bench.Message{
			{Role: bench.RoleSystem, Content: "Be brief."},
			{Role: bench.RoleUser, Content: "Hi"},
			{Role: bench.RoleAssistant, Content: "Olá!"},
			{Role: bench.RoleSystem, Content: "Answer in French."},
			{Role: bench.RoleUser, Content: ""},
		}, provider.Sampling{}, nil, map[string]any{
			"systemInstruction": map[string]any{"role": "user", "parts": []any{map[string]any{"text": "Be brief."}, map[string]any{"text": "Answer in French."}}},
			"contents":          []any{user("Hi"), map[string]any{"role": "model", "parts": []any{map[string]any{"text": "Olá!"}}}, user("")}}},
		{"audio and image inline, text first", nil, []bench.Message{{Role: bench.RoleUser, Content: "Transcribe", Parts: []bench.Part{
			{Type: bench.PartAudio, MediaType: "audio/x-wav", Data: wav},
			{Type: bench.PartImage, MediaType: "image/jpg", Data: []byte{0xff, 0xd8, 0xff}},
			{Type: bench.PartAudio, MediaType: "audio/mpeg", Data: []byte("ID3")},
		}}}, provider.Sampling{}, nil, map[string]any{"contents": []any{map[string]any{"role": "user", "parts": []any{
			map[string]any{"text": "Transcribe"},
			map[string]any{"inlineData": map[string]any{"mimeType": "audio/wav", "data": base64.StdEncoding.EncodeToString(wav)}},
			map[string]any{"inlineData": map[string]any{"mimeType": "image/jpeg", "data": "/9j/"}},
			map[string]any{"inlineData": map[string]any{"mimeType": "audio/mp3", "data": "SUQz"}},
		}}}}},
		{"image only: no empty text part", nil, []bench.Message{{Role: bench.RoleUser, Parts: []bench.Part{
			{Type: bench.PartImage, MediaType: "image/webp", Data: []byte("RIFF")},
		}}}, provider.Sampling{}, nil, map[string]any{"contents": []any{map[string]any{"role": "user", "parts": []any{
			map[string]any{"inlineData": map[string]any{"mimeType": "image/webp", "data": "UklGRg=="}},
		}}}}},
		{"thinking budget option", map[string]any{"thinking_budget": int64(0)}, hello[1:], provider.Sampling{MaxTokens: ptr(10)}, nil, map[string]any{
			"contents":         []any{user("Say hi in Portuguese")},
			"generationConfig": map[string]any{"maxOutputTokens": float64(10), "thinkingConfig": map[string]any{"thinkingBudget": float64(0)}}}},
		{"extra merged into nested objects and wins", map[string]any{"thinking_budget": 128}, hello[1:], sampling, map[string]any{
			"generationConfig": map[string]any{"topK": 40, "seed": 9, "thinkingConfig": map[string]any{"includeThoughts": false}},
			"safetySettings":   []map[string]string{{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}},
		}, map[string]any{
			"contents": []any{user("Say hi in Portuguese")},
			"generationConfig": map[string]any{"temperature": 0.2, "topP": 0.9, "maxOutputTokens": float64(64), "stopSequences": []any{"END"},
				"seed": float64(9), "responseLogprobs": true, "topK": float64(40),
				"thinkingConfig": map[string]any{"thinkingBudget": float64(128), "includeThoughts": false}},
			"safetySettings": []any{map[string]any{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}}}},
		{"top logprobs imply logprobs", nil, hello[1:], provider.Sampling{TopLogprobs: 5}, nil, map[string]any{
			"contents":         []any{user("Say hi in Portuguese")},
			"generationConfig": map[string]any{"responseLogprobs": true, "logprobs": float64(5)}}},
		{"top logprobs capped at 20", nil, hello[1:], provider.Sampling{Logprobs: true, TopLogprobs: 25}, nil, map[string]any{
			"contents":         []any{user("Say hi in Portuguese")},
			"generationConfig": map[string]any{"responseLogprobs": true, "logprobs": float64(20)}}},
		{"extra replaces a non-object", nil, hello[1:], provider.Sampling{}, map[string]any{"contents": []any{}}, map[string]any{
			"contents": []any{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(provider.Config{Model: "gemini-2.5-flash", Options: tt.options})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			data, err := c.body(provider.Request{Messages: tt.msgs, Sampling: tt.sampling, Extra: tt.extra})
			if err != nil {
				t.Fatalf("body: %v", err)
			}
			var got map[string]any
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequestBodyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		req    provider.Request
		wantIn string
	}{
		{"six stop sequences", provider.Request{Messages: hello, Sampling: provider.Sampling{Stop: []string{"a", "b", "c", "d", "e", "f"}}}, "at most 5 stop sequences"},
		{"tool role", provider.Request{Messages: []bench.Message{{Role: "tool", Content: "42"}}}, `role "tool"`},
		{"gif", provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Parts: []bench.Part{{Type: bench.PartImage, MediaType: "image/gif", Data: []byte("GIF89a")}}}}}, "does not accept image image/gif"},
		{"remote image", provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Parts: []bench.Part{{Type: bench.PartImage, MediaType: "image/png", URL: "https://example.com/a.png"}}}}}, "by URL"},
		{"extra that is not JSON", provider.Request{Messages: hello, Extra: map[string]any{"bad": func() {}}}, `extra field "bad"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{{Body: "{}"}})
			providertest.CheckRejected(t, newClient(t, srv.URL), tt.req, tt.wantIn, srv)
		})
	}
}

func TestCheckInput(t *testing.T) {
	t.Parallel()
	data := []byte{1, 2, 3}
	tests := []struct {
		part bench.Part
		ok   bool
	}{
		{bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: data}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/jpeg", Data: data}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/jpg", Data: data}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/webp", Data: data}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/heic", Data: data}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/heif", Data: data}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/gif", Data: data}, false},
		{bench.Part{Type: bench.PartImage, MediaType: "image/bmp", Data: data}, false},
		{bench.Part{Type: bench.PartImage, MediaType: "image/png", URL: "https://example.com/wish.png"}, false},
		{bench.Part{Type: bench.PartImage, MediaType: "image/png"}, false},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/wav", Data: data}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/x-wav", Data: data}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/mpeg", Data: data}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/mp3", Data: data}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/aiff", Data: data}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/aac", Data: data}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/ogg", Data: data}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/flac", Data: data}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/x-flac", Data: data}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/mp4", Data: data}, false},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/wav", URL: "https://example.com/a.wav"}, false},
		{bench.Part{Type: bench.PartAudio, MediaType: "image/png", Data: data}, false},
		{bench.Part{Type: "video", MediaType: "video/mp4", Data: data}, false},
	}
	c := newClient(t, "http://unused.invalid")
	for _, tt := range tests {
		name := tt.part.Type + " " + tt.part.MediaType
		if tt.part.URL != "" {
			name += " by URL"
		}
		err := c.CheckInput(tt.part)
		if (err == nil) != tt.ok {
			t.Errorf("CheckInput(%s) = %v, want ok=%v", name, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "gemini") && !errors.Is(err, errNoData) {
			t.Errorf("CheckInput(%s) error %q does not name the vendor", name, err)
		}
	}
	if err := provider.CheckInputs(c, providertest.WishMessages(t)); err != nil {
		t.Errorf("CheckInputs(wish.png) = %v, want nil", err)
	}
}
