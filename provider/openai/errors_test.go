package openai

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

var hello = []bench.Message{{Role: bench.RoleUser, Content: "Say hi in Portuguese"}}

// fixed answers every request with status, headers and body.
func fixed(t *testing.T, status int, headers map[string]string, body string) *replay.Server {
	t.Helper()
	h := map[string][]string{}
	for k, v := range headers {
		h[k] = []string{v}
	}
	return replay.Serve(t, []replay.Response{{Code: status, Body: body, Headers: h}})
}

func newClient(t *testing.T, base string) *Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: "gpt-4o-mini", BaseURL: base, APIKey: testKey})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func discard(provider.Chunk) error { return nil }

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	const sse = "text/event-stream"
	tests := []struct {
		name      string
		status    int
		headers   map[string]string
		body      string
		stream    bool
		wantKind  provider.Kind
		wantRetry time.Duration
		wantIn    string
	}{
		{"invalid key", 401, nil, `{"error":{"message":"Incorrect API key provided: ` + testKey + `. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, false, provider.KindAuth, 0, "invalid_api_key"},
		{"429 retry-after", 429, map[string]string{"Retry-After": "3"}, `{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","param":null,"code":"rate_limit_exceeded"}}`, false, provider.KindRateLimited, 3 * time.Second, "Rate limit reached"},
		{"429 retry-after-ms", 429, map[string]string{"Retry-After-Ms": "250", "Retry-After": "3"}, `{"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":"slow_down"}}`, true, provider.KindRateLimited, 250 * time.Millisecond, "slow down"},
		{"429 x-ratelimit-reset", 429, map[string]string{"X-Ratelimit-Remaining-Tokens": "0", "X-Ratelimit-Reset-Tokens": "6m0s", "X-Ratelimit-Remaining-Requests": "5", "X-Ratelimit-Reset-Requests": "1s"}, `{"error":{"message":"Rate limit reached on tokens per min (TPM)","type":"tokens","param":null,"code":"rate_limit_exceeded"}}`, false, provider.KindRateLimited, 6 * time.Minute, "TPM"},
		{"context length", 400, nil, `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`, false, provider.KindContextLength, 0, "128000"},
		{"model not found", 404, nil, "{\"error\":{\"message\":\"The model `gpt-9` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}", false, provider.KindBadRequest, 0, "gpt-9"},
		{"server error", 500, nil, `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`, true, provider.KindTransient, 0, "server had an error"},
		{"overloaded", 503, nil, `{"error":{"message":"The engine is currently overloaded, please try again later","type":"service_unavailable_error","param":null,"code":"server_is_overloaded"}}`, false, provider.KindOverloaded, 0, "overloaded"},
		{"malformed body", 200, map[string]string{"Content-Type": "application/json"}, `{"id":"chatcmpl-1","choices":[{"message":{"content":"Ol`, false, provider.KindTransient, 0, "malformed response JSON"},
		{"no choices", 200, nil, `{"id":"x","choices":[]}`, false, provider.KindTransient, 0, "no choices"},
		{"error in 200 body", 200, nil, `{"error":{"code":502,"message":"Provider returned error"}}`, false, provider.KindTransient, 0, "Provider returned error"},
		{"stream truncated", 200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"},\"finish_reason\":null}]}\n\n", true, provider.KindTransient, 0, "stream truncated"},
		{"stream cut mid-line", 200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"}}]}\n\ndata: {\"choices\":[{\"ind", true, provider.KindTransient, 0, "stream truncated"},
		{"stream malformed chunk", 200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[\n\n", true, provider.KindTransient, 0, "malformed stream chunk JSON"},
		{"stream error object", 200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"}}]}\n\ndata: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n", true, provider.KindTransient, 0, "stream error"},
		{"openrouter stream error", 200, map[string]string{"Content-Type": sse}, ": OPENROUTER PROCESSING\n\ndata: {\"id\":\"gen-1\",\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n", true, provider.KindRateLimited, 0, "Rate limit exceeded"},
		{"llama.cpp error field", 200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"}}]}\n\nerror: {\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}\n\n", true, provider.KindTransient, 0, "Loading model"},
		{"named error event", 200, map[string]string{"Content-Type": sse}, "event: error\ndata: {\"code\":500,\"message\":\"slot failed\",\"type\":\"server_error\"}\n\n", true, provider.KindTransient, 0, "slot failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fixed(t, tt.status, tt.headers, tt.body)
			_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: tt.stream}, discard)
			pe := provider.AsError(err)
			if pe == nil {
				t.Fatalf("Generate error = %v, want a *provider.Error", err)
			}
			if pe.Kind != tt.wantKind || pe.RetryAfter != tt.wantRetry {
				t.Errorf("got kind %s retry %v, want %s retry %v (%v)", pe.Kind, pe.RetryAfter, tt.wantKind, tt.wantRetry, err)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not mention %q", err, tt.wantIn)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the API key: %q", err)
			}
		})
	}
}

func TestGenerateStreamConnectionDrop(t *testing.T) {
	t.Parallel()
	event := "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"}}]}\n\n"
	srv := replay.Serve(t, []replay.Response{{Body: event + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"á!\"}}]}\n\ndata: [DONE]\n\n"}}, replay.CutAfter(len(event)+10))
	var got []string
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, func(c provider.Chunk) error {
		got = append(got, c.Text)
		return nil
	})
	pe := provider.AsError(err)
	if pe == nil || pe.Kind != provider.KindTransient {
		t.Fatalf("Generate error = %v, want transient", err)
	}
	if strings.Join(got, "") != "Ol" {
		t.Errorf("emitted %q before the drop, want %q", got, "Ol")
	}
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	srv := fixed(t, 200, nil, recordedBody(t, "TestOpenAICommon/openai-gpt-4o-mini/simple_streaming.yaml"))
	stop := errors.New("stop")
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, func(provider.Chunk) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("Generate error = %v, want the emit error", err)
	}
}

func TestGenerateTimeout(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // lets the server notice the client going away
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(provider.Config{Vendor: Vendor, Model: "gpt-4o-mini", BaseURL: srv.URL, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTimeout {
		t.Fatalf("Generate error = %v, want timeout", err)
	}
}

func TestStreamTruncatedIsSentinel(t *testing.T) {
	t.Parallel()
	srv := fixed(t, 200, nil, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n")
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, discard)
	if !errors.Is(err, httpcall.ErrStreamTruncated) {
		t.Fatalf("Generate error = %v, want ErrStreamTruncated", err)
	}
}
