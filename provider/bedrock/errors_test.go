package bedrock

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// amzType is the x-amzn-ErrorType header value Bedrock sends for name.
func amzType(name string) string {
	return name + ":http://internal.amazon.com/coral/com.amazon.bedrock/"
}

// TestGenerateHTTPErrors serves Bedrock's documented error responses
// ({"message":…} with the exception in x-amzn-ErrorType, PROVIDER_FACTS §10)
// and checks each maps to its kind and retry hint, streamed or not, and
// that the key never shows.
func TestGenerateHTTPErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		resp      replay.Response
		wantKind  provider.Kind
		wantRetry time.Duration
		wantIn    string
	}{
		{"access denied", replay.Error(403, `{"message":"You don't have access to the model with the specified model ID."}`, "X-Amzn-Errortype", amzType("AccessDeniedException")),
			provider.KindAuth, 0, "AccessDeniedException"},
		{"bad key", replay.Error(403, `{"message":"The security token included in the request is invalid."}`, "X-Amzn-Errortype", "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/"),
			provider.KindAuth, 0, "UnrecognizedClientException"},
		{"bad key with the key echoed", replay.Error(403, `{"message":"Invalid API Key format: `+testKey+`"}`, "X-Amzn-Errortype", amzType("UnrecognizedClientException")),
			provider.KindAuth, 0, "[redacted]"},
		{"expired token, type in body", replay.Error(403, `{"__type":"com.amazon.coral.service#ExpiredTokenException","message":"The security token included in the request is expired"}`),
			provider.KindAuth, 0, "ExpiredTokenException"},
		{"throttled, no hint", replay.Error(429, `{"message":"Too many requests, please wait before trying again."}`, "X-Amzn-Errortype", amzType("ThrottlingException")),
			provider.KindRateLimited, 0, "Too many requests"},
		{"throttled, proxy Retry-After", replay.Error(429, `{"message":"Too many requests, please wait before trying again."}`, "X-Amzn-Errortype", amzType("ThrottlingException"), "Retry-After", "4"),
			provider.KindRateLimited, 4 * time.Second, "ThrottlingException"},
		{"quota on 400", replay.Error(400, `{"message":"Too many tokens per day, please wait before trying again."}`, "X-Amzn-Errortype", amzType("ServiceQuotaExceededException")),
			provider.KindRateLimited, 0, "ServiceQuotaExceededException"},
		{"model not ready", replay.Error(429, `{"message":"Model is not ready for inference. Wait and try your request again."}`, "X-Amzn-Errortype", amzType("ModelNotReadyException")),
			provider.KindTransient, 0, "ModelNotReadyException"},
		{"service unavailable", replay.Error(503, `{"message":"Bedrock is unable to process your request."}`, "X-Amzn-Errortype", amzType("ServiceUnavailableException")),
			provider.KindOverloaded, 0, "ServiceUnavailableException"},
		{"context length", replay.Error(400, `{"message":"Input is too long for requested model."}`, "X-Amzn-Errortype", amzType("ValidationException")),
			provider.KindContextLength, 0, "Input is too long"},
		{"anthropic prompt too long", replay.Error(400, `{"message":"The model returned the following errors: prompt is too long: 208423 tokens > 200000 maximum"}`, "X-Amzn-Errortype", amzType("ValidationException")),
			provider.KindContextLength, 0, "prompt is too long"},
		{"validation", replay.Error(400, `{"message":"The provided model identifier is invalid."}`, "X-Amzn-Errortype", amzType("ValidationException")),
			provider.KindBadRequest, 0, "model identifier is invalid"},
		{"not found", replay.Error(404, `{"message":"Could not resolve the foundation model from the provided model identifier."}`, "X-Amzn-Errortype", amzType("ResourceNotFoundException")),
			provider.KindBadRequest, 0, "ResourceNotFoundException"},
		{"model timeout", replay.Error(408, `{"message":"Model has timed out in processing the request. Try your request again."}`, "X-Amzn-Errortype", amzType("ModelTimeoutException")),
			provider.KindTimeout, 0, "ModelTimeoutException"},
		{"model error", replay.Error(424, `{"message":"Received server error (500) from model. See logs for details."}`, "X-Amzn-Errortype", amzType("ModelErrorException")),
			provider.KindTransient, 0, "ModelErrorException"},
		{"internal", replay.Error(500, `{"message":"The system encountered an unexpected error during processing. Try your request again."}`, "X-Amzn-Errortype", amzType("InternalServerException")),
			provider.KindTransient, 0, "InternalServerException"},
		{"gateway html", replay.Response{Code: 502, Body: "<html><body>Bad Gateway</body></html>", Headers: map[string][]string{"Content-Type": {"text/html"}}},
			provider.KindTransient, 0, "non-JSON response body"},
		{"malformed 200", replay.Response{Code: 200, Body: `{"output":{"message":{"content":[{"text":"Ol`},
			provider.KindTransient, 0, "malformed response JSON"},
		{"200 without output", replay.Response{Code: 200, Body: `{"usage":{"inputTokens":1}}`},
			provider.KindTransient, 0, "no output message"},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			if stream && tt.resp.Code == 200 {
				continue
			}
			name := tt.name
			if stream {
				name += " (stream)"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				srv := replay.Serve(t, []replay.Response{tt.resp})
				_, err := newClient(t, srv.URL, nil).Generate(t.Context(), provider.Request{Messages: hello, Stream: stream}, discard)
				providertest.CheckError(t, err, tt.wantKind, tt.wantRetry, tt.wantIn, testKey)
				if pe := provider.AsError(err); pe.StatusCode != tt.resp.Code {
					t.Errorf("status %d, want %d", pe.StatusCode, tt.resp.Code)
				}
			})
		}
	}
}

// TestGenerateStreamErrors covers what can go wrong after the HTTP 200 of
// a ConverseStream: exception events of each documented type, error
// messages, streams that end early, and frames that are not valid.
func TestGenerateStreamErrors(t *testing.T) {
	t.Parallel()
	start := []frame{ev("messageStart", `{"role":"assistant"}`), ev("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"Ol"}}`)}
	with := func(f ...frame) string { return eventStream(t, append(append([]frame{}, start...), f...)...) }
	good := eventStream(t, converseStreamFrames()...)
	corrupt := []byte(good)
	corrupt[len(corrupt)-1] ^= 0xff
	tests := []struct {
		name     string
		body     string
		wantKind provider.Kind
		wantIn   string
	}{
		{"throttling", with(frame{"exception", "throttlingException", `{"message":"Too many requests, please wait before trying again."}`}), provider.KindRateLimited, "throttlingException"},
		{"model stream error", with(frame{"exception", "modelStreamErrorException", `{"message":"Model stream error","originalMessage":"upstream failed","originalStatusCode":500}`}), provider.KindTransient, "upstream failed"},
		{"model stream error 429", with(frame{"exception", "modelStreamErrorException", `{"message":"Model stream error","originalStatusCode":429}`}), provider.KindRateLimited, "modelStreamErrorException"},
		{"validation", with(frame{"exception", "validationException", `{"message":"Input is too long for requested model."}`}), provider.KindContextLength, "Input is too long"},
		{"service unavailable", with(frame{"exception", "serviceUnavailableException", `{"message":"Bedrock is unable to process your request."}`}), provider.KindOverloaded, "serviceUnavailableException"},
		{"internal server", with(frame{"exception", "internalServerException", `{"message":"The system encountered an unexpected error during processing. Try your request again."}`}), provider.KindTransient, "internalServerException"},
		{"model timeout", with(frame{"exception", "modelTimeoutException", `{"message":"Model has timed out in processing the request."}`}), provider.KindTimeout, "modelTimeoutException"},
		{"unknown exception", with(frame{"exception", "somethingNewException", `{"message":"x"}`}), provider.KindTransient, "somethingNewException"},
		{"error message", with(frame{"error", "InternalFailure", "the service failed"}), provider.KindTransient, "the service failed"},
		{"no messageStop", with(ev("contentBlockStop", `{"contentBlockIndex":0}`)), provider.KindTransient, "no messageStop"},
		{"empty body", "", provider.KindTransient, "stream truncated"},
		{"cut mid-frame", good[:len(good)-30], provider.KindTransient, "stream truncated"},
		{"bad CRC", string(corrupt), provider.KindTransient, "malformed event stream"},
		{"not an event stream", `{"message":"hello"}`, provider.KindTransient, "event stream"},
		{"malformed event JSON", with(ev("contentBlockDelta", `{"delta":{"text":`)), provider.KindTransient, "malformed contentBlockDelta event JSON"},
		{"unknown message type", with(frame{"weird", "x", "{}"}), provider.KindTransient, "unknown type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, eventStreamType, tt.body)
			var emitted strings.Builder
			_, err := newClient(t, srv.URL, nil).Generate(t.Context(), provider.Request{Messages: hello, Stream: true},
				func(ch provider.Chunk) error { emitted.WriteString(ch.Text); return nil })
			providertest.CheckError(t, err, tt.wantKind, 0, tt.wantIn, testKey)
			if pe := provider.AsError(err); pe != nil && pe.Kind.Retryable() != (tt.wantKind != provider.KindContextLength) {
				t.Errorf("retryable = %v for %s", pe.Kind.Retryable(), pe.Kind)
			}
		})
	}
}

func TestGenerateStreamConnectionDrop(t *testing.T) {
	t.Parallel()
	frames := converseStreamFrames()
	head := eventStream(t, frames[:3]...)
	srv := serve(t, eventStreamType, eventStream(t, frames...), replay.CutAfter(len(head)+10))
	err := providertest.CheckCut(t, newClient(t, srv.URL, nil), provider.Request{Messages: hello, Stream: true}, "Olá! 👋")
	providertest.CheckError(t, err, provider.KindTransient, 0, "bedrock", testKey)
	if !errors.Is(err, httpcall.ErrStreamTruncated) && !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("error %v does not say the stream was cut", err)
	}
}

func TestGenerateTimeout(t *testing.T) {
	t.Parallel()
	srv := providertest.StallingServer(t, "", "")
	c, err := New(provider.Config{Vendor: Vendor, Model: novaModel, BaseURL: srv.URL, APIKey: testKey, Timeout: 50 * time.Millisecond,
		Options: map[string]any{"region": testRegion}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, discard)
	providertest.CheckError(t, err, provider.KindTimeout, 0, "", testKey)
}

func TestStreamTimeoutMidway(t *testing.T) {
	t.Parallel()
	frames := converseStreamFrames()
	srv := providertest.StallingServer(t, eventStreamType, eventStream(t, frames[:2]...))
	c, err := New(provider.Config{Vendor: Vendor, Model: novaModel, BaseURL: srv.URL, APIKey: testKey, Timeout: 100 * time.Millisecond,
		Options: map[string]any{"region": testRegion}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var got string
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, func(ch provider.Chunk) error { got += ch.Text; return nil })
	providertest.CheckError(t, err, provider.KindTimeout, 0, "", testKey)
	if got != "Olá! " {
		t.Errorf("emitted %q before the timeout", got)
	}
}
