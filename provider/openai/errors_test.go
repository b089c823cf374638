package openai

import (
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

var hello = []bench.Message{{Role: bench.RoleUser, Content: "Say hi in Portuguese"}}

// answer is a response with status, headers and body.
func answer(status int, headers map[string]string, body string) replay.Response {
	h := map[string][]string{}
	for k, v := range headers {
		h[k] = []string{v}
	}
	return replay.Response{Code: status, Body: body, Headers: h}
}

// fixed answers every request with status, headers and body.
func fixed(t *testing.T, status int, headers map[string]string, body string) *replay.Server {
	t.Helper()
	return replay.Serve(t, []replay.Response{answer(status, headers, body)})
}

func newClient(t testing.TB, base string) *Client {
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
	tests := []providertest.ErrorCase{
		{Name: "invalid key", Resp: answer(401, nil, `{"error":{"message":"Incorrect API key provided: `+testKey+`. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`), Kind: provider.KindAuth, Status: 401, In: "invalid_api_key"},
		{Name: "429 retry-after", Resp: answer(429, map[string]string{"Retry-After": "3"}, `{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","param":null,"code":"rate_limit_exceeded"}}`), Kind: provider.KindRateLimited, Status: 429, Retry: 3 * time.Second, In: "Rate limit reached"},
		{Name: "429 retry-after-ms", Resp: answer(429, map[string]string{"Retry-After-Ms": "250", "Retry-After": "3"}, `{"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":"slow_down"}}`), Stream: true, Kind: provider.KindRateLimited, Status: 429, Retry: 250 * time.Millisecond, In: "slow down"},
		{Name: "429 x-ratelimit-reset", Resp: answer(429, map[string]string{"X-Ratelimit-Remaining-Tokens": "0", "X-Ratelimit-Reset-Tokens": "6m0s", "X-Ratelimit-Remaining-Requests": "5", "X-Ratelimit-Reset-Requests": "1s"}, `{"error":{"message":"Rate limit reached on tokens per min (TPM)","type":"tokens","param":null,"code":"rate_limit_exceeded"}}`), Kind: provider.KindRateLimited, Status: 429, Retry: 6 * time.Minute, In: "TPM"},
		{Name: "context length", Resp: answer(400, nil, `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`), Kind: provider.KindContextLength, Status: 400, In: "128000"},
		{Name: "model not found", Resp: answer(404, nil, "{\"error\":{\"message\":\"The model `gpt-9` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}"), Kind: provider.KindBadRequest, Status: 404, In: "gpt-9"},
		{Name: "server error", Resp: answer(500, nil, `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`), Stream: true, Kind: provider.KindTransient, Status: 500, In: "server had an error"},
		{Name: "overloaded", Resp: answer(503, nil, `{"error":{"message":"The engine is currently overloaded, please try again later","type":"service_unavailable_error","param":null,"code":"server_is_overloaded"}}`), Kind: provider.KindOverloaded, Status: 503, In: "overloaded"},
		{Name: "malformed body", Resp: answer(200, map[string]string{"Content-Type": "application/json"}, `{"id":"chatcmpl-1","choices":[{"message":{"content":"Ol`), Kind: provider.KindTransient, Status: 200, In: "malformed response JSON"},
		{Name: "no choices", Resp: answer(200, nil, `{"id":"x","choices":[]}`), Kind: provider.KindTransient, Status: 200, In: "no choices"},
		{Name: "error in 200 body", Resp: answer(200, nil, `{"error":{"code":502,"message":"Provider returned error"}}`), Kind: provider.KindTransient, Status: 502, In: "Provider returned error"},
		{Name: "stream truncated", Resp: answer(200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"},\"finish_reason\":null}]}\n\n"), Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
		{Name: "stream cut mid-line", Resp: answer(200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"}}]}\n\ndata: {\"choices\":[{\"ind"), Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
		{Name: "stream malformed chunk", Resp: answer(200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[\n\n"), Stream: true, Kind: provider.KindTransient, Status: 200, In: "malformed stream chunk JSON"},
		{Name: "stream error object", Resp: answer(200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"}}]}\n\ndata: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"), Stream: true, Kind: provider.KindTransient, In: "stream error"},
		{Name: "openrouter stream error", Resp: answer(200, map[string]string{"Content-Type": sse}, ": OPENROUTER PROCESSING\n\ndata: {\"id\":\"gen-1\",\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n"), Stream: true, Kind: provider.KindRateLimited, Status: 429, In: "Rate limit exceeded"},
		{Name: "llama.cpp error field", Resp: answer(200, map[string]string{"Content-Type": sse}, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"}}]}\n\nerror: {\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}\n\n"), Stream: true, Kind: provider.KindTransient, Status: 503, In: "Loading model"},
		{Name: "named error event", Resp: answer(200, map[string]string{"Content-Type": sse}, "event: error\ndata: {\"code\":500,\"message\":\"slot failed\",\"type\":\"server_error\"}\n\n"), Stream: true, Kind: provider.KindTransient, Status: 500, In: "slot failed"},
	}
	providertest.GenerateErrors(t, tests, provider.Request{Messages: hello}, testKey, newClient)
}

func TestGenerateStreamConnectionDrop(t *testing.T) {
	t.Parallel()
	event := "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Ol\"}}]}\n\n"
	srv := replay.Serve(t, []replay.Response{{Body: event + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"á!\"}}]}\n\ndata: [DONE]\n\n"}}, replay.CutAfter(len(event)+10))
	providertest.CheckCut(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true}, "Ol")
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	srv := fixed(t, 200, nil, recordedBody(t, "TestOpenAICommon/openai-gpt-4o-mini/simple_streaming.yaml"))
	providertest.EmitStops(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true})
}

func TestGenerateTimeout(t *testing.T) {
	t.Parallel()
	srv := providertest.StallingServer(t, "", "")
	c, err := New(provider.Config{Vendor: Vendor, Model: "gpt-4o-mini", BaseURL: srv.URL, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	providertest.CheckError(t, err, provider.KindTimeout, 0, "", testKey)
}

func TestStreamTruncatedIsSentinel(t *testing.T) {
	t.Parallel()
	srv := fixed(t, 200, nil, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n")
	providertest.CheckTruncated(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true})
}
