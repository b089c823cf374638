package llamacpp

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

const testKey = "llama-test-key-0123456789"

var hello = []bench.Message{{Role: bench.RoleUser, Content: "Say hi in Portuguese"}}

func discard(provider.Chunk) error { return nil }

func newClient(t testing.TB, base, key string) *Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: "openai/gpt-oss-20b", BaseURL: base, APIKey: key})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// TestReplay runs the recorded llama-server exchanges through the client.
func TestReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		base, key string
		wantUsage bench.Usage
	}{
		{"TestOpenAICompatibleCommon/llama-cpp-gpt-oss/simple.yaml", "", "", bench.Usage{Prompt: 84, Completion: 47, Total: 131}},
		// The streamed call reused the cache: timings say cache_n 83, prompt_n 1.
		{"TestOpenAICompatibleCommon/llama-cpp-gpt-oss/simple_streaming.yaml", "/v1", testKey, bench.Usage{Prompt: 84, Completion: 57, Cached: 83, Total: 141}},
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
			stream := strings.Contains(tt.file, "streaming")
			var chunks []string
			resp, err := newClient(t, srv.URL+tt.base, tt.key).Generate(t.Context(),
				provider.Request{Messages: recorded.Messages, Stream: stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}},
				func(c provider.Chunk) error { chunks = append(chunks, c.Text); return nil })
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			// The reasoning_content deltas are not part of the answer.
			want := provider.Response{Text: "Olá!", Model: "openai/gpt-oss-20b", FinishReason: provider.FinishStop, RawFinishReason: "stop", Usage: tt.wantUsage}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			wantChunks := []string{"Olá!"}
			if stream {
				// The role delta comes first, without text; the reasoning
				// deltas are not emitted.
				wantChunks = []string{"", "Olá", "!"}
			}
			if diff := cmp.Diff(wantChunks, chunks); diff != "" {
				t.Errorf("emitted (-want +got):\n%s", diff)
			}
			seen := srv.Last(t)
			wantAuth := ""
			if tt.key != "" {
				wantAuth = "Bearer " + tt.key
			}
			if seen.Path != "/v1/chat/completions" || seen.Header.Get("Authorization") != wantAuth {
				t.Errorf("request to %s with Authorization %q, want /v1/chat/completions with %q", seen.Path, seen.Header.Get("Authorization"), wantAuth)
			}
			var body map[string]any
			if err := json.Unmarshal(seen.Body, &body); err != nil {
				t.Fatal(err)
			}
			var msgs []any
			for _, m := range recorded.Messages {
				msgs = append(msgs, map[string]any{"role": m.Role, "content": m.Content})
			}
			wantBody := map[string]any{"model": recorded.Model, "messages": msgs, "max_tokens": float64(4000)}
			if stream {
				wantBody["stream"] = true
				wantBody["stream_options"] = map[string]any{"include_usage": true}
			}
			if diff := cmp.Diff(wantBody, body); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOldBuildStream: builds before Sep 2024 end a chat stream without
// [DONE], and before Aug 2025 put usage on the finish chunk.
func TestOldBuildStream(t *testing.T) {
	t.Parallel()
	body := `data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Olá!"}}],"model":"gpt-oss","object":"chat.completion.chunk"}` + "\n\n" +
		`data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"model":"gpt-oss","object":"chat.completion.chunk","usage":{"completion_tokens":3,"prompt_tokens":9,"total_tokens":12},"timings":{"prompt_n":9,"predicted_n":3}}` + "\n\n"
	srv := replay.Serve(t, []replay.Response{{Body: body}})
	got, err := newClient(t, srv.URL, "").Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, discard)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	want := provider.Response{Text: "Olá!", Model: "gpt-oss", FinishReason: "stop", RawFinishReason: "stop", Usage: bench.Usage{Prompt: 9, Completion: 3, Total: 12}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("response (-want +got):\n%s", diff)
	}
}

// TestErrors uses llama-server's documented error bodies (PROVIDER_FACTS §8).
func TestErrors(t *testing.T) {
	t.Parallel()
	const chunk = "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"Ol\"}}],\"object\":\"chat.completion.chunk\"}\n\n"
	tests := []providertest.ErrorCase{
		{Name: "context size", Resp: replay.Error(400, `{"error":{"code":400,"message":"request (5827 tokens) exceeds the available context size (4096 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5827,"n_ctx":4096}}`), Kind: provider.KindContextLength, Status: 400, In: "4096"},
		{Name: "bad key", Resp: replay.Error(401, `{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}`), Kind: provider.KindAuth, Status: 401, In: "Invalid API Key"},
		{Name: "loading", Resp: replay.Error(503, `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`), Stream: true, Kind: provider.KindOverloaded, Status: 503, In: "Loading model"},
		{Name: "not supported", Resp: replay.Error(501, `{"error":{"code":501,"message":"This server does not support embeddings. Start it with --embeddings","type":"not_supported_error"}}`), Kind: provider.KindBadRequest, Status: 501, In: "not support"},
		{Name: "server error", Resp: replay.Error(500, `{"error":{"code":500,"message":"failed to decode","type":"server_error"}}`), Kind: provider.KindTransient, Status: 500, In: "failed to decode"},
		// Server-side errors that name no known cause stay transient, even
		// when they mention a context.
		{Name: "other 500", Resp: replay.Error(500, `{"error":{"code":500,"message":"failed to restore context shift state","type":"server_error"}}`), Kind: provider.KindTransient, Status: 500, In: "restore"},
		// --no-context-shift and a prompt plus max_tokens over the context.
		{Name: "context shift disabled", Resp: replay.Error(500, `{"error":{"code":500,"message":"context shift is disabled","type":"server_error"}}`), Kind: provider.KindContextLength, Status: 500, In: "context shift is disabled"},
		{Name: "context shift disabled mid-stream", Resp: replay.Response{Body: chunk + `error: {"code":500,"message":"context shift is disabled","type":"server_error"}` + "\n\n"}, Stream: true, Kind: provider.KindContextLength, Status: 500, In: "context shift is disabled"},
		// Request checks that early-2025 builds answer with 500.
		{Name: "n 2", Resp: replay.Error(500, `{"error":{"code":500,"message":"Only one completion choice is allowed","type":"server_error"}}`), Kind: provider.KindBadRequest, Status: 500, In: "Only one completion choice"},
		{Name: "n 2 streamed", Resp: replay.Error(500, `{"error":{"code":500,"message":"Only one completion choice is allowed","type":"server_error"}}`), Stream: true, Kind: provider.KindBadRequest, Status: 500, In: "Only one completion choice"},
		{Name: "tools without jinja", Resp: replay.Error(500, `{"error":{"code":500,"message":"tools param requires --jinja flag","type":"server_error"}}`), Kind: provider.KindBadRequest, Status: 500, In: "--jinja"},
		{Name: "unsupported param", Resp: replay.Error(500, `{"error":{"code":500,"message":"Unsupported param: tool_choice","type":"server_error"}}`), Kind: provider.KindBadRequest, Status: 500, In: "tool_choice"},
		{Name: "top_logprobs alone", Resp: replay.Error(500, `{"error":{"code":500,"message":"top_logprobs requires logprobs to be set to true","type":"server_error"}}`), Kind: provider.KindBadRequest, Status: 500, In: "top_logprobs"},
		{Name: "missing content", Resp: replay.Error(500, `{"error":{"code":500,"message":"Missing 'content' (ref: https://github.com/ggml-org/llama.cpp/issues/8367)","type":"server_error"}}`), Kind: provider.KindBadRequest, Status: 500, In: "Missing 'content'"},
		{Name: "mid-stream error field", Resp: replay.Response{Body: chunk + `error: {"code":500,"message":"slot crashed","type":"server_error"}` + "\n\n"}, Stream: true, Kind: provider.KindTransient, Status: 500, In: "slot crashed"},
		{Name: "mid-stream loading", Resp: replay.Response{Body: chunk + `error: {"code":503,"message":"Loading model","type":"unavailable_error"}` + "\n\n"}, Stream: true, Kind: provider.KindOverloaded, Status: 503, In: "Loading model"},
		{Name: "mid-stream context", Resp: replay.Response{Body: `error: {"code":400,"message":"request (5827 tokens) exceeds the available context size (4096 tokens), try increasing it","type":"exceed_context_size_error"}` + "\n\n"}, Stream: true, Kind: provider.KindContextLength, Status: 400, In: "context size"},
		{Name: "cut", Resp: replay.Response{Body: chunk + chunk + "data: [DONE]\n\n", CutAfter: len(chunk) + 9}, Stream: true, Kind: provider.KindTransient, In: "llamacpp"},
		{Name: "no terminator, no finish", Resp: replay.Response{Body: chunk}, Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
	}
	providertest.GenerateErrors(t, tests, provider.Request{Messages: hello}, testKey, func(t testing.TB, url string) *Client { return newClient(t, url, testKey) })
}

func TestHealthModelsEmbed(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{
		replay.Error(503, `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`),
		{Body: `{"status":"ok"}`},
		{Body: `{"tokens":[]}`},
		{Body: `{"object":"list","data":[{"id":"../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf","object":"model","created":1735142223,"owned_by":"llamacpp","meta":{"vocab_type":2,"n_ctx_train":131072}}]}`},
		{Body: `{"tokens":[]}`},
		{Body: `{"model":"nomic","object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,0.25]}],"usage":{"prompt_tokens":2,"total_tokens":2}}`},
	})
	c := newClient(t, srv.URL, "")
	if pe := provider.AsError(c.Health(t.Context())); pe == nil || pe.Kind != provider.KindOverloaded {
		t.Errorf("Health while loading = %v, want overloaded", pe)
	}
	if err := c.Health(t.Context()); err != nil {
		t.Errorf("Health: %v", err)
	}
	models, err := c.Models(t.Context())
	if err != nil || !cmp.Equal(models, []string{"../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"}) {
		t.Errorf("Models = %v, %v", models, err)
	}
	emb, err := c.Embed(t.Context(), "nomic", []string{"hi"})
	if err != nil || !cmp.Equal(emb.Vectors, [][]float64{{0.5, 0.25}}) {
		t.Errorf("Embed = %+v, %v", emb, err)
	}
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	if diff := cmp.Diff([]string{"GET /health", "GET /health", "POST /tokenize", "GET /v1/models", "POST /tokenize", "POST /v1/embeddings"}, paths); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestCheckInput(t *testing.T) {
	t.Parallel()
	c := newClient(t, "", "")
	for _, tt := range []struct {
		part bench.Part
		ok   bool
	}{
		{bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: []byte("x")}, true},
		{bench.Part{Type: bench.PartImage, MediaType: "image/jpeg", URL: "http://example.com/a.jpg"}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/wav", Data: []byte("x")}, true},
		{bench.Part{Type: bench.PartAudio, MediaType: "audio/flac", Data: []byte("x")}, false},
	} {
		if err := c.CheckInput(tt.part); (err == nil) != tt.ok {
			t.Errorf("CheckInput(%s) = %v, want ok %v", tt.part.MediaType, err, tt.ok)
		}
	}
}

func BenchmarkGenerateStream(b *testing.B) {
	srv := replay.ServeCassette(b, replay.Load(b, "TestOpenAICompatibleCommon/llama-cpp-gpt-oss/simple_streaming.yaml"))
	c := newClient(b, srv.URL, "")
	req := provider.Request{Messages: hello, Stream: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Generate(b.Context(), req, discard); err != nil {
			b.Fatal(err)
		}
	}
}

func ptr[T any](v T) *T { return &v }
