package anthropic

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// benchServer replays a recording with keep-alive, as a local model server would.
func benchServer(b *testing.B, name string) *httptest.Server {
	b.Helper()
	resp := replay.Load(b, name).Interactions[0].Response
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", resp.Headers["Content-Type"][0])
		_, _ = io.WriteString(w, resp.Body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchGenerate(b *testing.B, name string, stream bool) {
	srv := benchServer(b, name)
	c, err := New(provider.Config{Model: "claude-sonnet-4-20250514", BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	req := provider.Request{Messages: recordedPrompt, Stream: stream}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Generate(b.Context(), req, discard); err != nil {
			b.Fatalf("Generate: %v", err)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	benchGenerate(b, "TestAnthropicCommon/claude-sonnet-4/simple.yaml", false)
}

func BenchmarkGenerateStream(b *testing.B) {
	benchGenerate(b, "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml", true)
}

// BenchmarkStreamEvents is the decoding alone: the recorded image stream's
// 50 events through a Stream.
func BenchmarkStreamEvents(b *testing.B) {
	var events [][]byte
	for _, l := range bytes.Split([]byte(recordedBody(b, "TestImageUploadAgentStreaming/anthropic-claude-sonnet-4-stream.yaml")), []byte("\n")) {
		if d, ok := bytes.CutPrefix(l, []byte("data: ")); ok {
			events = append(events, d)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		var s Stream
		for _, ev := range events {
			if _, _, err := s.Event(ev); err != nil {
				b.Fatal(err)
			}
		}
		_ = s.Response()
	}
}

// BenchmarkBareRoundTrip is the floor: the same exchange with plain net/http
// and no decoding.
func BenchmarkBareRoundTrip(b *testing.B) {
	srv := benchServer(b, "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml")
	hc := httpcall.NewHTTPClient()
	body := []byte(`{"model":"claude-sonnet-4-20250514","max_tokens":4096,"messages":[{"role":"user","content":"Say hi in Portuguese"}],"stream":true}`)
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(b.Context(), http.MethodPost, srv.URL+"/v1/messages", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
