package compat

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// TestReplay runs the recorded OpenRouter and Groq exchanges through their
// presets, with the base URL pointed at a fake serving the recording.
func TestReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vendor    string
		file      string
		wantText  string
		wantModel string
		wantUsage bench.Usage
		wantBody  map[string]any // fields beyond model and messages
		wantCost  *float64       // usage.cost, as OpenRouter reports it
	}{
		{"openrouter", "TestOpenRouterCommon/openai/simple.yaml", "Oi! 😊", "openai/gpt-5.4-nano-20260317", bench.Usage{Prompt: 19, Completion: 7, Total: 26},
			map[string]any{"max_completion_tokens": float64(4000), "usage": map[string]any{"include": true}}, ptr(0.00001255)},
		{"openrouter", "TestOpenRouterCommon/openai/simple_streaming.yaml", "Olá! 😊", "openai/gpt-5.4-nano-20260317", bench.Usage{Prompt: 19, Completion: 7, Total: 26},
			map[string]any{"max_completion_tokens": float64(4000), "usage": map[string]any{"include": true}, "stream": true, "stream_options": map[string]any{"include_usage": true}}, ptr(0.00001255)},
		{"groq", "TestOpenAICompatibleCommon/groq-kimi-k2/simple.yaml", "Olá!", "moonshotai/kimi-k2-instruct-0905", bench.Usage{Prompt: 20, Completion: 4, Total: 24},
			map[string]any{"max_tokens": float64(4000)}, nil},
		{"groq", "TestOpenAICompatibleCommon/groq-kimi-k2/simple_streaming.yaml", "Olá!", "moonshotai/kimi-k2-instruct-0905", bench.Usage{Prompt: 20, Completion: 4, Total: 24},
			map[string]any{"max_tokens": float64(4000), "stream": true, "stream_options": map[string]any{"include_usage": true}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, tt.file)
			var recorded struct {
				Model    string          `json:"model"`
				Messages []bench.Message `json:"messages"`
			}
			if err := json.Unmarshal([]byte(cas.Interactions[0].Request.Body), &recorded); err != nil {
				t.Fatal(err)
			}
			srv := replay.ServeCassette(t, cas)
			p, err := provider.New(provider.Config{Vendor: tt.vendor, Model: recorded.Model, BaseURL: srv.URL + "/v1", APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			stream := strings.Contains(tt.file, "streaming")
			resp, chunks := providertest.GenerateChunks(t, p, provider.Request{Messages: recorded.Messages, Stream: stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}})
			want := provider.Response{Text: tt.wantText, Model: tt.wantModel, FinishReason: provider.FinishStop, RawFinishReason: "stop", Usage: tt.wantUsage, VendorCost: tt.wantCost}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			providertest.CheckChunks(t, chunks, tt.wantText, stream)
			seen := srv.Last(t)
			if seen.Method != "POST" || seen.Path != "/v1/chat/completions" || seen.Header.Get("Authorization") != "Bearer "+testKey {
				t.Errorf("request %s %s auth %q", seen.Method, seen.Path, seen.Header.Get("Authorization"))
			}
			var body map[string]any
			if err := json.Unmarshal(seen.Body, &body); err != nil {
				t.Fatal(err)
			}
			wantBody := map[string]any{"model": recorded.Model}
			var msgs []any
			for _, m := range recorded.Messages {
				msgs = append(msgs, map[string]any{"role": m.Role, "content": m.Content})
			}
			wantBody["messages"] = msgs
			for k, v := range tt.wantBody {
				wantBody[k] = v
			}
			if diff := cmp.Diff(wantBody, body); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestErrors uses the documented error bodies and headers (PROVIDER_FACTS §9).
func TestErrors(t *testing.T) {
	t.Parallel()
	const sseChunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"},\"finish_reason\":null}]}\n\n"
	tests := map[string][]providertest.ErrorCase{
		"groq": {
			{Name: "401", Resp: replay.Error(401, `{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}`), Kind: provider.KindAuth, Status: 401, In: "Invalid API Key"},
			{Name: "413 over TPM", Resp: replay.Error(413, "{\"error\":{\"message\":\"Request too large for model `openai/gpt-oss-120b` in organization `org_x` service tier `on_demand` on tokens per minute (TPM): Limit 8000, Requested 10251, please reduce your message size and try again.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}"), Kind: provider.KindContextLength, Status: 413, In: "tokens-per-minute limit"},
			{Name: "429 retry-after", Resp: replay.Error(429, `{"error":{"message":"Rate limit reached for model in organization on requests per minute (RPM): Limit 30, Used 30, Requested 1. Please try again in 2s.","type":"requests","code":"rate_limit_exceeded"}}`,
				"Retry-After", "2", "X-Ratelimit-Reset-Requests", "2m59.56s", "X-Ratelimit-Remaining-Requests", "0"), Kind: provider.KindRateLimited, Status: 429, Retry: 2 * time.Second, In: "RPM"},
			{Name: "429 reset headers", Resp: replay.Error(429, `{"error":{"message":"Rate limit reached on tokens per minute (TPM)","type":"tokens","code":"rate_limit_exceeded"}}`,
				"X-Ratelimit-Reset-Tokens", "7.66s", "X-Ratelimit-Remaining-Tokens", "0", "X-Ratelimit-Remaining-Requests", "14000", "X-Ratelimit-Reset-Requests", "2m59.56s"), Stream: true, Kind: provider.KindRateLimited, Status: 429, Retry: 7660 * time.Millisecond, In: "TPM"},
			{Name: "498 flex", Resp: replay.Error(498, `{"error":{"message":"Capacity exceeded for flex tier","type":"capacity_exceeded"}}`), Kind: provider.KindOverloaded, Status: 498, In: "flex"},
		},
		"deepseek": {
			{Name: "402 balance", Resp: replay.Error(402, `{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}`), Kind: provider.KindAuth, Status: 402, In: "Insufficient Balance"},
			{Name: "503 overloaded", Resp: replay.Error(503, `{"error":{"message":"Server is busy","type":"service_unavailable"}}`), Stream: true, Kind: provider.KindOverloaded, Status: 503, In: "busy"},
			{Name: "context", Resp: replay.Error(400, `{"error":{"message":"This model's maximum context length is 65536 tokens. However, you requested 70000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}`), Kind: provider.KindContextLength, Status: 400, In: "65536"},
		},
		"openrouter": {
			{Name: "402", Resp: replay.Error(402, `{"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/credits","metadata":{}}}`), Kind: provider.KindAuth, Status: 402, In: "Insufficient credits"},
			{Name: "429", Resp: replay.Error(429, `{"error":{"code":429,"message":"Rate limit exceeded","metadata":{}}}`, "Retry-After", "5"), Kind: provider.KindRateLimited, Status: 429, Retry: 5 * time.Second, In: "Rate limit"},
			{Name: "mid-stream error", Resp: replay.Response{Body: ": OPENROUTER PROCESSING\n\n" + sseChunk +
				"data: {\"id\":\"gen-1\",\"error\":{\"code\":502,\"message\":\"Provider returned error\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n"}, Stream: true, Kind: provider.KindTransient, Status: 502, In: "Provider returned error"},
		},
		"together": {
			{Name: "cut mid-stream", Resp: replay.Response{Body: sseChunk + sseChunk + "data: [DONE]\n\n", CutAfter: len(sseChunk) + 20}, Stream: true, Kind: provider.KindTransient, In: "together"},
		},
		"vllm": {
			{Name: "ends without terminator", Resp: replay.Response{Body: sseChunk}, Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
			{Name: "legacy flat context error", Resp: replay.Error(400, `{"object":"error","message":"This model's maximum context length is 2048 tokens. However, you requested 2723 tokens (1699 in the messages, 1024 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}`), Kind: provider.KindContextLength, Status: 400, In: "2048"},
		},
		"xai": {
			{Name: "malformed", Resp: replay.Response{Body: `{"choices":[{"message":`}, Kind: provider.KindTransient, Status: 200, In: "malformed"},
		},
	}
	for vendor, cases := range tests {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			providertest.GenerateErrors(t, cases, provider.Request{Messages: hello}, testKey, func(t testing.TB, url string) provider.Provider {
				p, err := provider.New(provider.Config{Vendor: vendor, Model: "m", BaseURL: url, APIKey: testKey})
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return p
			})
		})
	}
}

// TestKeepAlives: DeepSeek holds a busy connection open with blank lines
// before a JSON body and ": keep-alive" comments in a stream; OpenRouter
// with whitespace and ": OPENROUTER PROCESSING".
func TestKeepAlives(t *testing.T) {
	t.Parallel()
	const final = `{"id":"x","model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"Thinking.","content":"Olá!"},"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":10,"completion_tokens":30,"total_tokens":40,"prompt_tokens_details":{"cached_tokens":8},"completion_tokens_details":{"reasoning_tokens":25},"prompt_cache_hit_tokens":8,"prompt_cache_miss_tokens":2}}`
	stream := ": keep-alive\n\n: keep-alive\n\n" +
		`data: {"id":"x","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"Thinking."},"finish_reason":null}]}` + "\n\n" +
		": keep-alive\n\n" +
		`data: {"id":"x","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"Olá!"},"finish_reason":null}]}` + "\n\n" +
		`data: {"id":"x","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":30,"total_tokens":40,"prompt_tokens_details":{"cached_tokens":8},"completion_tokens_details":{"reasoning_tokens":25}}}` + "\n\n" +
		"data: [DONE]\n\n"
	want := provider.Response{Text: "Olá!", Model: "deepseek-reasoner", FinishReason: "stop", RawFinishReason: "stop",
		Usage: bench.Usage{Prompt: 10, Completion: 30, Cached: 8, Reasoning: 25, Total: 40}}
	for name, tc := range map[string]struct {
		vendor, body string
		stream       bool
	}{
		"deepseek blank lines": {"deepseek", "\n\n\n" + final, false},
		"deepseek keep-alive":  {"deepseek", stream, true},
		"openrouter spaces":    {"openrouter", "\n         \n" + final, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{{Body: tc.body}})
			p, err := provider.New(provider.Config{Vendor: tc.vendor, Model: "deepseek-reasoner", BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			got, err := p.Generate(t.Context(), provider.Request{Messages: hello, Stream: tc.stream}, func(provider.Chunk) error { return nil })
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkGenerateStream(b *testing.B) {
	cas := replay.Load(b, "TestOpenAICompatibleCommon/groq-kimi-k2/simple_streaming.yaml")
	srv := replay.ServeCassette(b, cas)
	p, err := provider.New(provider.Config{Vendor: "groq", Model: "moonshotai/kimi-k2-instruct-0905", BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	req := provider.Request{Messages: hello, Stream: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Generate(b.Context(), req, func(provider.Chunk) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
