package mistral

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
	"github.com/llm-test-bench/llm-test-bench/provider/openai"
)

const testKey = "mistral-test-key-0123456789"

var hello = []bench.Message{{Role: bench.RoleUser, Content: "Say hi in Portuguese"}}

func discard(provider.Chunk) error { return nil }

func newClient(t testing.TB, base string, opts map[string]any) *openai.Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: "mistral-small-latest", BaseURL: base, APIKey: testKey, Options: opts})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// The documented response shapes (PROVIDER_FACTS §6).
const (
	answer = `{"id":"cmpl-1","object":"chat.completion","created":1711929600,"model":"mistral-small-latest","choices":[{"index":0,"message":{"role":"assistant","content":"Olá!","tool_calls":null,"prefix":false},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}`
	stream = `data: {"id":"cmpl-2","object":"chat.completion.chunk","created":1711929600,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}` + "\n\n" +
		`data: {"id":"cmpl-2","object":"chat.completion.chunk","created":1711929600,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":"Ol"},"finish_reason":null}]}` + "\n\n" +
		`data: {"id":"cmpl-2","object":"chat.completion.chunk","created":1711929600,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":"á!"},"finish_reason":null}]}` + "\n\n" +
		`data: {"id":"cmpl-2","object":"chat.completion.chunk","created":1711929600,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}` + "\n\n" +
		"data: [DONE]\n\n"
)

func TestGenerate(t *testing.T) {
	t.Parallel()
	msgs := []any{map[string]any{"role": "user", "content": "Say hi in Portuguese"}}
	sampling := provider.Sampling{Temperature: ptr(0.3), TopP: ptr(0.9), MaxTokens: ptr(64), Stop: []string{"\n"}, Seed: ptr(42), Logprobs: true}
	tests := []struct {
		name     string
		body     string
		stream   bool
		opts     map[string]any
		wantBody map[string]any
	}{
		{"non-streamed", answer, false, nil, map[string]any{"model": "mistral-small-latest", "messages": msgs,
			"temperature": 0.3, "top_p": 0.9, "max_tokens": float64(64), "stop": []any{"\n"}, "random_seed": float64(42)}},
		{"streamed with safe_prompt", stream, true, map[string]any{"safe_prompt": true}, map[string]any{"model": "mistral-small-latest", "messages": msgs,
			"temperature": 0.3, "top_p": 0.9, "max_tokens": float64(64), "stop": []any{"\n"}, "random_seed": float64(42), "stream": true, "safe_prompt": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{{Body: tt.body}})
			got, chunks := providertest.GenerateChunks(t, newClient(t, srv.URL+"/v1", tt.opts), provider.Request{Messages: hello, Sampling: sampling, Stream: tt.stream})
			want := provider.Response{Text: "Olá!", Model: "mistral-small-latest", FinishReason: "stop", RawFinishReason: "stop", Usage: bench.Usage{Prompt: 10, Completion: 20, Total: 30}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			providertest.CheckChunks(t, chunks, "Olá!", tt.stream)
			seen := srv.Last(t)
			if seen.Path != "/v1/chat/completions" || seen.Header.Get("Authorization") != "Bearer "+testKey {
				t.Errorf("request to %s with Authorization %q", seen.Path, seen.Header.Get("Authorization"))
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

func TestFinishReasons(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{"stop": "stop", "length": "length", "model_length": "length", "tool_calls": "tool_calls", "error": "error", "something_new": ""} {
		srv := replay.Serve(t, []replay.Response{{Body: strings.Replace(answer, `"finish_reason":"stop"`, `"finish_reason":"`+raw+`"`, 1)}})
		got, err := newClient(t, srv.URL, nil).Generate(t.Context(), provider.Request{Messages: hello}, discard)
		if err != nil || got.FinishReason != want || got.RawFinishReason != raw {
			t.Errorf("%s: got %q (raw %q), %v; want %q", raw, got.FinishReason, got.RawFinishReason, err, want)
		}
	}
}

func TestMultimodal(t *testing.T) {
	t.Parallel()
	png, wav := []byte("\x89PNG"), []byte("RIFF")
	b64 := base64.StdEncoding.EncodeToString
	srv := replay.Serve(t, []replay.Response{{Body: answer}})
	c := newClient(t, srv.URL, nil)
	msgs := []bench.Message{{Role: "user", Content: "What is in these?", Parts: []bench.Part{
		{Type: bench.PartImage, MediaType: "image/png", Data: png},
		{Type: bench.PartImage, MediaType: "image/jpeg", URL: "https://example.com/a.jpg"},
		{Type: bench.PartAudio, MediaType: "audio/mpeg", Data: wav},
	}}}
	if err := provider.CheckInputs(c, msgs); err != nil {
		t.Fatalf("CheckInputs: %v", err)
	}
	if _, err := c.Generate(t.Context(), provider.Request{Messages: msgs}, discard); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	var body struct {
		Messages []map[string]any `json:"messages"`
	}
	if err := json.Unmarshal(srv.Last(t).Body, &body); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"role": "user", "content": []any{
		map[string]any{"type": "text", "text": "What is in these?"},
		map[string]any{"type": "image_url", "image_url": "data:image/png;base64," + b64(png)},
		map[string]any{"type": "image_url", "image_url": "https://example.com/a.jpg"},
		map[string]any{"type": "input_audio", "input_audio": b64(wav)},
	}}}
	if diff := cmp.Diff(want, body.Messages); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	for _, p := range []bench.Part{
		{Type: bench.PartAudio, MediaType: "audio/wav", URL: "https://example.com/a.wav"},
		{Type: bench.PartAudio, MediaType: "audio/ogg", Data: wav},
		{Type: bench.PartImage, MediaType: "image/bmp", Data: png},
	} {
		if err := c.CheckInput(p); err == nil || !strings.Contains(err.Error(), "mistral does not accept") {
			t.Errorf("CheckInput(%s %s %s) = %v, want a refusal", p.Type, p.MediaType, p.URL, err)
		}
	}
}

// TestErrors uses Mistral's documented error bodies and headers (PROVIDER_FACTS §6).
func TestErrors(t *testing.T) {
	t.Parallel()
	tests := []providertest.ErrorCase{
		{Name: "gateway 401", Resp: replay.Error(401, `{"message":"Unauthorized","request_id":"5d8a1c"}`), Kind: provider.KindAuth, Status: 401, In: "Unauthorized"},
		{Name: "gateway 429 bucket reset", Resp: replay.Error(429, `{"message":"Requests rate limit exceeded"}`, "Ratelimitbysize-Reset", "12", "Ratelimitbysize-Remaining", "0"), Kind: provider.KindRateLimited, Status: 429, Retry: 12 * time.Second, In: "Requests rate limit exceeded"},
		{Name: "429 retry-after", Resp: replay.Error(429, `{"message":"Tokens per minute limit exceeded"}`, "Retry-After", "3", "Ratelimitbysize-Reset", "40"), Stream: true, Kind: provider.KindRateLimited, Status: 429, Retry: 3 * time.Second, In: "Tokens per minute"},
		{Name: "400 api error", Resp: replay.Error(400, `{"object":"error","message":"Invalid model: mistral-huge","type":"invalid_request_error","param":null,"code":"1500"}`), Kind: provider.KindBadRequest, Status: 400, In: "Invalid model"},
		{Name: "context overflow", Resp: replay.Error(400, `{"object":"error","message":"Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length","type":"invalid_request_error","param":null,"code":"3051"}`), Kind: provider.KindContextLength, Status: 400, In: "32768"},
		{Name: "422 validation", Resp: replay.Error(422, `{"detail":[{"type":"string_type","loc":["body","messages",0,"content"],"msg":"Input should be a valid string","input":42}]}`), Kind: provider.KindBadRequest, Status: 422, In: "Input should be a valid string at body.messages.0.content"},
		{Name: "503", Resp: replay.Error(503, `{"object":"error","message":"Service unavailable","type":"service_unavailable","param":null,"code":"1000"}`), Kind: provider.KindOverloaded, Status: 503, In: "unavailable"},
		{Name: "stream cut", Resp: replay.Response{Body: stream, CutAfter: 300}, Stream: true, Kind: provider.KindTransient, In: "mistral"},
		{Name: "malformed", Resp: replay.Response{Body: `{"choices":`}, Kind: provider.KindTransient, Status: 200, In: "malformed"},
	}
	providertest.GenerateErrors(t, tests, provider.Request{Messages: hello}, testKey, func(t testing.TB, url string) *openai.Client { return newClient(t, url, nil) })
}

func TestModelsEmbedAndRateLimits(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{
		{Body: `{"object":"list","data":[{"id":"mistral-small-latest","object":"model","created":1711929600,"owned_by":"mistralai","capabilities":{"completion_chat":true,"vision":true},"name":"mistral-small-2506","max_context_length":131072,"aliases":["mistral-small-2506"],"deprecation":null,"type":"base"}]}`,
			Headers: map[string][]string{"Ratelimitbysize-Remaining": {"499000"}, "Ratelimitbysize-Reset": {"31"}}},
		{Body: `{"id":"e1","object":"list","data":[{"object":"embedding","embedding":[0.1,0.2],"index":0}],"model":"codestral-embed","usage":{"prompt_tokens":4,"total_tokens":4}}`},
	})
	c := newClient(t, srv.URL, map[string]any{"dimensions": 256})
	models, err := c.Models(t.Context())
	if err != nil || !cmp.Equal(models, []string{"mistral-small-latest"}) {
		t.Errorf("Models = %v, %v", models, err)
	}
	rl, ok := c.RateLimits()
	if want := (provider.RateLimits{RemainingRequests: -1, RemainingTokens: 499000, ResetTokens: 31 * time.Second}); !ok || rl != want {
		t.Errorf("RateLimits = %+v, %v; want %+v", rl, ok, want)
	}
	emb, err := c.Embed(t.Context(), "codestral-embed", []string{"hi"})
	if err != nil || !cmp.Equal(emb.Vectors, [][]float64{{0.1, 0.2}}) || emb.Usage.Prompt != 4 {
		t.Errorf("Embed = %+v, %v", emb, err)
	}
	reqs := srv.Requests()
	var body map[string]any
	if err := json.Unmarshal(reqs[1].Body, &body); err != nil {
		t.Fatal(err)
	}
	got := []any{reqs[0].Path, reqs[1].Path, body["output_dimension"], body["encoding_format"]}
	if diff := cmp.Diff([]any{"/v1/models", "/v1/embeddings", float64(256), "float"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]map[string]any{
		"safe_prompt not bool": {"safe_prompt": "yes"},
		"unknown":              {"random_seed": 3},
	} {
		if _, err := New(provider.Config{Model: "m", Options: opts}); err == nil {
			t.Errorf("%s: New accepted %v", name, opts)
		}
	}
}

func BenchmarkGenerateStream(b *testing.B) {
	srv := replay.Serve(b, []replay.Response{{Body: stream}})
	c := newClient(b, srv.URL, nil)
	req := provider.Request{Messages: hello, Stream: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Generate(b.Context(), req, discard); err != nil {
			b.Fatal(err)
		}
	}
}

func ptr[T any](v T) *T { return &v }
