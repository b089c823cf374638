package ollama

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// requestBody builds the /api/chat body for req with a client configured
// with opts, decoded for comparison.
func requestBody(t *testing.T, opts map[string]any, req provider.Request) map[string]any {
	t.Helper()
	c, err := New(provider.Config{Model: "llama3.2", Options: opts})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	data, err := c.body(req, "llama3.2")
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	return out
}

func TestRequestBody(t *testing.T) {
	t.Parallel()
	user := []any{map[string]any{"role": "user", "content": "Why is the sky blue?"}}
	tests := []struct {
		name string
		opts map[string]any
		req  provider.Request
		want map[string]any
	}{
		{"defaults send stream false", nil, provider.Request{Messages: hello},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false}},
		{"sampling under options", nil, provider.Request{Messages: hello, Stream: true, Sampling: provider.Sampling{
			Temperature: ptr(0.2), TopP: ptr(0.9), MaxTokens: ptr(128), Stop: []string{"\n", "END"}, Seed: ptr(42),
		}}, map[string]any{"model": "llama3.2", "messages": user, "stream": true, "options": map[string]any{
			"temperature": 0.2, "top_p": 0.9, "num_predict": float64(128), "stop": []any{"\n", "END"}, "seed": float64(42),
		}}},
		{"zero temperature is sent", nil, provider.Request{Messages: hello, Sampling: provider.Sampling{Temperature: ptr(0.0)}},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false, "options": map[string]any{"temperature": float64(0)}}},
		{"logprobs", map[string]any{"top_logprobs": 3}, provider.Request{Messages: hello, Sampling: provider.Sampling{Logprobs: true}},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false, "logprobs": true, "top_logprobs": float64(3)}},
		{"top_logprobs only with logprobs", map[string]any{"top_logprobs": 3}, provider.Request{Messages: hello},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false}},
		{"top logprobs imply logprobs", nil, provider.Request{Messages: hello, Sampling: provider.Sampling{TopLogprobs: 5}},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false, "logprobs": true, "top_logprobs": float64(5)}},
		{"sampling's top logprobs win over the option", map[string]any{"top_logprobs": 3}, provider.Request{Messages: hello, Sampling: provider.Sampling{Logprobs: true, TopLogprobs: 20}},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false, "logprobs": true, "top_logprobs": float64(20)}},
		{"top logprobs capped at 20", nil, provider.Request{Messages: hello, Sampling: provider.Sampling{TopLogprobs: 30}},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false, "logprobs": true, "top_logprobs": float64(20)}},
		{"provider options", map[string]any{
			"keep_alive": "10m", "think": "high", "format": "json", "truncate": false, "num_ctx": int64(8192),
		}, provider.Request{Messages: hello}, map[string]any{
			"model": "llama3.2", "messages": user, "stream": false, "keep_alive": "10m", "think": "high", "format": "json",
			"truncate": false, "options": map[string]any{"num_ctx": float64(8192)},
		}},
		{"keep_alive seconds and think false", map[string]any{"keep_alive": -1, "think": false}, provider.Request{Messages: hello},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false, "keep_alive": float64(-1), "think": false}},
		{"format schema", map[string]any{"format": map[string]any{"type": "object", "required": []any{"answer"}}}, provider.Request{Messages: hello},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false, "format": map[string]any{"type": "object", "required": []any{"answer"}}}},
		{"model_options under sampling", map[string]any{"model_options": map[string]any{"top_k": 40, "temperature": 0.9}},
			provider.Request{Messages: hello, Sampling: provider.Sampling{Temperature: ptr(0.1)}},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false, "options": map[string]any{"top_k": float64(40), "temperature": 0.1}}},
		{"extra merges into options and wins", map[string]any{"think": true},
			provider.Request{Messages: hello, Sampling: provider.Sampling{MaxTokens: ptr(64)}, Extra: map[string]any{
				"options": map[string]any{"top_k": 40, "num_predict": 32}, "think": false, "keep_alive": "0",
			}},
			map[string]any{"model": "llama3.2", "messages": user, "stream": false, "think": false, "keep_alive": "0",
				"options": map[string]any{"top_k": float64(40), "num_predict": float64(32)}}},
		{"roles kept, empty role is user", nil, provider.Request{Messages: []bench.Message{
			{Role: bench.RoleSystem, Content: "Be brief."}, {Content: "Hi"}, {Role: bench.RoleAssistant, Content: "Hello!"}, {Role: "user", Content: "Bye"},
		}}, map[string]any{"model": "llama3.2", "stream": false, "messages": []any{
			map[string]any{"role": "system", "content": "Be brief."}, map[string]any{"role": "user", "content": "Hi"},
			map[string]any{"role": "assistant", "content": "Hello!"}, map[string]any{"role": "user", "content": "Bye"},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, requestBody(t, tt.opts, tt.req)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequestModelOverride(t *testing.T) {
	t.Parallel()
	srv := fixedOK(t, "chat.json")
	c := newClient(t, srv.URL, "")
	if _, err := c.Generate(t.Context(), provider.Request{Model: "qwen3:8b", Messages: hello}, discard); err != nil {
		t.Fatal(err)
	}
	var body struct{ Model string }
	if err := json.Unmarshal(srv.Last(t).Body, &body); err != nil || body.Model != "qwen3:8b" {
		t.Fatalf("sent model %q (%v), want qwen3:8b", body.Model, err)
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   map[string]any
		wantIn string
	}{
		{"unknown option", map[string]any{"temprature": 0.5}, "option temprature: unknown to the ollama provider (known: dimensions, format, keep_alive"},
		{"num_ctx not a number", map[string]any{"num_ctx": "big"}, "option num_ctx: want a whole number"},
		{"num_ctx fraction", map[string]any{"num_ctx": 4096.5}, "option num_ctx: want a whole number from 1"},
		{"num_ctx zero", map[string]any{"num_ctx": 0}, "from 1"},
		{"top_logprobs too many", map[string]any{"top_logprobs": 21}, "from 0 to 20"},
		{"truncate not bool", map[string]any{"truncate": "no"}, "option truncate: want true or false"},
		{"keep_alive bad", map[string]any{"keep_alive": "five minutes"}, "option keep_alive: want a duration"},
		{"keep_alive bool", map[string]any{"keep_alive": true}, "option keep_alive"},
		{"think level", map[string]any{"think": "max"}, "option think: want true, false"},
		{"format other", map[string]any{"format": "yaml"}, "option format: want \"json\" or a JSON schema"},
		{"model_options not a table", map[string]any{"model_options": "top_k=40"}, "option model_options: want a table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(provider.Config{Model: "llama3.2", Options: tt.opts})
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.wantIn)
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	t.Parallel()
	v, ok := provider.Lookup(Vendor)
	if !ok || v.DefaultBaseURL != DefaultBaseURL || v.KeyEnv != "" {
		t.Fatalf("vendor = %+v, %v; want ollama at %s without a key", v, ok, DefaultBaseURL)
	}
	p, err := provider.New(provider.Config{ID: "ollama:llama3:8b", Vendor: Vendor, Model: "llama3:8b"})
	if err != nil {
		t.Fatal(err)
	}
	if _, isClient := p.(*Client); !isClient {
		t.Fatalf("provider.New gave %T", p)
	}
}

func TestCheckInput(t *testing.T) {
	t.Parallel()
	data := []byte{1, 2, 3}
	tests := []struct {
		name   string
		part   bench.Part
		wantIn string // "" means accepted
	}{
		{"png", bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: data}, ""},
		{"jpeg", bench.Part{Type: bench.PartImage, MediaType: "image/jpeg", Data: data}, ""},
		{"jpg alias", bench.Part{Type: bench.PartImage, MediaType: "image/jpg", Data: data}, ""},
		{"webp with parameters", bench.Part{Type: bench.PartImage, MediaType: "Image/WebP; q=1", Data: data}, ""},
		{"gif", bench.Part{Type: bench.PartImage, MediaType: "image/gif", Data: data}, "ollama does not accept image image/gif input"},
		{"image by url", bench.Part{Type: bench.PartImage, MediaType: "image/png", URL: "https://example.com/a.png"}, "image image/png by URL"},
		{"audio", bench.Part{Type: bench.PartAudio, MediaType: "audio/wav", Data: data}, "ollama does not accept audio audio/wav input"},
		{"no data", bench.Part{Type: bench.PartImage, MediaType: "image/png"}, "no inline data"},
	}
	c := newClient(t, "http://127.0.0.1:1", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := c.CheckInput(tt.part)
			if (tt.wantIn == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantIn)) {
				t.Fatalf("CheckInput = %v, want %q", err, tt.wantIn)
			}
			if tt.wantIn == "" {
				return
			}
			// Generate refuses it too, before any call.
			_, err = c.Generate(t.Context(), provider.Request{Messages: []bench.Message{{Role: "user", Content: "x", Parts: []bench.Part{tt.part}}}}, discard)
			if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest || pe.StatusCode != 0 {
				t.Fatalf("Generate error = %v, want bad_request before the call", err)
			}
		})
	}
}
