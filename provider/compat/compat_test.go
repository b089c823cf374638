package compat

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

const testKey = "test-key-0123456789abcdef"

var hello = []bench.Message{{Role: bench.RoleUser, Content: "Say hi in Portuguese"}}

// recorder answers every request with a fixed body, without a network, and
// keeps the requests, so a test can see the real default URL being called.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
	body []byte
	code int
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	code := r.code
	if code == 0 {
		code = 200
	}
	return &http.Response{StatusCode: code, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(r.body)), Request: req}, nil
}

func (r *recorder) last(t *testing.T) (*http.Request, map[string]any) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request sent")
	}
	req := r.reqs[len(r.reqs)-1]
	var body map[string]any
	if req.Body != nil {
		data, _ := io.ReadAll(req.Body)
		_ = json.Unmarshal(data, &body)
	}
	return req, body
}

const okBody = `{"model":"m","choices":[{"index":0,"message":{"content":"Olá!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}`

// TestPresets checks each preset's registration, the URL and auth header of
// a real call at its default base URL, and one quirk.
func TestPresets(t *testing.T) {
	t.Parallel()
	png := bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: []byte("png")}
	tests := []struct {
		name     string
		keyEnv   string
		key      string
		opts     map[string]any
		model    string
		wantURL  string
		wantAuth string
		quirk    func(t *testing.T, p provider.Provider, req *http.Request, body map[string]any)
	}{
		{"groq", "GROQ_API_KEY", testKey, nil, "moonshotai/kimi-k2-instruct-0905", "https://api.groq.com/openai/v1/chat/completions", "Bearer " + testKey,
			func(t *testing.T, p provider.Provider, _ *http.Request, body map[string]any) {
				if _, sent := body["logprobs"]; sent {
					t.Error("logprobs sent to groq, which does not offer them")
				}
				_, err := p.(provider.Embedder).Embed(t.Context(), "", []string{"x"})
				if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest {
					t.Errorf("Embed = %v, want bad_request (no embeddings)", err)
				}
			}},
		{"together", "TOGETHER_API_KEY", testKey, nil, "meta-llama/Llama-3.3-70B-Instruct-Turbo", "https://api.together.xyz/v1/chat/completions", "Bearer " + testKey,
			func(t *testing.T, _ provider.Provider, _ *http.Request, body map[string]any) {
				if body["logprobs"] != true {
					t.Error("logprobs not sent to together")
				}
			}},
		{"deepseek", "DEEPSEEK_API_KEY", testKey, nil, "deepseek-chat", "https://api.deepseek.com/chat/completions", "Bearer " + testKey,
			func(t *testing.T, p provider.Provider, _ *http.Request, _ map[string]any) {
				if err := p.(provider.InputChecker).CheckInput(png); err == nil {
					t.Error("deepseek accepted an image")
				}
			}},
		{"openrouter", "OPENROUTER_API_KEY", testKey, map[string]any{"http_referer": "https://bench.example", "x_title": "LLM Test Bench"}, "openai/gpt-5.4-nano",
			"https://openrouter.ai/api/v1/chat/completions", "Bearer " + testKey,
			func(t *testing.T, _ provider.Provider, req *http.Request, body map[string]any) {
				got := []any{req.Header.Get("HTTP-Referer"), req.Header.Get("X-Title"), body["usage"], body["max_completion_tokens"], body["max_tokens"]}
				want := []any{"https://bench.example", "LLM Test Bench", map[string]any{"include": true}, float64(100), nil}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("referer, title, usage, max_completion_tokens, max_tokens (-want +got):\n%s", diff)
				}
			}},
		{"perplexity", "PERPLEXITY_API_KEY", testKey, nil, "sonar", "https://api.perplexity.ai/chat/completions", "Bearer " + testKey,
			func(t *testing.T, p provider.Provider, _ *http.Request, _ map[string]any) {
				if _, ok := p.(provider.Lister); ok {
					t.Error("perplexity offers a models list it does not have")
				}
				if _, ok := p.(provider.HealthChecker); ok {
					t.Error("perplexity offers a health check it does not have")
				}
				if err := p.(provider.InputChecker).CheckInput(png); err != nil {
					t.Errorf("perplexity refused a png: %v", err)
				}
			}},
		{"xai", "XAI_API_KEY", testKey, nil, "grok-4", "https://api.x.ai/v1/chat/completions", "Bearer " + testKey,
			func(t *testing.T, p provider.Provider, _ *http.Request, _ map[string]any) {
				webp := bench.Part{Type: bench.PartImage, MediaType: "image/webp", Data: []byte("w")}
				if err := p.(provider.InputChecker).CheckInput(webp); err == nil {
					t.Error("xai accepted a webp image")
				}
			}},
		{"vllm", "", "", nil, "meta-llama/Llama-3.1-8B-Instruct", "http://localhost:8000/v1/chat/completions", "",
			func(t *testing.T, p provider.Provider, _ *http.Request, _ map[string]any) {
				wav := bench.Part{Type: bench.PartAudio, MediaType: "audio/wav", Data: []byte("RIFF")}
				if err := p.(provider.InputChecker).CheckInput(wav); err != nil {
					t.Errorf("vllm refused wav audio: %v", err)
				}
			}},
		{"lmstudio", "", "", nil, "qwen2.5-7b-instruct", "http://localhost:1234/v1/chat/completions", "",
			func(t *testing.T, p provider.Provider, _ *http.Request, _ map[string]any) {
				remote := bench.Part{Type: bench.PartImage, MediaType: "image/png", URL: "https://example.com/a.png"}
				if err := p.(provider.InputChecker).CheckInput(remote); err == nil {
					t.Error("lmstudio accepted an image by URL")
				}
			}},
		{"huggingface", "HF_TOKEN", testKey, nil, "openai/gpt-oss-120b", "https://router.huggingface.co/v1/chat/completions", "Bearer " + testKey,
			func(t *testing.T, _ provider.Provider, _ *http.Request, body map[string]any) {
				if body["max_tokens"] != float64(100) {
					t.Errorf("max_tokens = %v, want 100 (gpt-oss is not an OpenAI reasoning model)", body["max_tokens"])
				}
			}},
	}
	if len(tests) != len(Presets()) {
		t.Fatalf("%d presets tested, %d registered", len(tests), len(Presets()))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, ok := provider.Lookup(tt.name)
			if !ok {
				t.Fatalf("vendor %s not registered", tt.name)
			}
			if v.KeyEnv != tt.keyEnv {
				t.Errorf("KeyEnv = %q, want %q", v.KeyEnv, tt.keyEnv)
			}
			rec := &recorder{body: []byte(okBody)}
			p, err := provider.New(provider.Config{ID: tt.name + ":" + tt.model, Vendor: tt.name, Model: tt.model, APIKey: tt.key,
				Options: tt.opts, HTTPClient: &http.Client{Transport: rec}})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			resp, err := p.Generate(t.Context(), provider.Request{Messages: hello, Sampling: provider.Sampling{MaxTokens: ptr(100), Logprobs: true}}, func(provider.Chunk) error { return nil })
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if resp.Text != "Olá!" || resp.Usage.Total != 5 {
				t.Errorf("response %+v", resp)
			}
			req, body := rec.last(t)
			if req.URL.String() != tt.wantURL || req.Header.Get("Authorization") != tt.wantAuth {
				t.Errorf("called %s with Authorization %q, want %s with %q", req.URL, req.Header.Get("Authorization"), tt.wantURL, tt.wantAuth)
			}
			if body["model"] != tt.model {
				t.Errorf("model %v, want %s", body["model"], tt.model)
			}
			tt.quirk(t, p, req, body)
		})
	}
}

func TestPresetOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vendor string
		opts   map[string]any
		wantIn string
	}{
		{"groq", map[string]any{"http_referer": "x"}, "option http_referer: unknown to the groq provider"},
		{"openrouter", map[string]any{"x_title": 3}, "option x_title: want a string"},
		{"vllm", map[string]any{"top_logprobs": 50}, "option top_logprobs"},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			t.Parallel()
			_, err := provider.New(provider.Config{Vendor: tt.vendor, Model: "m", Options: tt.opts})
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("New error = %v, want one mentioning %q", err, tt.wantIn)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
