package azure

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

const testKey = "azure-test-key-0123456789"

var hello = []bench.Message{{Role: bench.RoleUser, Content: "Say hi in Portuguese"}}

func discard(provider.Chunk) error { return nil }

func newClient(t testing.TB, base string, opts map[string]any) *Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: "gpt-5-mini", BaseURL: base, APIKey: testKey, Options: opts})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// TestReplay runs the recorded Azure exchanges (v1 route) through the client.
func TestReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		wantText string
	}{
		{"TestAzureCommon/azure-gpt-5-mini/simple.yaml", "Olá!"},
		{"TestAzureCommon/azure-gpt-5-mini/simple_streaming.yaml", "Oi!"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, tt.file)
			var recorded struct {
				Messages []bench.Message `json:"messages"`
			}
			if err := json.Unmarshal([]byte(cas.Interactions[0].Request.Body), &recorded); err != nil {
				t.Fatal(err)
			}
			srv := replay.ServeCassette(t, cas)
			stream := strings.Contains(tt.file, "streaming")
			resp, chunks := providertest.GenerateChunks(t, newClient(t, srv.URL, nil), provider.Request{Messages: recorded.Messages, Stream: stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}})
			want := provider.Response{Text: tt.wantText, Model: "gpt-5-mini-2025-08-07", FinishReason: provider.FinishStop, RawFinishReason: "stop",
				Usage: bench.Usage{Prompt: 19, Completion: 76, Reasoning: 64, Total: 95}}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if strings.Join(chunks, "") != tt.wantText {
				t.Errorf("emitted %q", chunks)
			}
			// The recorded URL is {resource}/openai/v1/chat/completions.
			seen := srv.Last(t)
			head := []string{seen.Method, seen.Path, seen.RawQuery, seen.Header.Get("Api-Key"), seen.Header.Get("Authorization")}
			if diff := cmp.Diff([]string{"POST", "/openai/v1/chat/completions", "", testKey, ""}, head); diff != "" {
				t.Errorf("request head (-want +got):\n%s", diff)
			}
			var body map[string]any
			if err := json.Unmarshal(seen.Body, &body); err != nil {
				t.Fatal(err)
			}
			if body["model"] != "gpt-5-mini" || body["max_completion_tokens"] != float64(4000) || body["max_tokens"] != nil {
				t.Errorf("body model %v, max_completion_tokens %v, max_tokens %v", body["model"], body["max_completion_tokens"], body["max_tokens"])
			}
		})
	}
}

// TestRoutes checks the URL and auth header each option set produces.
func TestRoutes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		base      string
		opts      map[string]any
		model     string
		wantPath  string
		wantQuery string
		wantKey   string
		wantAuth  string
	}{
		{"v1 route", "", nil, "", "/openai/v1/chat/completions", "", testKey, ""},
		{"base with /openai/v1", "/openai/v1/", nil, "", "/openai/v1/chat/completions", "", testKey, ""},
		{"deployment = model", "", map[string]any{"api_version": "2025-04-01-preview"}, "", "/openai/deployments/gpt-5-mini/chat/completions", "api-version=2025-04-01-preview", testKey, ""},
		{"deployment option", "/openai", map[string]any{"deployment": "prod gpt5"}, "", "/openai/deployments/prod gpt5/chat/completions", "api-version=" + DefaultAPIVersion, testKey, ""},
		{"request model overrides deployment", "", map[string]any{"deployment": "prod"}, "other", "/openai/deployments/other/chat/completions", "api-version=" + DefaultAPIVersion, testKey, ""},
		{"entra bearer", "", map[string]any{"auth": "bearer"}, "", "/openai/v1/chat/completions", "", "", "Bearer " + testKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{{Body: `{"choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}]}`}})
			c := newClient(t, srv.URL+tt.base, tt.opts)
			if _, err := c.Generate(t.Context(), provider.Request{Model: tt.model, Messages: hello}, discard); err != nil {
				t.Fatalf("Generate: %v", err)
			}
			seen := srv.Last(t)
			got := []string{seen.Path, seen.RawQuery, seen.Header.Get("Api-Key"), seen.Header.Get("Authorization")}
			if diff := cmp.Diff([]string{tt.wantPath, tt.wantQuery, tt.wantKey, tt.wantAuth}, got); diff != "" {
				t.Errorf("path, query, api-key, authorization (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		base   string
		opts   map[string]any
		wantIn string
	}{
		{"no base URL", "", nil, "azure needs base_url"},
		{"not a URL", "my-resource", nil, "want the resource endpoint"},
		{"bad auth", "https://r.openai.azure.com", map[string]any{"auth": "oauth"}, "option auth"},
		{"unknown option", "https://r.openai.azure.com", map[string]any{"apiversion": "x"}, "option apiversion: unknown to the azure provider"},
		{"version not string", "https://r.openai.azure.com", map[string]any{"api_version": 2024}, "option api_version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := provider.New(provider.Config{ID: "azure:gpt-5-mini", Vendor: Vendor, Model: "gpt-5-mini", BaseURL: tt.base, Options: tt.opts})
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("New error = %v, want one mentioning %q", err, tt.wantIn)
			}
		})
	}
}

// TestErrors uses Azure's documented error bodies and headers (PROVIDER_FACTS §9).
func TestErrors(t *testing.T) {
	t.Parallel()
	const sseChunk = "data: {\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"Oi\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"model\":\"gpt-5-mini-2025-08-07\"}\n\n"
	tests := []providertest.ErrorCase{
		{Name: "401", Resp: replay.Error(401, `{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}`), Kind: provider.KindAuth, Status: 401, In: "Access denied"},
		{Name: "404 deployment", Resp: replay.Error(404, `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}`), Kind: provider.KindBadRequest, Status: 404, In: "deployment option"},
		{Name: "429 retry-after-ms", Resp: replay.Error(429, `{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds."}}`,
			"Retry-After", "6", "Retry-After-Ms", "5500", "X-Ratelimit-Remaining-Tokens", "0"), Stream: true, Kind: provider.KindRateLimited, Status: 429, Retry: 5500 * time.Millisecond, In: "token rate limit"},
		{Name: "429 message only", Resp: replay.Error(429, `{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds."}}`), Kind: provider.KindRateLimited, Status: 429, Retry: 6 * time.Second, In: "retry after 6 seconds"},
		{Name: "500", Resp: replay.Error(500, `{"error":{"code":"InternalServerError","message":"The server had an error processing your request."}}`), Kind: provider.KindTransient, Status: 500, In: "server had an error"},
		{Name: "context length", Resp: replay.Error(400, `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`), Kind: provider.KindContextLength, Status: 400, In: "128000"},
		{Name: "stream cut", Resp: replay.Response{Body: sseChunk + sseChunk + "data: [DONE]\n\n", CutAfter: len(sseChunk) + 15}, Stream: true, Kind: provider.KindTransient, In: "azure"},
		{Name: "stream without terminator", Resp: replay.Response{Body: sseChunk}, Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
		{Name: "malformed", Resp: replay.Response{Body: `{"choices":[`}, Kind: provider.KindTransient, Status: 200, In: "malformed"},
	}
	providertest.GenerateErrors(t, tests, provider.Request{Messages: hello}, testKey, func(t testing.TB, url string) *Client { return newClient(t, url, nil) })
}

// TestContentFilter: a filtered prompt (400 content_filter) and filtered
// output (finish_reason content_filter) both give finish reason content_filter.
func TestContentFilter(t *testing.T) {
	t.Parallel()
	prompt := replay.Error(400, `{"error":{"code":"content_filter","message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.","param":"prompt","status":400,`+
		`"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"medium"}}}}}`)
	output := replay.Response{Body: `{"choices":[{"content_filter_results":{"violence":{"filtered":true,"severity":"medium"}},"finish_reason":"content_filter","index":0,"message":{"content":"I was about to","role":"assistant"}}],"model":"gpt-5-mini-2025-08-07","usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}`}
	tests := []struct {
		name string
		resp replay.Response
		want provider.Response
	}{
		{"prompt", prompt, provider.Response{Model: "gpt-5-mini", FinishReason: provider.FinishContentFilter, RawFinishReason: "content_filter"}},
		{"output", output, provider.Response{Text: "I was about to", Model: "gpt-5-mini-2025-08-07", FinishReason: provider.FinishContentFilter, RawFinishReason: "content_filter",
			Usage: bench.Usage{Prompt: 9, Completion: 4, Total: 13}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			got, err := newClient(t, srv.URL, nil).Generate(t.Context(), provider.Request{Messages: hello}, discard)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
}

func TestModels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		responses []replay.Response
		want      []string
		wantPaths []string
		wantKind  provider.Kind
	}{
		{"deployments list", []replay.Response{{Body: `{"data":[{"id":"prod-gpt5","model":"gpt-5-mini","status":"succeeded","object":"deployment"}],"object":"list"}`}},
			[]string{"prod-gpt5"}, []string{"/openai/deployments"}, ""},
		{"fallback to v1 models", []replay.Response{replay.Error(404, `{"error":{"code":"404","message":"Resource not found"}}`), {Body: `{"object":"list","data":[{"id":"gpt-5-mini","object":"model"}]}`}},
			[]string{"gpt-5-mini"}, []string{"/openai/deployments", "/openai/v1/models"}, ""},
		{"bad key, no fallback", []replay.Response{replay.Error(401, `{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}`)},
			nil, []string{"/openai/deployments"}, provider.KindAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, tt.responses)
			got, err := newClient(t, srv.URL, nil).Models(t.Context())
			if tt.wantKind != "" {
				if pe := provider.AsError(err); pe == nil || pe.Kind != tt.wantKind {
					t.Fatalf("Models error = %v, want %s", err, tt.wantKind)
				}
			} else if err != nil {
				t.Fatalf("Models: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("models (-want +got):\n%s", diff)
			}
			var paths []string
			for _, r := range srv.Requests() {
				paths = append(paths, r.Path)
			}
			if diff := cmp.Diff(tt.wantPaths, paths); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmbedAndHealth(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{
		{Body: `{"object":"list","data":[{"object":"embedding","embedding":[0.25,-0.5],"index":0}],"model":"text-embedding-3-small","usage":{"prompt_tokens":3,"total_tokens":3}}`},
		{Body: `{"object":"list","data":[]}`},
	})
	c := newClient(t, srv.URL, map[string]any{"api_version": "2024-10-21"})
	got, err := c.Embed(t.Context(), "embed-small", []string{"hi"})
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if diff := cmp.Diff(provider.Embeddings{Vectors: [][]float64{{0.25, -0.5}}, Model: "text-embedding-3-small", Usage: bench.Usage{Prompt: 3, Total: 3}}, got); diff != "" {
		t.Errorf("embeddings (-want +got):\n%s", diff)
	}
	if err := c.Health(t.Context()); err != nil {
		t.Errorf("Health: %v", err)
	}
	reqs := srv.Requests()
	got2 := []string{reqs[0].Path + "?" + reqs[0].RawQuery, reqs[1].Path}
	if diff := cmp.Diff([]string{"/openai/deployments/embed-small/embeddings?api-version=2024-10-21", "/openai/v1/models"}, got2); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

func BenchmarkGenerateStream(b *testing.B) {
	srv := replay.ServeCassette(b, replay.Load(b, "TestAzureCommon/azure-gpt-5-mini/simple_streaming.yaml"))
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
