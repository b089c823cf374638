package ollama

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// benchServer answers with a documented fixture over keep-alive, as a
// local Ollama would.
func benchServer(b *testing.B, name string) *httptest.Server {
	b.Helper()
	body := mustRead(name)
	ct := "application/json; charset=utf-8"
	if strings.HasSuffix(name, ".ndjson") {
		ct = "application/x-ndjson"
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", ct)
		io.WriteString(w, body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchGenerate(b *testing.B, name string, stream bool) {
	srv := benchServer(b, name)
	c := newClient(b, srv.URL, "")
	req := provider.Request{Messages: hello, Stream: stream}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Generate(b.Context(), req, discard); err != nil {
			b.Fatalf("Generate: %v", err)
		}
	}
}

func BenchmarkGenerate(b *testing.B) { benchGenerate(b, "chat.json", false) }

func BenchmarkGenerateStream(b *testing.B) { benchGenerate(b, "chat_stream.ndjson", true) }

// BenchmarkBareRoundTrip is the floor: the same exchange with plain
// net/http and no decoding.
func BenchmarkBareRoundTrip(b *testing.B) {
	srv := benchServer(b, "chat.json")
	hc := httpcall.NewHTTPClient()
	b.ReportAllocs()
	for b.Loop() {
		bareCall(b, hc, srv.URL, []byte(`{"model":"llama3.2","messages":[{"role":"user","content":"Why is the sky blue?"}],"stream":false}`))
	}
}

func bareCall(b *testing.B, hc *http.Client, url string, body []byte) {
	req, err := http.NewRequestWithContext(b.Context(), http.MethodPost, url+"/api/chat", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// BenchmarkOverhead alternates client calls and bare round trips against
// the same streaming server and reports the p50 and p99 of each and their
// difference: the client's per-call overhead.
func BenchmarkOverhead(b *testing.B) {
	srv := benchServer(b, "chat_stream.ndjson")
	c := newClient(b, srv.URL, "")
	hc := httpcall.NewHTTPClient()
	body := []byte(`{"model":"llama3.2","messages":[{"role":"user","content":"Why is the sky blue?"}],"stream":true}`)
	req := provider.Request{Messages: hello, Stream: true}
	var client, bare []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := c.Generate(b.Context(), req, discard); err != nil {
			b.Fatalf("Generate: %v", err)
		}
		client = append(client, time.Since(start))
		start = time.Now()
		bareCall(b, hc, srv.URL, body)
		bare = append(bare, time.Since(start))
	}
	p := func(d []time.Duration, q float64) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(q*float64(len(s))))].Microseconds())
	}
	b.ReportMetric(p(client, 0.5), "client-p50-µs")
	b.ReportMetric(p(client, 0.99), "client-p99-µs")
	b.ReportMetric(p(bare, 0.5), "bare-p50-µs")
	b.ReportMetric(p(bare, 0.99), "bare-p99-µs")
	b.ReportMetric(p(client, 0.99)-p(bare, 0.99), "overhead-p99-µs")
}
