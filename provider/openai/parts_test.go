package openai

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

var (
	pngBytes = []byte("\x89PNG\r\n\x1a\nfake")
	wavBytes = []byte("RIFF....WAVEfmt ")
)

func TestMultimodalBody(t *testing.T) {
	t.Parallel()
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	tests := []struct {
		name  string
		parts []bench.Part
		text  string
		want  any
	}{
		{"inline image", []bench.Part{{Type: bench.PartImage, MediaType: "image/png", Data: pngBytes}}, "What is this?", []any{
			map[string]any{"type": "text", "text": "What is this?"},
			map[string]any{"type": "image_url", "image_url": map[string]any{"url": "data:image/png;base64," + b64(pngBytes)}},
		}},
		{"image by URL", []bench.Part{{Type: bench.PartImage, MediaType: "image/jpeg", URL: "https://example.com/cat.jpg"}}, "Describe", []any{
			map[string]any{"type": "text", "text": "Describe"},
			map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/cat.jpg"}},
		}},
		{"wav and mp3 audio, no text", []bench.Part{
			{Type: bench.PartAudio, MediaType: "audio/wav", Data: wavBytes},
			{Type: bench.PartAudio, MediaType: "audio/mpeg", Data: []byte("ID3")},
		}, "", []any{
			map[string]any{"type": "input_audio", "input_audio": map[string]any{"data": b64(wavBytes), "format": "wav"}},
			map[string]any{"type": "input_audio", "input_audio": map[string]any{"data": b64([]byte("ID3")), "format": "mp3"}},
		}},
		{"text only stays a string", nil, "plain", "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(provider.Config{Model: "gpt-4o"})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			data, err := c.body(provider.Request{Messages: []bench.Message{{Role: "user", Content: tt.text, Parts: tt.parts}}}, "gpt-4o")
			if err != nil {
				t.Fatalf("body: %v", err)
			}
			var got struct {
				Messages []map[string]any `json:"messages"`
			}
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			want := []map[string]any{{"role": "user", "content": tt.want}}
			if diff := cmp.Diff(want, got.Messages); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckInput(t *testing.T) {
	t.Parallel()
	c, err := New(provider.Config{Model: "gpt-4o"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	tests := []struct {
		name string
		part bench.Part
		ok   bool
	}{
		{"png", bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: pngBytes}, true},
		{"jpeg", bench.Part{Type: bench.PartImage, MediaType: "image/jpeg", Data: pngBytes}, true},
		{"jpg alias", bench.Part{Type: bench.PartImage, MediaType: "image/jpg", Data: pngBytes}, true},
		{"gif", bench.Part{Type: bench.PartImage, MediaType: "image/gif", Data: pngBytes}, true},
		{"webp by URL", bench.Part{Type: bench.PartImage, MediaType: "image/webp", URL: "https://example.com/a.webp"}, true},
		{"tiff", bench.Part{Type: bench.PartImage, MediaType: "image/tiff", Data: pngBytes}, false},
		{"wav", bench.Part{Type: bench.PartAudio, MediaType: "audio/wav", Data: wavBytes}, true},
		{"x-wav alias", bench.Part{Type: bench.PartAudio, MediaType: "audio/x-wav", Data: wavBytes}, true},
		{"mp3", bench.Part{Type: bench.PartAudio, MediaType: "audio/mpeg", Data: wavBytes}, true},
		{"flac", bench.Part{Type: bench.PartAudio, MediaType: "audio/flac", Data: wavBytes}, false},
		{"audio by URL", bench.Part{Type: bench.PartAudio, MediaType: "audio/wav", URL: "https://example.com/a.wav"}, false},
		{"video", bench.Part{Type: "video", MediaType: "video/mp4", Data: wavBytes}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := c.CheckInput(tt.part)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckInput = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "openai does not accept") {
				t.Errorf("error %q does not say what openai cannot take", err)
			}
		})
	}
}

// TestUnsupportedPartFailsBeforeCall: an input the dialect cannot take is
// refused as bad_request, without a call, even if CheckInputs was skipped.
func TestUnsupportedPartFailsBeforeCall(t *testing.T) {
	t.Parallel()
	srv := fixed(t, 200, nil, `{"choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}]}`)
	c, err := NewCompatible(provider.Config{Model: "m", BaseURL: srv.URL}, Dialect{Vendor: "textonly"})
	if err != nil {
		t.Fatalf("NewCompatible: %v", err)
	}
	msgs := []bench.Message{{Role: "user", Content: "hi", Parts: []bench.Part{{Type: bench.PartImage, MediaType: "image/png", Data: pngBytes}}}}
	if err := provider.CheckInputs(c, msgs); err == nil || !strings.Contains(err.Error(), "textonly does not accept image") {
		t.Errorf("CheckInputs = %v, want a refusal naming textonly", err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: msgs}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest {
		t.Fatalf("Generate error = %v, want bad_request", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}
