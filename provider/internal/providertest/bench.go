package providertest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// Server answers every call with body, as contentType, over keep-alive,
// as a nearby model server would. It is closed when the test ends.
func Server(tb testing.TB, contentType, body string) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", contentType)
		_, _ = io.WriteString(w, body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// RecordingServer is a Server answering with the first response of the
// recording rel (see replay.Load): its body and Content-Type.
func RecordingServer(tb testing.TB, rel string) *httptest.Server {
	tb.Helper()
	resp := replay.Load(tb, rel).Interactions[0].Response
	return Server(tb, resp.Headers["Content-Type"][0], resp.Body)
}

// BenchGenerate measures p.Generate of req, with its allocations.
func BenchGenerate(b *testing.B, p provider.Provider, req provider.Request) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Generate(b.Context(), req, Discard); err != nil {
			b.Fatalf("Generate: %v", err)
		}
	}
}

// BenchBare measures the floor of a client's call: POSTing body to url
// with plain net/http on the clients' transport and reading the answer,
// without decoding it.
func BenchBare(b *testing.B, url string, body []byte) {
	b.Helper()
	hc := httpcall.NewHTTPClient()
	b.ReportAllocs()
	for b.Loop() {
		bareCall(b, hc, url, body)
	}
}

// BenchOverhead alternates p.Generate of req and bare calls (as BenchBare
// makes them) against the same server, and reports the p50 and p99 of
// each and their difference: the client's per-call overhead.
func BenchOverhead(b *testing.B, p provider.Provider, req provider.Request, url string, body []byte) {
	b.Helper()
	hc := httpcall.NewHTTPClient()
	var client, bare []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := p.Generate(b.Context(), req, Discard); err != nil {
			b.Fatalf("Generate: %v", err)
		}
		client = append(client, time.Since(start))
		start = time.Now()
		bareCall(b, hc, url, body)
		bare = append(bare, time.Since(start))
	}
	q := func(d []time.Duration, q float64) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(q*float64(len(s))))].Microseconds())
	}
	b.ReportMetric(q(client, 0.5), "client-p50-µs")
	b.ReportMetric(q(client, 0.99), "client-p99-µs")
	b.ReportMetric(q(bare, 0.5), "bare-p50-µs")
	b.ReportMetric(q(bare, 0.99), "bare-p99-µs")
	b.ReportMetric(q(client, 0.99)-q(bare, 0.99), "overhead-p99-µs")
}

func bareCall(b *testing.B, hc *http.Client, url string, body []byte) {
	req, err := http.NewRequestWithContext(b.Context(), http.MethodPost, url, bytes.NewReader(body))
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
