package anthropic

import (
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

var hello = []bench.Message{{Role: bench.RoleUser, Content: "Say hi in Portuguese"}}

// clock is the fixed time error tests read rate-limit resets against.
var clock = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func newClient(t testing.TB, base string) *Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: "claude-sonnet-4-20250514", BaseURL: base, APIKey: testKey})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.now = func() time.Time { return clock }
	return c
}

func discard(provider.Chunk) error { return nil }

// anthropicError is Anthropic's documented error body.
func anthropicError(typ, msg string) string {
	return `{"type":"error","error":{"type":"` + typ + `","message":"` + msg + `"},"request_id":"req_018EeWyXxfu5pfWkrYcMdjWG"}`
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	const sse = "text/event-stream; charset=utf-8"
	start := "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-sonnet-4-20250514\",\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":16,\"output_tokens\":1}}}\n\n" +
		"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Ol\"}}\n\n"
	tests := []providertest.ErrorCase{
		{Name: "invalid key", Resp: replay.Error(401, anthropicError("authentication_error", "invalid x-api-key: "+testKey)), Kind: provider.KindAuth, Status: 401, In: "invalid x-api-key: [redacted]"},
		{Name: "permission", Resp: replay.Error(403, anthropicError("permission_error", "Your API key does not have permission to use the specified resource.")), Stream: true, Kind: provider.KindAuth, Status: 403, In: "permission_error"},
		{Name: "billing", Resp: replay.Error(402, anthropicError("billing_error", "There is an issue with your account's billing.")), Kind: provider.KindAuth, Status: 402, In: "billing"},
		{Name: "low credit on 400", Resp: replay.Error(400, anthropicError("invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.")), Kind: provider.KindAuth, Status: 400, In: "credit balance"},
		{Name: "unknown model", Resp: replay.Error(404, anthropicError("not_found_error", "model: claude-x")), Kind: provider.KindBadRequest, Status: 404, In: "model: claude-x"},
		{Name: "temperature out of range", Resp: replay.Error(400, anthropicError("invalid_request_error", "temperature: range: 0..1")), Kind: provider.KindBadRequest, Status: 400, In: "temperature"},
		{Name: "prompt is too long", Resp: replay.Error(400, anthropicError("invalid_request_error", "prompt is too long: 208423 tokens > 200000 maximum")), Kind: provider.KindContextLength, Status: 400, In: "208423"},
		{Name: "input and max_tokens exceed context", Resp: replay.Error(400, anthropicError("invalid_request_error", "input length and `max_tokens` exceed context limit: 199000 + 8000 > 200000, decrease input length or `max_tokens` and try again")), Stream: true, Kind: provider.KindContextLength, Status: 400, In: "exceed context limit"},
		{Name: "413 from cloudflare", Resp: replay.Response{Code: 413, Headers: map[string][]string{"Content-Type": {"text/html"}}, Body: "<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>cloudflare</center></body></html>"}, Kind: provider.KindBadRequest, Status: 413, In: "32 MB"},
		{Name: "413 json", Resp: replay.Error(413, anthropicError("request_too_large", "Request exceeds the maximum allowed number of bytes.")), Kind: provider.KindBadRequest, Status: 413, In: "request_too_large"},
		{Name: "429 retry-after", Resp: replay.Error(429, anthropicError("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"), "Retry-After", "7",
			"Anthropic-Ratelimit-Tokens-Remaining", "0", "Anthropic-Ratelimit-Tokens-Reset", "2025-01-01T00:00:30Z"), Kind: provider.KindRateLimited, Status: 429, Retry: 7 * time.Second, In: "per-minute rate limit"},
		{Name: "429 retry-after-ms", Resp: replay.Error(429, anthropicError("rate_limit_error", "slow down"), "Retry-After-Ms", "1500", "Retry-After", "2"), Stream: true, Kind: provider.KindRateLimited, Status: 429, Retry: 1500 * time.Millisecond, In: "slow down"},
		{Name: "429 ratelimit reset of the exhausted quota", Resp: replay.Error(429, anthropicError("rate_limit_error", "Number of requests has exceeded your per-minute rate limit"),
			"Anthropic-Ratelimit-Requests-Remaining", "0", "Anthropic-Ratelimit-Requests-Reset", "2025-01-01T00:00:12Z",
			"Anthropic-Ratelimit-Tokens-Remaining", "18000", "Anthropic-Ratelimit-Tokens-Reset", "2025-01-01T00:00:45Z"), Kind: provider.KindRateLimited, Status: 429, Retry: 12 * time.Second, In: "requests"},
		{Name: "429 output tokens exhausted", Resp: replay.Error(429, anthropicError("rate_limit_error", "output tokens per minute"),
			"Anthropic-Ratelimit-Output-Tokens-Remaining", "0", "Anthropic-Ratelimit-Output-Tokens-Reset", "2025-01-01T00:00:30Z",
			"Anthropic-Ratelimit-Input-Tokens-Remaining", "0", "Anthropic-Ratelimit-Input-Tokens-Reset", "2025-01-01T00:00:20Z"), Kind: provider.KindRateLimited, Status: 429, Retry: 30 * time.Second, In: "output tokens"},
		{Name: "429 without hints", Resp: replay.Error(429, anthropicError("rate_limit_error", "rate limited")), Kind: provider.KindRateLimited, Status: 429, In: "rate limited"},
		{Name: "529 overloaded", Resp: replay.Error(529, anthropicError("overloaded_error", "Overloaded")), Kind: provider.KindOverloaded, Status: 529, In: "Overloaded"},
		{Name: "529 overloaded with retry-after", Resp: replay.Error(529, anthropicError("overloaded_error", "Overloaded"), "Retry-After", "4"), Stream: true, Kind: provider.KindOverloaded, Status: 529, Retry: 4 * time.Second, In: "overloaded_error"},
		{Name: "500 api error", Resp: replay.Error(500, anthropicError("api_error", "Internal server error")), Kind: provider.KindTransient, Status: 500, In: "api_error"},
		{Name: "504 timeout error", Resp: replay.Error(504, anthropicError("timeout_error", "Request timeout")), Kind: provider.KindTransient, Status: 504, In: "timeout_error"},
		{Name: "malformed body", Resp: replay.Response{Code: 200, Body: `{"model":"claude-sonnet-4-20250514","id":"msg_1","type":"message","content":[{"type":"text","text":"Ol`}, Kind: provider.KindTransient, Status: 200, In: "malformed response JSON"},
		{Name: "error body with 200", Resp: replay.Response{Code: 200, Body: anthropicError("overloaded_error", "Overloaded")}, Kind: provider.KindOverloaded, Status: 200, In: "Overloaded"},
		{Name: "stream error event overloaded", Resp: replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start +
			"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"}, Stream: true, Kind: provider.KindOverloaded, In: "stream error: Overloaded"},
		{Name: "stream error event rate limit", Resp: replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start +
			"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Rate limited\"}}\n\n"}, Stream: true, Kind: provider.KindRateLimited, In: "Rate limited"},
		{Name: "stream error event not JSON", Resp: replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start +
			"event: error\ndata: upstream reset\n\n"}, Stream: true, Kind: provider.KindTransient, In: "upstream reset"},
		{Name: "stream without message_stop", Resp: replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start +
			"event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
			"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}\n\n"}, Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated before message_stop, after 2 bytes"},
		{Name: "stream cut mid-line", Resp: replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start + "event: content_block_delta\ndata: {\"type\":\"content_blo"}, Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
		{Name: "stream malformed event", Resp: replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start + "event: content_block_delta\ndata: {\"type\":\n\n"}, Stream: true, Kind: provider.KindTransient, In: "malformed stream event JSON"},
		{Name: "empty stream", Resp: replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: ""}, Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
	}
	providertest.GenerateErrors(t, tests, provider.Request{Messages: hello}, testKey, newClient)
}

func TestGenerateRejectsBeforeTheCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		model  string
		req    provider.Request
		wantIn string
	}{
		{"seed", "m", provider.Request{Messages: hello, Sampling: provider.Sampling{Seed: ptr(1)}}, "takes no seed"},
		{"logprobs", "m", provider.Request{Messages: hello, Sampling: provider.Sampling{Logprobs: true}}, "returns no logprobs"},
		{"audio", "m", provider.Request{Messages: []bench.Message{{Role: "user", Content: "x", Parts: []bench.Part{{Type: "audio", MediaType: "audio/wav", Data: []byte("RIFF")}}}}}, "does not accept audio"},
		{"no model", "", provider.Request{Messages: hello}, "no model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{{Body: recordedBody(t, "TestAnthropicCommon/claude-sonnet-4/simple.yaml")}})
			c, err := New(provider.Config{Model: tt.model, BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatal(err)
			}
			providertest.CheckRejected(t, c, tt.req, tt.wantIn, srv)
		})
	}
}

func TestGenerateStreamConnectionDrop(t *testing.T) {
	t.Parallel()
	body := recordedBody(t, "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml")
	cut := strings.Index(body, " could") // inside the stream, after "Olá! (" ... "\n\nYou"
	srv := replay.Serve(t, []replay.Response{{Body: body, Headers: map[string][]string{"Content-Type": {"text/event-stream"}}}}, replay.CutAfter(cut))
	providertest.CheckCut(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true}, "Olá! (That's \"hi\" in Portuguese)\n\nYou")
}

func TestStreamTruncatedIsSentinel(t *testing.T) {
	t.Parallel()
	body := recordedBody(t, "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml")
	body = body[:strings.Index(body, "event: message_stop")]
	srv := replay.Serve(t, []replay.Response{{Body: body}})
	providertest.CheckTruncated(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true})
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"TestAnthropicCommon/claude-sonnet-4/simple.yaml", "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			srv := replay.ServeCassette(t, replay.Load(t, file))
			providertest.EmitStops(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: strings.Contains(file, "streaming")})
		})
	}
}

func TestGenerateTimeout(t *testing.T) {
	t.Parallel()
	srv := providertest.StallingServer(t, "", "")
	c, err := New(provider.Config{Model: "claude-sonnet-4-20250514", BaseURL: srv.URL, APIKey: testKey, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	providertest.CheckError(t, err, provider.KindTimeout, 0, "", testKey)
}
