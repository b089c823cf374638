package bedrock

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// benchServer answers every call with body, with keep-alive, as a local
// endpoint would.
func benchServer(b *testing.B, ct, body string) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", ct)
		_, _ = io.WriteString(w, body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchGenerate(b *testing.B, c *Client, stream bool) {
	req := provider.Request{Messages: hello, Stream: stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Generate(b.Context(), req, discard); err != nil {
			b.Fatalf("Generate: %v", err)
		}
	}
}

func BenchmarkGenerateConverse(b *testing.B) {
	srv := benchServer(b, "application/json", converseDoc)
	benchGenerate(b, newClient(b, srv.URL, nil), false)
}

func BenchmarkGenerateConverseStream(b *testing.B) {
	srv := benchServer(b, eventStreamType, eventStream(b, converseStreamFrames()...))
	benchGenerate(b, newClient(b, srv.URL, nil), true)
}

// BenchmarkGenerateConverseSigV4 is the streamed call signed with SigV4
// (credentials from the environment, cached after the first call): the
// signing cost per call.
func BenchmarkGenerateConverseSigV4(b *testing.B) {
	isolateAWS(b)
	b.Setenv("AWS_ACCESS_KEY_ID", akid)
	b.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	srv := benchServer(b, eventStreamType, eventStream(b, converseStreamFrames()...))
	c, err := New(provider.Config{Vendor: Vendor, Model: novaModel, BaseURL: srv.URL})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	benchGenerate(b, c, true)
}

func BenchmarkGenerateInvoke(b *testing.B) {
	srv := benchServer(b, "application/json", recordedBody(b, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple.yaml"))
	c := newClient(b, srv.URL, map[string]any{"api": APIInvoke})
	c.model = testModel
	benchGenerate(b, c, false)
}

func BenchmarkGenerateInvokeStream(b *testing.B) {
	srv := benchServer(b, eventStreamType, recordedBody(b, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple_streaming.yaml"))
	c := newClient(b, srv.URL, map[string]any{"api": APIInvoke})
	c.model = testModel
	benchGenerate(b, c, true)
}
