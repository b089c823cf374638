package cohere

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// benchServer answers every call with body, with keep-alive.
func benchServer(b *testing.B, contentType, body string) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", contentType)
		io.WriteString(w, body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchGenerate(b *testing.B, contentType, body string, stream bool) {
	srv := benchServer(b, contentType, body)
	c := newClient(b, srv.URL)
	req := provider.Request{Messages: hello, Stream: stream}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Generate(b.Context(), req, discard); err != nil {
			b.Fatalf("Generate: %v", err)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	benchGenerate(b, "application/json", chatBody, false)
}

func BenchmarkGenerateStream(b *testing.B) {
	benchGenerate(b, "text/event-stream", streamBody, true)
}
