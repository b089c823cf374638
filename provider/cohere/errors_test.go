package cohere

import (
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	const errorEnd = "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"error\":\"internal server error\",\"finish_reason\":\"ERROR\",\"usage\":{\"billed_units\":{\"input_tokens\":5,\"output_tokens\":1}}}}\n\n"
	head := sseStart + sseContentStart + sseDelta
	tests := []providertest.ErrorCase{
		{Name: "invalid api token", Resp: replay.Error(401, badKeyBody), Kind: provider.KindAuth, Status: 401, In: "invalid api token"},
		{Name: "no api key", Resp: replay.Error(401, noKeyBody), Stream: true, Kind: provider.KindAuth, Status: 401, In: "no api key supplied"},
		{Name: "498 invalid token", Resp: replay.Error(498, badKeyBody), Kind: provider.KindAuth, Status: 498, In: "invalid api token"},
		{Name: "429 per minute", Resp: replay.Error(429, perMinuteBody), Kind: provider.KindRateLimited, Status: 429, In: "per minute request limit"},
		{Name: "429 per minute with Retry-After", Resp: replay.Error(429, perMinuteBody, "Retry-After", "7"), Stream: true, Kind: provider.KindRateLimited, Status: 429, Retry: 7 * time.Second, In: "per minute"},
		{Name: "429 trial per minute", Resp: replay.Error(429, trialMinuteBody), Kind: provider.KindRateLimited, Status: 429, In: "40 API calls / minute"},
		{Name: "429 trial tokens per minute", Resp: replay.Error(429, trialTokensBody), Kind: provider.KindRateLimited, Status: 429, In: "100000 tokens per minute"},
		{Name: "429 trial per month", Resp: replay.Error(429, trialMonthBody, "Retry-After", "7"), Kind: provider.KindAuth, Status: 429, In: "monthly limit"},
		{Name: "context length", Resp: replay.Error(400, contextBody), Kind: provider.KindContextLength, Status: 400, In: "cannot exceed 4081"},
		{Name: "max tokens too high", Resp: replay.Error(400, maxTokensBody), Kind: provider.KindBadRequest, Status: 400, In: "lower max_tokens"},
		{Name: "removed parameter", Resp: replay.Error(400, removedParamBody), Kind: provider.KindBadRequest, Status: 400, In: "connectors"},
		{Name: "model not found", Resp: replay.Error(404, notFoundBody), Kind: provider.KindBadRequest, Status: 404, In: "command-x"},
		{Name: "499 cancelled", Resp: replay.Error(499, cancelledBody), Kind: provider.KindTransient, Status: 499, In: "request cancelled"},
		{Name: "500", Resp: replay.Error(500, internalBody), Stream: true, Kind: provider.KindTransient, Status: 500, In: "internal server error"},
		{Name: "503 overloaded", Resp: replay.Error(503, unavailableBody, "Retry-After", "2"), Kind: provider.KindOverloaded, Status: 503, Retry: 2 * time.Second, In: "service unavailable"},
		{Name: "504 timeout", Resp: replay.Error(504, `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"gateway timeout"}`), Kind: provider.KindTimeout, Status: 504, In: "gateway timeout"},
		{Name: "html from a proxy", Resp: replay.Response{Code: 502, Body: "<html><body>Bad Gateway</body></html>", Headers: map[string][]string{"Content-Type": {"text/html"}}}, Kind: provider.KindTransient, Status: 502, In: "non-JSON"},
		{Name: "malformed body", Resp: jsonResponse(`{"id":"c14c80c3","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"text","text":"LL`), Kind: provider.KindTransient, Status: 200, In: "malformed response JSON"},
		{Name: "error body with 200", Resp: jsonResponse(internalBody), Kind: provider.KindTransient, Status: 200, In: "internal server error"},
		{Name: "not a chat answer", Resp: jsonResponse(`{"id":"c14c80c3"}`), Kind: provider.KindTransient, Status: 200, In: "no message and no finish_reason"},
		{Name: "stream without message-end", Resp: sseResponse(head + sseContentEnd), Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
		{Name: "stream cut mid-event", Resp: sseResponse(head + `event: content-delta` + "\n" + `data: {"type":"content-delta","index":0,"delta":{"mess`), Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
		{Name: "stream malformed event", Resp: sseResponse(head + "event: content-delta\ndata: {\"type\":\"content-delta\",\n\n"), Stream: true, Kind: provider.KindTransient, Status: 200, In: "malformed stream event JSON"},
		{Name: "stream ends with an error", Resp: sseResponse(head + sseContentEnd + errorEnd + sseDone), Stream: true, Kind: provider.KindTransient, In: "generation failed (finish_reason ERROR)"},
	}
	providertest.GenerateErrors(t, tests, provider.Request{Messages: hello}, testKey, newClient)
}

func TestErrorNeverLeaksKey(t *testing.T) {
	t.Parallel()
	body := `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"invalid api token: ` + testKey + `"}`
	srv := replay.Serve(t, []replay.Response{replay.Error(401, body)})
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Fatalf("error %v leaks the key or is nil", err)
	}
}

func TestGenerateStreamConnectionDrop(t *testing.T) {
	t.Parallel()
	head := sseStart + sseContentStart + sseDelta
	srv := replay.Serve(t, []replay.Response{sseResponse(streamBody)}, replay.CutAfter(len(head)+10))
	providertest.CheckCut(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true}, "Hello")
}

func TestStreamTruncatedIsSentinel(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{sseResponse(sseStart + sseContentStart + sseDelta)})
	providertest.CheckTruncated(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true})
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{sseResponse(streamBody)})
	providertest.EmitStops(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true})
}

func TestGenerateTimeout(t *testing.T) {
	t.Parallel()
	srv := providertest.StallingServer(t, "", "")
	c, err := New(provider.Config{Vendor: Vendor, Model: "command-a-03-2025", BaseURL: srv.URL, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	providertest.CheckError(t, err, provider.KindTimeout, 0, "", testKey)
}
