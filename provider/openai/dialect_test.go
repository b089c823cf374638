package openai

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

const okBody = `{"model":"m","choices":[{"index":0,"message":{"content":"ok"},"logprobs":{"content":[{"logprob":-0.5}]},"finish_reason":"stop"}]}`

// TestDialectRequest checks each Dialect field's effect on what is sent.
func TestDialectRequest(t *testing.T) {
	t.Parallel()
	msgs := []any{map[string]any{"role": "user", "content": "Say hi in Portuguese"}}
	sampling := provider.Sampling{Seed: ptr(7), Logprobs: true, MaxTokens: ptr(10)}
	tests := []struct {
		name       string
		d          Dialect
		extra      map[string]any
		stream     bool
		headers    map[string]string
		wantPath   string
		wantQuery  string
		wantHeader map[string]string
		wantBody   map[string]any
	}{
		{"openai defaults", Dialect{}, nil, true, nil, "/chat/completions", "",
			map[string]string{"Authorization": "Bearer " + testKey},
			map[string]any{"model": "m", "messages": msgs, "seed": float64(7), "logprobs": true, "max_tokens": float64(10),
				"stream": true, "stream_options": map[string]any{"include_usage": true}}},
		{"mistral-like", Dialect{SeedField: "random_seed", NoStreamOptions: true, NoLogprobs: true, Body: map[string]any{"safe_prompt": true}}, nil, true, nil, "/chat/completions", "",
			map[string]string{"Authorization": "Bearer " + testKey},
			map[string]any{"model": "m", "messages": msgs, "random_seed": float64(7), "max_tokens": float64(10), "stream": true, "safe_prompt": true}},
		{"extra wins over dialect body", Dialect{Body: map[string]any{"usage": map[string]any{"include": true}, "x": 1}}, map[string]any{"x": 2}, false, nil, "/chat/completions", "",
			nil,
			map[string]any{"model": "m", "messages": msgs, "seed": float64(7), "logprobs": true, "max_tokens": float64(10),
				"usage": map[string]any{"include": true}, "x": float64(2)}},
		{"azure-like path, query and key header", Dialect{AuthHeader: "api-key", ChatPath: func(m string) string { return "/deployments/" + m + "/chat/completions?api-version=2024-10-21" }},
			nil, false, nil, "/deployments/m/chat/completions", "api-version=2024-10-21",
			map[string]string{"Api-Key": testKey, "Authorization": ""},
			map[string]any{"model": "m", "messages": msgs, "seed": float64(7), "logprobs": true, "max_tokens": float64(10)}},
		{"config headers win over dialect headers", Dialect{Header: http.Header{"X-Title": {"preset"}, "Http-Referer": {"https://a.example"}}},
			nil, false, map[string]string{"X-Title": "mine"}, "/chat/completions", "",
			map[string]string{"X-Title": "mine", "Http-Referer": "https://a.example"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fixed(t, 200, nil, okBody)
			if tt.stream {
				srv = fixed(t, 200, nil, "data: "+okBody+"\n\ndata: [DONE]\n\n")
			}
			c, err := NewCompatible(provider.Config{Model: "m", BaseURL: srv.URL, APIKey: testKey, Headers: tt.headers}, tt.d)
			if err != nil {
				t.Fatalf("NewCompatible: %v", err)
			}
			resp, err := c.Generate(t.Context(), provider.Request{Messages: hello, Sampling: sampling, Extra: tt.extra, Stream: tt.stream}, discard)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if resp.Text != "ok" {
				t.Errorf("text %q, want ok", resp.Text)
			}
			seen := srv.Last(t)
			if seen.Path != tt.wantPath || seen.RawQuery != tt.wantQuery {
				t.Errorf("request to %s?%s, want %s?%s", seen.Path, seen.RawQuery, tt.wantPath, tt.wantQuery)
			}
			for k, v := range tt.wantHeader {
				if got := seen.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tt.wantBody == nil {
				return
			}
			var body map[string]any
			if err := json.Unmarshal(seen.Body, &body); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantBody, body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDialectRefine: the dialect's rules apply to HTTP errors and to error
// objects inside a stream.
func TestDialectRefine(t *testing.T) {
	t.Parallel()
	var calls []int
	d := Dialect{Vendor: "local", Refine: func(pe *provider.Error, status int, _ http.Header, _ []byte) {
		calls = append(calls, status)
		if status == http.StatusServiceUnavailable {
			pe.Kind = provider.KindOverloaded
		}
	}}
	loading := `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`
	for name, resp := range map[string]replay.Response{
		"http":   replay.Error(503, loading),
		"stream": {Body: "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"}}]}\n\nerror: " + loading + "\n\n"},
	} {
		t.Run(name, func(t *testing.T) {
			calls = nil
			srv := replay.Serve(t, []replay.Response{resp})
			c, err := NewCompatible(provider.Config{Model: "m", BaseURL: srv.URL}, d)
			if err != nil {
				t.Fatalf("NewCompatible: %v", err)
			}
			_, err = c.Generate(t.Context(), provider.Request{Messages: hello, Stream: name == "stream"}, discard)
			if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindOverloaded || pe.StatusCode != 503 {
				t.Fatalf("Generate error = %v, want overloaded 503", err)
			}
			if diff := cmp.Diff([]int{503}, calls); diff != "" {
				t.Errorf("refine calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestContentFilteredPrompt: Azure's 400 content_filter body (PROVIDER_FACTS
// §9) is an answer with finish reason content_filter, not an error.
func TestContentFilteredPrompt(t *testing.T) {
	t.Parallel()
	body := `{"error":{"code":"content_filter","message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.","param":"prompt","status":400,` +
		`"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}}`
	for _, stream := range []bool{false, true} {
		srv := replay.Serve(t, []replay.Response{replay.Error(400, body)})
		var emitted int
		resp, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: stream}, func(provider.Chunk) error { emitted++; return nil })
		if err != nil {
			t.Fatalf("stream %v: Generate: %v", stream, err)
		}
		want := provider.Response{Model: "gpt-4o-mini", FinishReason: provider.FinishContentFilter, RawFinishReason: "content_filter"}
		if diff := cmp.Diff(want, resp); diff != "" || emitted != 0 {
			t.Errorf("stream %v: response (-want +got):\n%s\nemitted %d chunks", stream, diff, emitted)
		}
	}
	// Another 400 stays an error.
	srv := replay.Serve(t, []replay.Response{replay.Error(400, `{"error":{"code":"invalid_value","message":"bad"}}`)})
	if _, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello}, discard); provider.AsError(err) == nil {
		t.Errorf("Generate on a plain 400 = %v, want an error", err)
	}
}

func TestDialectModelsAndHealth(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{
		{Body: `[{"id":"meta-llama/Llama-3.3-70B-Instruct-Turbo","object":"model"},{"id":"BAAI/bge-large-en-v1.5","object":"model"}]`},
		{Body: `{"status":"ok"}`},
		replay.Error(503, `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`),
	})
	c, err := NewCompatible(provider.Config{Model: "m", BaseURL: srv.URL}, Dialect{ModelsPath: "/v1/models", HealthPath: "/health"})
	if err != nil {
		t.Fatalf("NewCompatible: %v", err)
	}
	models, err := c.Models(t.Context())
	if err != nil {
		t.Fatalf("Models: %v", err)
	}
	if diff := cmp.Diff([]string{"meta-llama/Llama-3.3-70B-Instruct-Turbo", "BAAI/bge-large-en-v1.5"}, models); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	if err := c.Health(t.Context()); err != nil {
		t.Errorf("Health: %v", err)
	}
	if pe := provider.AsError(c.Health(t.Context())); pe == nil || pe.StatusCode != 503 {
		t.Errorf("Health while loading = %v, want a 503 error", pe)
	}
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	if diff := cmp.Diff([]string{"GET /v1/models", "GET /health", "GET /health"}, paths); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}
