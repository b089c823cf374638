package cohere

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func ptr[T any](v T) *T { return &v }

// sentBody runs req against a fake and returns the JSON body it received.
func sentBody(t *testing.T, req provider.Request) map[string]any {
	t.Helper()
	srv := replay.Serve(t, []replay.Response{jsonResponse(chatBody)})
	if req.Messages == nil {
		req.Messages = hello
	}
	if _, err := newClient(t, srv.URL).Generate(t.Context(), req, discard); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	var body map[string]any
	if err := json.Unmarshal(srv.Last(t).Body, &body); err != nil {
		t.Fatalf("request body: %v", err)
	}
	return body
}

func TestRequestSampling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  provider.Request
		want map[string]any
	}{
		{"none", provider.Request{}, map[string]any{}},
		{"all", provider.Request{Sampling: provider.Sampling{
			Temperature: ptr(0.2), TopP: ptr(0.9), MaxTokens: ptr(100), Stop: []string{"\n\n", "END"}, Seed: ptr(42), Logprobs: true,
		}}, map[string]any{
			"temperature": 0.2, "p": 0.9, "max_tokens": 100.0, "stop_sequences": []any{"\n\n", "END"}, "seed": 42.0, "logprobs": true,
		}},
		{"zero temperature is sent", provider.Request{Sampling: provider.Sampling{Temperature: ptr(0.0)}}, map[string]any{"temperature": 0.0}},
		{"top logprobs ask for logprobs, the most Cohere offers", provider.Request{Sampling: provider.Sampling{TopLogprobs: 5}}, map[string]any{"logprobs": true}},
		{"extra merged and wins", provider.Request{
			Sampling: provider.Sampling{Temperature: ptr(0.2)},
			Extra:    map[string]any{"k": 40, "safety_mode": "OFF", "temperature": 0.5},
		}, map[string]any{"k": 40.0, "safety_mode": "OFF", "temperature": 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := sentBody(t, tt.req)
			delete(body, "model")
			delete(body, "messages")
			if diff := cmp.Diff(tt.want, body); diff != "" {
				t.Errorf("sampling fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequestRejectedBeforeCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		req    provider.Request
		wantIn string
	}{
		{"top_p 1", provider.Request{Sampling: provider.Sampling{TopP: ptr(1.0)}}, "outside Cohere's range for p"},
		{"top_p 0", provider.Request{Sampling: provider.Sampling{TopP: ptr(0.0)}}, "outside Cohere's range for p"},
		{"six stop sequences", provider.Request{Sampling: provider.Sampling{Stop: []string{"a", "b", "c", "d", "e", "f"}}}, "at most 5"},
		{"audio", provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: "Transcribe", Parts: []bench.Part{{Type: bench.PartAudio, MediaType: "audio/wav", Data: []byte("RIFF")}}}}}, "does not accept audio"},
		{"tiff image", provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: "Describe", Parts: []bench.Part{{Type: bench.PartImage, MediaType: "image/tiff", Data: []byte("II*")}}}}}, "image/tiff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{jsonResponse(chatBody)})
			req := tt.req
			if req.Messages == nil {
				req.Messages = hello
			}
			providertest.CheckRejected(t, newClient(t, srv.URL), req, tt.wantIn, srv)
		})
	}
}

func TestRequestImage(t *testing.T) {
	t.Parallel()
	image := providertest.WishImage(t)
	msgs := []bench.Message{{Role: bench.RoleUser, Content: "What is in this image?", Parts: []bench.Part{
		image,
		{Type: bench.PartImage, MediaType: "image/jpeg", URL: "https://example.com/cat.jpg"},
	}}}
	body := sentBody(t, provider.Request{Messages: msgs})
	want := []any{map[string]any{"role": "user", "content": []any{
		map[string]any{"type": "text", "text": "What is in this image?"},
		map[string]any{"type": "image_url", "image_url": map[string]any{"url": "data:image/png;base64," + base64.StdEncoding.EncodeToString(image.Data)}},
		map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/cat.jpg"}},
	}}}
	if diff := cmp.Diff(want, body["messages"]); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

func TestCheckInput(t *testing.T) {
	t.Parallel()
	c := newClient(t, "http://unused.invalid")
	tests := []struct {
		part bench.Part
		ok   bool
	}{
		{bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: []byte{1}}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/jpeg", URL: "https://example.com/a.jpg"}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/webp", Data: []byte{1}}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/gif", Data: []byte{1}}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/bmp", Data: []byte{1}}, false},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/wav", Data: []byte{1}}, false},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/mpeg", URL: "https://example.com/a.mp3"}, false},
	}
	for _, tt := range tests {
		err := c.CheckInput(tt.part)
		if (err == nil) != tt.ok {
			t.Errorf("CheckInput(%s %s url=%q) = %v, want ok=%v", tt.part.Type, tt.part.MediaType, tt.part.URL, err, tt.ok)
		}
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		options map[string]any
		wantErr string
	}{
		{"none", nil, ""},
		{"client_name", map[string]any{"client_name": "bench"}, ""},
		{"client_name not a string", map[string]any{"client_name": 3}, "want a string"},
		{"input_type", map[string]any{"input_type": "clustering"}, ""},
		{"input_type unknown", map[string]any{"input_type": "image"}, "option input_type: want one of search_document, search_query, classification, clustering, got \"image\""},
		{"input_type not a string", map[string]any{"input_type": true}, "want a string"},
		{"unknown", map[string]any{"top_k": 3}, "option top_k: unknown to the cohere provider (known: client_name, input_type)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(provider.Config{Model: "m", Options: tt.options})
			if tt.wantErr == "" && err != nil {
				t.Fatalf("New: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("New error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestBaseURLVersionSuffix(t *testing.T) {
	t.Parallel()
	for _, suffix := range []string{"", "/", "/v1", "/v2", "/v2/"} {
		srv := replay.Serve(t, []replay.Response{jsonResponse(chatBody)})
		if _, err := newClient(t, srv.URL+suffix).Generate(t.Context(), provider.Request{Messages: hello}, discard); err != nil {
			t.Fatalf("base %q: %v", suffix, err)
		}
		if got := srv.Last(t).Path; got != "/v2/chat" {
			t.Errorf("base %q: path %s, want /v2/chat", suffix, got)
		}
	}
}

func TestResponseShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		resp   replay.Response
		stream bool
		want   provider.Response
	}{
		{
			name: "thinking content is not answer text",
			resp: jsonResponse(`{"id":"x","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"thinking","thinking":"Let me think"},{"type":"text","text":"Yes."}]},"usage":{"billed_units":{"input_tokens":3,"output_tokens":9},"tokens":{"input_tokens":60,"output_tokens":9},"cached_tokens":2}}`),
			want: provider.Response{Text: "Yes.", Model: "command-a-03-2025", FinishReason: provider.FinishStop, RawFinishReason: "COMPLETE",
				Usage: bench.Usage{Prompt: 3, Completion: 9, Cached: 2, Total: 12}},
		},
		{
			name: "tokens used when billed_units is absent",
			resp: jsonResponse(`{"id":"x","finish_reason":"MAX_TOKENS","message":{"role":"assistant","content":[{"type":"text","text":"LL"}]},"usage":{"tokens":{"input_tokens":71.0,"output_tokens":1.0}}}`),
			want: provider.Response{Text: "LL", Model: "command-a-03-2025", FinishReason: provider.FinishLength, RawFinishReason: "MAX_TOKENS",
				Usage: bench.Usage{Prompt: 71, Completion: 1, Total: 72}},
		},
		{
			name:   "streamed thinking block and logprobs",
			stream: true,
			resp: sseResponse(sseStart +
				"event: content-start\ndata: {\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"thinking\",\"thinking\":\"\"}}}}\n\n" +
				"event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"thinking\":\"Hmm\"}}}}\n\n" +
				"event: content-end\ndata: {\"type\":\"content-end\",\"index\":0}\n\n" +
				"event: content-start\ndata: {\"type\":\"content-start\",\"index\":1,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}\n\n" +
				"event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":1,\"delta\":{\"message\":{\"content\":{\"text\":\"Hi\"}}},\"logprobs\":{\"text\":\"Hi\",\"token_ids\":[9],\"logprobs\":[-0.5]}}\n\n" +
				"event: tool-plan-delta\ndata: {\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"I will\"}}}\n\n" +
				"event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"STOP_SEQUENCE\",\"usage\":{\"billed_units\":{\"input_tokens\":5,\"output_tokens\":2},\"tokens\":{\"input_tokens\":71,\"output_tokens\":2},\"cached_tokens\":0}}}\n\n" +
				sseDone),
			want: provider.Response{Text: "Hi", Model: "command-a-03-2025", FinishReason: provider.FinishStop, RawFinishReason: "STOP_SEQUENCE",
				Usage: bench.Usage{Prompt: 5, Completion: 2, Total: 7}, Logprobs: []float64{-0.5}},
		},
		{
			name:   "tool call finish",
			stream: true,
			resp:   sseResponse(sseStart + "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"TOOL_CALL\"}}\n\n" + sseDone),
			want:   provider.Response{Model: "command-a-03-2025", FinishReason: provider.FinishToolCalls, RawFinishReason: "TOOL_CALL"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			got, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: tt.stream}, discard)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMapFinish(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"COMPLETE": provider.FinishStop, "STOP_SEQUENCE": provider.FinishStop, "MAX_TOKENS": provider.FinishLength,
		"TOOL_CALL": provider.FinishToolCalls, "ERROR": provider.FinishError, "TIMEOUT": provider.FinishError,
		"ERROR_TOXIC": provider.FinishContentFilter, "SOMETHING_NEW": "",
	} {
		if got := mapFinish(raw); got != want {
			t.Errorf("mapFinish(%q) = %q, want %q", raw, got, want)
		}
	}
}
