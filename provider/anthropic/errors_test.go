package anthropic

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
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
	tests := []struct {
		name      string
		resp      replay.Response
		stream    bool
		wantKind  provider.Kind
		wantCode  int
		wantRetry time.Duration
		wantIn    string
	}{
		{"invalid key", replay.Error(401, anthropicError("authentication_error", "invalid x-api-key: "+testKey)), false, provider.KindAuth, 401, 0, "invalid x-api-key: [redacted]"},
		{"permission", replay.Error(403, anthropicError("permission_error", "Your API key does not have permission to use the specified resource.")), true, provider.KindAuth, 403, 0, "permission_error"},
		{"billing", replay.Error(402, anthropicError("billing_error", "There is an issue with your account's billing.")), false, provider.KindAuth, 402, 0, "billing"},
		{"low credit on 400", replay.Error(400, anthropicError("invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.")), false, provider.KindAuth, 400, 0, "credit balance"},
		{"unknown model", replay.Error(404, anthropicError("not_found_error", "model: claude-x")), false, provider.KindBadRequest, 404, 0, "model: claude-x"},
		{"temperature out of range", replay.Error(400, anthropicError("invalid_request_error", "temperature: range: 0..1")), false, provider.KindBadRequest, 400, 0, "temperature"},
		{"prompt is too long", replay.Error(400, anthropicError("invalid_request_error", "prompt is too long: 208423 tokens > 200000 maximum")), false, provider.KindContextLength, 400, 0, "208423"},
		{"input and max_tokens exceed context", replay.Error(400, anthropicError("invalid_request_error", "input length and `max_tokens` exceed context limit: 199000 + 8000 > 200000, decrease input length or `max_tokens` and try again")), true, provider.KindContextLength, 400, 0, "exceed context limit"},
		{"413 from cloudflare", replay.Response{Code: 413, Headers: map[string][]string{"Content-Type": {"text/html"}}, Body: "<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>cloudflare</center></body></html>"},
			false, provider.KindBadRequest, 413, 0, "32 MB"},
		{"413 json", replay.Error(413, anthropicError("request_too_large", "Request exceeds the maximum allowed number of bytes.")), false, provider.KindBadRequest, 413, 0, "request_too_large"},
		{"429 retry-after", replay.Error(429, anthropicError("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"), "Retry-After", "7",
			"Anthropic-Ratelimit-Tokens-Remaining", "0", "Anthropic-Ratelimit-Tokens-Reset", "2025-01-01T00:00:30Z"), false, provider.KindRateLimited, 429, 7 * time.Second, "per-minute rate limit"},
		{"429 retry-after-ms", replay.Error(429, anthropicError("rate_limit_error", "slow down"), "Retry-After-Ms", "1500", "Retry-After", "2"), true, provider.KindRateLimited, 429, 1500 * time.Millisecond, "slow down"},
		{"429 ratelimit reset of the exhausted quota", replay.Error(429, anthropicError("rate_limit_error", "Number of requests has exceeded your per-minute rate limit"),
			"Anthropic-Ratelimit-Requests-Remaining", "0", "Anthropic-Ratelimit-Requests-Reset", "2025-01-01T00:00:12Z",
			"Anthropic-Ratelimit-Tokens-Remaining", "18000", "Anthropic-Ratelimit-Tokens-Reset", "2025-01-01T00:00:45Z"), false, provider.KindRateLimited, 429, 12 * time.Second, "requests"},
		{"429 output tokens exhausted", replay.Error(429, anthropicError("rate_limit_error", "output tokens per minute"),
			"Anthropic-Ratelimit-Output-Tokens-Remaining", "0", "Anthropic-Ratelimit-Output-Tokens-Reset", "2025-01-01T00:00:30Z",
			"Anthropic-Ratelimit-Input-Tokens-Remaining", "0", "Anthropic-Ratelimit-Input-Tokens-Reset", "2025-01-01T00:00:20Z"), false, provider.KindRateLimited, 429, 30 * time.Second, "output tokens"},
		{"429 without hints", replay.Error(429, anthropicError("rate_limit_error", "rate limited")), false, provider.KindRateLimited, 429, 0, "rate limited"},
		{"529 overloaded", replay.Error(529, anthropicError("overloaded_error", "Overloaded")), false, provider.KindOverloaded, 529, 0, "Overloaded"},
		{"529 overloaded with retry-after", replay.Error(529, anthropicError("overloaded_error", "Overloaded"), "Retry-After", "4"), true, provider.KindOverloaded, 529, 4 * time.Second, "overloaded_error"},
		{"500 api error", replay.Error(500, anthropicError("api_error", "Internal server error")), false, provider.KindTransient, 500, 0, "api_error"},
		{"504 timeout error", replay.Error(504, anthropicError("timeout_error", "Request timeout")), false, provider.KindTransient, 504, 0, "timeout_error"},
		{"malformed body", replay.Response{Code: 200, Body: `{"model":"claude-sonnet-4-20250514","id":"msg_1","type":"message","content":[{"type":"text","text":"Ol`}, false, provider.KindTransient, 200, 0, "malformed response JSON"},
		{"error body with 200", replay.Response{Code: 200, Body: anthropicError("overloaded_error", "Overloaded")}, false, provider.KindOverloaded, 200, 0, "Overloaded"},
		{"stream error event overloaded", replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start +
			"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"}, true, provider.KindOverloaded, 0, 0, "stream error: Overloaded"},
		{"stream error event rate limit", replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start +
			"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Rate limited\"}}\n\n"}, true, provider.KindRateLimited, 0, 0, "Rate limited"},
		{"stream error event not JSON", replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start +
			"event: error\ndata: upstream reset\n\n"}, true, provider.KindTransient, 0, 0, "upstream reset"},
		{"stream without message_stop", replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start +
			"event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
			"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}\n\n"}, true, provider.KindTransient, 200, 0, "stream truncated before message_stop, after 2 bytes"},
		{"stream cut mid-line", replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start + "event: content_block_delta\ndata: {\"type\":\"content_blo"}, true, provider.KindTransient, 200, 0, "stream truncated"},
		{"stream malformed event", replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: start + "event: content_block_delta\ndata: {\"type\":\n\n"}, true, provider.KindTransient, 0, 0, "malformed stream event JSON"},
		{"empty stream", replay.Response{Headers: map[string][]string{"Content-Type": {sse}}, Body: ""}, true, provider.KindTransient, 200, 0, "stream truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: tt.stream}, discard)
			pe := provider.AsError(err)
			if pe == nil {
				t.Fatalf("Generate error = %v, want a *provider.Error", err)
			}
			got := []any{pe.Kind, pe.StatusCode, pe.RetryAfter}
			if diff := cmp.Diff([]any{tt.wantKind, tt.wantCode, tt.wantRetry}, got); diff != "" {
				t.Errorf("[kind status retry] (-want +got):\n%s\n%v", diff, err)
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
			_, err = c.Generate(t.Context(), tt.req, discard)
			if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("Generate error = %v, want bad_request mentioning %q", err, tt.wantIn)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

func TestGenerateStreamConnectionDrop(t *testing.T) {
	t.Parallel()
	body := recordedBody(t, "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml")
	cut := strings.Index(body, " could") // inside the stream, after "Olá! (" ... "\n\nYou"
	srv := replay.Serve(t, []replay.Response{{Body: body, Headers: map[string][]string{"Content-Type": {"text/event-stream"}}}}, replay.CutAfter(cut))
	var got []string
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, func(c provider.Chunk) error {
		got = append(got, c.Text)
		return nil
	})
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTransient {
		t.Fatalf("Generate error = %v, want transient", err)
	}
	if want := "Olá! (That's \"hi\" in Portuguese)\n\nYou"; strings.Join(got, "") != want {
		t.Errorf("emitted %q before the drop, want %q", strings.Join(got, ""), want)
	}
}

func TestStreamTruncatedIsSentinel(t *testing.T) {
	t.Parallel()
	body := recordedBody(t, "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml")
	body = body[:strings.Index(body, "event: message_stop")]
	srv := replay.Serve(t, []replay.Response{{Body: body}})
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, discard)
	if !errors.Is(err, httpcall.ErrStreamTruncated) {
		t.Fatalf("Generate error = %v, want ErrStreamTruncated", err)
	}
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	for _, file := range []string{"TestAnthropicCommon/claude-sonnet-4/simple.yaml", "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			srv := replay.ServeCassette(t, replay.Load(t, file))
			_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: strings.Contains(file, "streaming")},
				func(provider.Chunk) error { return stop })
			if !errors.Is(err, stop) {
				t.Fatalf("Generate error = %v, want the emit error", err)
			}
		})
	}
}

func TestGenerateTimeout(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(provider.Config{Model: "claude-sonnet-4-20250514", BaseURL: srv.URL, APIKey: testKey, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTimeout {
		t.Fatalf("Generate error = %v, want timeout", err)
	}
}
