package openai

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

func ptr[T any](v T) *T { return &v }

func TestRequestBody(t *testing.T) {
	t.Parallel()
	sampling := provider.Sampling{Temperature: ptr(0.2), TopP: ptr(0.9), MaxTokens: ptr(64), Stop: []string{"\n\n"}, Seed: ptr(7), Logprobs: true}
	defaults := provider.Sampling{Temperature: ptr(1.0), TopP: ptr(1.0), MaxTokens: ptr(64), Stop: []string{"\n\n"}, Seed: ptr(7), Logprobs: true}
	msgs := []any{map[string]any{"role": "user", "content": "Say hi in Portuguese"}}
	tests := []struct {
		name     string
		model    string
		opts     map[string]any
		sampling provider.Sampling
		extra    map[string]any
		want     map[string]any
	}{
		{"chat model", "gpt-4o-mini", nil, sampling, nil, map[string]any{
			"model": "gpt-4o-mini", "messages": msgs, "temperature": 0.2, "top_p": 0.9, "max_tokens": float64(64),
			"stop": []any{"\n\n"}, "seed": float64(7), "logprobs": true}},
		{"reasoning model at default sampling", "o3-mini", nil, defaults, nil, map[string]any{
			"model": "o3-mini", "messages": msgs, "max_completion_tokens": float64(64),
			"stop": []any{"\n\n"}, "seed": float64(7), "logprobs": true}},
		{"routed gpt-5", "openai/gpt-5-nano", nil, provider.Sampling{MaxTokens: ptr(64)}, nil, map[string]any{
			"model": "openai/gpt-5-nano", "messages": msgs, "max_completion_tokens": float64(64)}},
		{"reasoning forced off", "o1", map[string]any{"reasoning": false}, sampling, nil, map[string]any{
			"model": "o1", "messages": msgs, "temperature": 0.2, "top_p": 0.9, "max_tokens": float64(64),
			"stop": []any{"\n\n"}, "seed": float64(7), "logprobs": true}},
		{"reasoning forced on", "my-finetune", map[string]any{"reasoning": true}, provider.Sampling{MaxTokens: ptr(64)}, nil, map[string]any{
			"model": "my-finetune", "messages": msgs, "max_completion_tokens": float64(64)}},
		{"top_logprobs option", "gpt-4o-mini", map[string]any{"top_logprobs": 3}, provider.Sampling{Logprobs: true}, nil, map[string]any{
			"model": "gpt-4o-mini", "messages": msgs, "logprobs": true, "top_logprobs": float64(3)}},
		{"top_logprobs without logprobs", "gpt-4o-mini", map[string]any{"top_logprobs": 3}, provider.Sampling{}, nil, map[string]any{
			"model": "gpt-4o-mini", "messages": msgs}},
		{"extra merged and wins", "gpt-4o-mini", nil, sampling, map[string]any{"top_k": 40, "seed": 9, "response_format": map[string]any{"type": "json_object"}}, map[string]any{
			"model": "gpt-4o-mini", "messages": msgs, "temperature": 0.2, "top_p": 0.9, "max_tokens": float64(64),
			"stop": []any{"\n\n"}, "seed": float64(9), "logprobs": true, "top_k": float64(40),
			"response_format": map[string]any{"type": "json_object"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(provider.Config{Model: tt.model, Options: tt.opts})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			data, err := c.body(provider.Request{Messages: hello, Sampling: tt.sampling, Extra: tt.extra}, tt.model)
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

// TestReasoningSamplingRejected: a non-default temperature or top_p on a
// reasoning model fails before any call, as bad_request, saying what to do.
func TestReasoningSamplingRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		model    string
		sampling provider.Sampling
		wantIn   string
	}{
		{"temperature", "o3", provider.Sampling{Temperature: ptr(0.7)}, "default temperature (1), not 0.7"},
		{"top_p", "gpt-5-mini", provider.Sampling{TopP: ptr(0.5)}, "default top_p (1), not 0.5"},
		{"zero temperature", "o4-mini", provider.Sampling{Temperature: ptr(0.0)}, "reasoning = false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fixed(t, 200, nil, `{"choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}]}`)
			c, err := New(provider.Config{Model: tt.model, BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			providertest.CheckRejected(t, c, provider.Request{Messages: hello, Sampling: tt.sampling}, tt.wantIn, srv)
		})
	}
}

func TestIsReasoningModel(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"o1": true, "o1-mini": true, "o3-2025-04-16": true, "o4-mini": true, "gpt-5": true, "gpt-5-mini": true,
		"openai/o3": true, "gpt-5-chat-latest": false, "gpt-4o": false, "gpt-4.1-mini": false, "o10": false, "llama3": false,
	}
	for model, want := range tests {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			if got := IsReasoningModel(model); got != want {
				t.Errorf("IsReasoningModel(%q) = %v, want %v", model, got, want)
			}
		})
	}
}

func TestHeadersAndOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts map[string]any
		want map[string]string
	}{
		{"bearer and org", map[string]any{"organization": "org-1", "project": "proj-2"}, map[string]string{
			"Authorization": "Bearer " + testKey, "Openai-Organization": "org-1", "Openai-Project": "proj-2", "X-Title": "bench", "Api-Key": ""}},
		{"azure api-key header", map[string]any{"api_key_header": "api-key"}, map[string]string{
			"Authorization": "", "Api-Key": testKey, "Openai-Organization": "", "Openai-Project": "", "X-Title": "bench"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fixed(t, 200, nil, `{"choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}]}`)
			c, err := New(provider.Config{Model: "m", BaseURL: srv.URL, APIKey: testKey, Options: tt.opts, Headers: map[string]string{"X-Title": "bench"}})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if _, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard); err != nil {
				t.Fatalf("Generate: %v", err)
			}
			got := srv.Last(t).Header
			gotSome := map[string]string{}
			for k := range tt.want {
				gotSome[k] = got.Get(k)
			}
			if diff := cmp.Diff(tt.want, gotSome); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]map[string]any{
		"org not string":        {"organization": 3},
		"reasoning not bool":    {"reasoning": "yes"},
		"top_logprobs too many": {"top_logprobs": 21},
		"top_logprobs fraction": {"top_logprobs": 2.5},
		"dimensions zero":       {"dimensions": 0},
		"unknown option":        {"organisation": "org-1"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := New(provider.Config{Options: opts}); err == nil {
				t.Error("New accepted a bad option")
			}
		})
	}
}

func TestLogprobsAndFinish(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		stream     bool
		want       provider.Response
	}{
		{"non-streamed", `{"model":"gpt-4o-mini","choices":[{"index":0,"message":{"content":"Hi there"},"logprobs":{"content":[{"token":"Hi","logprob":-0.25},{"token":" there","logprob":-1.5}]},"finish_reason":"length"}],"usage":{"prompt_tokens":10,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":4}}}`, false,
			provider.Response{Text: "Hi there", Model: "gpt-4o-mini", FinishReason: "length", RawFinishReason: "length", Logprobs: []float64{-0.25, -1.5}, Usage: bench.Usage{Prompt: 10, Completion: 2, Cached: 4, Total: 12}}},
		{"streamed", "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":{\"content\":[{\"logprob\":-0.5}]}}]}\n\n" +
			"data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"ignored\"}}]}\n\n" +
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"logprobs\":{\"content\":[{\"logprob\":-0.125}]},\"finish_reason\":\"content_filter\"}]}\n\n", true,
			provider.Response{Text: "Hi!", Model: "m", FinishReason: "content_filter", RawFinishReason: "content_filter", Logprobs: []float64{-0.5, -0.125}}},
		{"content parts", `{"model":"magistral","choices":[{"index":0,"message":{"content":[{"type":"thinking","thinking":"hmm"},{"type":"text","text":"Olá"},{"type":"text","text":"!"}]},"finish_reason":"stop"}]}`, false,
			provider.Response{Text: "Olá!", Model: "magistral", FinishReason: "stop", RawFinishReason: "stop"}},
		{"unknown finish kept raw", `{"choices":[{"index":0,"message":{"content":null},"finish_reason":"weird"}]}`, false,
			provider.Response{Model: "gpt-4o-mini", RawFinishReason: "weird"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fixed(t, 200, nil, tt.body)
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

func TestModelsAndHealth(t *testing.T) {
	t.Parallel()
	ok := fixed(t, 200, map[string]string{"X-Ratelimit-Remaining-Requests": "42"}, `{"object":"list","data":[{"id":"gpt-4o","object":"model","created":1686935002,"owned_by":"system"},{"id":"gpt-4o-mini","object":"model"}]}`)
	c := newClient(t, ok.URL)
	models, err := c.Models(t.Context())
	if err != nil {
		t.Fatalf("Models: %v", err)
	}
	if diff := cmp.Diff([]string{"gpt-4o", "gpt-4o-mini"}, models); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	if err := c.Health(t.Context()); err != nil {
		t.Errorf("Health: %v", err)
	}
	if rl, seen := c.RateLimits(); !seen || rl.RemainingRequests != 42 {
		t.Errorf("RateLimits = %+v, %v; want 42 remaining requests", rl, seen)
	}
	bad := fixed(t, 401, nil, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
	if pe := provider.AsError(newClient(t, bad.URL).Health(t.Context())); pe == nil || pe.Kind != provider.KindAuth {
		t.Errorf("Health on 401 = %v, want auth", pe)
	}
	garbage := fixed(t, 200, nil, `<html>`)
	if _, err := newClient(t, garbage.URL).Models(t.Context()); err == nil {
		t.Error("Models accepted an HTML body")
	}
}
