package cohere

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	const errorEnd = "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"error\":\"internal server error\",\"finish_reason\":\"ERROR\",\"usage\":{\"billed_units\":{\"input_tokens\":5,\"output_tokens\":1}}}}\n\n"
	head := sseStart + sseContentStart + sseDelta
	tests := []struct {
		name      string
		resp      replay.Response
		stream    bool
		wantKind  provider.Kind
		wantCode  int
		wantRetry time.Duration
		wantIn    string
	}{
		{"invalid api token", replay.Error(401, badKeyBody), false, provider.KindAuth, 401, 0, "invalid api token"},
		{"no api key", replay.Error(401, noKeyBody), true, provider.KindAuth, 401, 0, "no api key supplied"},
		{"498 invalid token", replay.Error(498, badKeyBody), false, provider.KindAuth, 498, 0, "invalid api token"},
		{"429 per minute", replay.Error(429, perMinuteBody), false, provider.KindRateLimited, 429, 0, "per minute request limit"},
		{"429 per minute with Retry-After", replay.Error(429, perMinuteBody, "Retry-After", "7"), true, provider.KindRateLimited, 429, 7 * time.Second, "per minute"},
		{"429 trial per minute", replay.Error(429, trialMinuteBody), false, provider.KindRateLimited, 429, 0, "40 API calls / minute"},
		{"429 trial tokens per minute", replay.Error(429, trialTokensBody), false, provider.KindRateLimited, 429, 0, "100000 tokens per minute"},
		{"429 trial per month", replay.Error(429, trialMonthBody, "Retry-After", "7"), false, provider.KindAuth, 429, 0, "monthly limit"},
		{"context length", replay.Error(400, contextBody), false, provider.KindContextLength, 400, 0, "cannot exceed 4081"},
		{"max tokens too high", replay.Error(400, maxTokensBody), false, provider.KindBadRequest, 400, 0, "lower max_tokens"},
		{"removed parameter", replay.Error(400, removedParamBody), false, provider.KindBadRequest, 400, 0, "connectors"},
		{"model not found", replay.Error(404, notFoundBody), false, provider.KindBadRequest, 404, 0, "command-x"},
		{"499 cancelled", replay.Error(499, cancelledBody), false, provider.KindTransient, 499, 0, "request cancelled"},
		{"500", replay.Error(500, internalBody), true, provider.KindTransient, 500, 0, "internal server error"},
		{"503 overloaded", replay.Error(503, unavailableBody, "Retry-After", "2"), false, provider.KindOverloaded, 503, 2 * time.Second, "service unavailable"},
		{"504 timeout", replay.Error(504, `{"id":"7b6a8c1e-2f3d-4e5a-9b8c-1d2e3f4a5b6c","message":"gateway timeout"}`), false, provider.KindTimeout, 504, 0, "gateway timeout"},
		{"html from a proxy", replay.Response{Code: 502, Body: "<html><body>Bad Gateway</body></html>", Headers: map[string][]string{"Content-Type": {"text/html"}}}, false, provider.KindTransient, 502, 0, "non-JSON"},
		{"malformed body", jsonResponse(`{"id":"c14c80c3","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"text","text":"LL`), false, provider.KindTransient, 200, 0, "malformed response JSON"},
		{"error body with 200", jsonResponse(internalBody), false, provider.KindTransient, 200, 0, "internal server error"},
		{"not a chat answer", jsonResponse(`{"id":"c14c80c3"}`), false, provider.KindTransient, 200, 0, "no message and no finish_reason"},
		{"stream without message-end", sseResponse(head + sseContentEnd), true, provider.KindTransient, 200, 0, "stream truncated"},
		{"stream cut mid-event", sseResponse(head + `event: content-delta` + "\n" + `data: {"type":"content-delta","index":0,"delta":{"mess`), true, provider.KindTransient, 200, 0, "stream truncated"},
		{"stream malformed event", sseResponse(head + "event: content-delta\ndata: {\"type\":\"content-delta\",\n\n"), true, provider.KindTransient, 200, 0, "malformed stream event JSON"},
		{"stream ends with an error", sseResponse(head + sseContentEnd + errorEnd + sseDone), true, provider.KindTransient, 0, 0, "generation failed (finish_reason ERROR)"},
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
			if pe.Kind != tt.wantKind || pe.StatusCode != tt.wantCode || pe.RetryAfter != tt.wantRetry {
				t.Errorf("got kind %s status %d retry %v, want %s %d %v (%v)", pe.Kind, pe.StatusCode, pe.RetryAfter, tt.wantKind, tt.wantCode, tt.wantRetry, err)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not mention %q", err, tt.wantIn)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the API key: %q", err)
			}
			if pe.Kind == provider.KindAuth && pe.Kind.Retryable() {
				t.Errorf("auth error is retryable")
			}
		})
	}
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
	var got []string
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, func(c provider.Chunk) error {
		got = append(got, c.Text)
		return nil
	})
	pe := provider.AsError(err)
	if pe == nil || pe.Kind != provider.KindTransient {
		t.Fatalf("Generate error = %v, want transient", err)
	}
	if strings.Join(got, "") != "Hello" {
		t.Errorf("emitted %q before the drop, want %q", got, "Hello")
	}
}

func TestStreamTruncatedIsSentinel(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{sseResponse(sseStart + sseContentStart + sseDelta)})
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, discard)
	if !errors.Is(err, httpcall.ErrStreamTruncated) {
		t.Fatalf("Generate error = %v, want ErrStreamTruncated", err)
	}
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{sseResponse(streamBody)})
	stop := errors.New("stop")
	_, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, func(provider.Chunk) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("Generate error = %v, want the emit error", err)
	}
}

func TestGenerateTimeout(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(provider.Config{Vendor: Vendor, Model: "command-a-03-2025", BaseURL: srv.URL, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTimeout {
		t.Fatalf("Generate error = %v, want timeout", err)
	}
}
