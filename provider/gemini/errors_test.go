package gemini

import (
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func newClient(t testing.TB, base string) *Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: "gemini-2.5-flash", BaseURL: base, APIKey: testKey})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// Error bodies as PROVIDER_FACTS.md §4 documents them (Google RPC shape).
const (
	badKeyBody = `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}]}}`
	// badKeyReasonOnly has the ErrorInfo reason but a message that does not say so.
	badKeyReasonOnly = `{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}`
	deniedBody       = `{"error":{"code":403,"message":"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.","status":"PERMISSION_DENIED"}}`
	rateBody         = `{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"34s"}]}}`
	rateFracBody     = `{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37.5s"}]}}`
	rateNoHintBody   = `{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}`
	dailyBody        = `{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"20s"}]}}`
	overloadedBody   = `{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}`
	unavailableBody  = `{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`
	internalBody     = `{"error":{"code":500,"message":"An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting","status":"INTERNAL"}}`
	deadlineBody     = `{"error":{"code":504,"message":"Deadline expired before operation could complete.","status":"DEADLINE_EXCEEDED"}}`
	contextBody      = `{"error":{"code":400,"message":"The input token count (1300000) exceeds the maximum number of tokens allowed (1048575).","status":"INVALID_ARGUMENT"}}`
	notFoundBody     = `{"error":{"code":404,"message":"models/gemini-9 is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.","status":"NOT_FOUND"}}`
	preconditionBody = `{"error":{"code":400,"message":"User location is not supported for the API use.","status":"FAILED_PRECONDITION"}}`
)

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	sse := []string{"Content-Type", "text/event-stream"}
	event := func(json string) string { return "data: " + json + "\r\n\r\n" }
	first := event(`{"candidates": [{"content": {"parts": [{"text": "Ol"}],"role": "model"},"index": 0}],"modelVersion": "gemini-2.5-flash"}`)
	tests := []providertest.ErrorCase{
		{Name: "invalid key is 400", Resp: replay.Error(400, badKeyBody), Kind: provider.KindAuth, Status: 400, In: "API key not valid"},
		{Name: "invalid key by ErrorInfo reason", Resp: replay.Error(400, badKeyReasonOnly), Stream: true, Kind: provider.KindAuth, Status: 400, In: "INVALID_ARGUMENT"},
		{Name: "permission denied", Resp: replay.Error(403, deniedBody), Kind: provider.KindAuth, Status: 403, In: "PERMISSION_DENIED"},
		{Name: "429 RetryInfo", Resp: replay.Error(429, rateBody), Kind: provider.KindRateLimited, Status: 429, Retry: 34 * time.Second, In: "RESOURCE_EXHAUSTED"},
		{Name: "429 RetryInfo beats Retry-After", Resp: replay.Error(429, rateFracBody, "Retry-After", "5"), Stream: true, Kind: provider.KindRateLimited, Status: 429, Retry: 37500 * time.Millisecond, In: "exhausted"},
		{Name: "429 Retry-After only", Resp: replay.Error(429, rateNoHintBody, "Retry-After", "5"), Kind: provider.KindRateLimited, Status: 429, Retry: 5 * time.Second, In: "exhausted"},
		{Name: "429 no hint", Resp: replay.Error(429, rateNoHintBody), Kind: provider.KindRateLimited, Status: 429, In: "exhausted"},
		{Name: "429 daily quota", Resp: replay.Error(429, dailyBody), Kind: provider.KindAuth, Status: 429, In: "daily quota"},
		{Name: "503 overloaded", Resp: replay.Error(503, overloadedBody), Kind: provider.KindOverloaded, Status: 503, In: "overloaded"},
		{Name: "503 unavailable", Resp: replay.Error(503, unavailableBody, "Retry-After", "2"), Stream: true, Kind: provider.KindOverloaded, Status: 503, Retry: 2 * time.Second, In: "UNAVAILABLE"},
		{Name: "500 internal", Resp: replay.Error(500, internalBody), Kind: provider.KindTransient, Status: 500, In: "INTERNAL"},
		{Name: "504 deadline", Resp: replay.Error(504, deadlineBody), Kind: provider.KindTimeout, Status: 504, In: "DEADLINE_EXCEEDED"},
		{Name: "context length", Resp: replay.Error(400, contextBody), Kind: provider.KindContextLength, Status: 400, In: "1048575"},
		{Name: "model not found", Resp: replay.Error(404, notFoundBody), Kind: provider.KindBadRequest, Status: 404, In: "gemini-9"},
		{Name: "failed precondition", Resp: replay.Error(400, preconditionBody), Kind: provider.KindBadRequest, Status: 400, In: "User location"},
		{Name: "html from a proxy", Resp: replay.Response{Code: 502, Body: "<html><body>Bad Gateway</body></html>", Headers: map[string][]string{"Content-Type": {"text/html"}}}, Kind: provider.KindTransient, Status: 502, In: "non-JSON"},
		{Name: "malformed body", Resp: replay.Error(200, `{"candidates": [{"content": {"parts": [{"text": "Ol`), Kind: provider.KindTransient, Status: 200, In: "malformed response JSON"},
		{Name: "no candidates", Resp: replay.Error(200, `{"usageMetadata": {"promptTokenCount": 3,"totalTokenCount": 3}}`), Kind: provider.KindTransient, Status: 200, In: "no candidates"},
		{Name: "error in 200 body", Resp: replay.Error(200, overloadedBody), Kind: provider.KindOverloaded, Status: 503, In: "overloaded"},
		{Name: "stream without a finishReason", Resp: replay.Error(200, first, sse...), Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
		{Name: "stream cut mid-event", Resp: replay.Error(200, first+`data: {"candidates": [{"cont`, sse...), Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
		{Name: "stream malformed event", Resp: replay.Error(200, first+event(`{"candidates": [`), sse...), Stream: true, Kind: provider.KindTransient, Status: 200, In: "malformed stream event JSON"},
		{Name: "stream error event", Resp: replay.Error(200, first+event(overloadedBody), sse...), Stream: true, Kind: provider.KindOverloaded, Status: 503, In: "stream error"},
		{Name: "stream rate limit event", Resp: replay.Error(200, event(rateBody), sse...), Stream: true, Kind: provider.KindRateLimited, Status: 429, Retry: 34 * time.Second, In: "stream error"},
	}
	providertest.GenerateErrors(t, tests, provider.Request{Messages: hello}, testKey, newClient)
}

// TestStreamCutOff drops the connection in the middle of the recorded
// image stream: the text read so far is emitted, then the call fails as
// transient.
func TestStreamCutOff(t *testing.T) {
	t.Parallel()
	cas := replay.Load(t, "TestImageUploadAgentStreaming/gemini-2.5-pro-stream.yaml")
	body := cas.Interactions[0].Response.Body
	cut := strings.Index(body, "\r\n\r\ndata: ") + 4 + 40 // in the middle of the second event
	srv := replay.ServeCassette(t, cas, replay.CutAfter(cut))
	providertest.CheckCut(t, newClient(t, srv.URL), provider.Request{Model: "gemini-2.5-pro", Messages: providertest.WishMessages(t), Stream: true},
		recordedText(t, body[:strings.Index(body, "\r\n\r\n")], true))
}

func TestStreamTruncatedIsSentinel(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{{Body: "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}]}}]}\r\n\r\n"}})
	providertest.CheckTruncated(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true})
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"TestGoogleCommon/gemini-2.5-flash/simple.yaml", "TestGoogleCommon/gemini-2.5-flash/simple_streaming.yaml"} {
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
	c, err := New(provider.Config{Vendor: Vendor, Model: "gemini-2.5-flash", BaseURL: srv.URL, APIKey: testKey, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	providertest.CheckError(t, err, provider.KindTimeout, 0, "", testKey)
}

func TestGenerateNoModel(t *testing.T) {
	t.Parallel()
	c, err := New(provider.Config{Vendor: Vendor})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest || !strings.Contains(err.Error(), "no model") {
		t.Fatalf("Generate error = %v, want bad_request naming the missing model", err)
	}
}
