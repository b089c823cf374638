package simulator

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// benchBody is a typical small benchmark prompt.
const benchBody = `{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant"},` +
	`{"role":"user","content":"What is the capital of France? Answer in one word."}],"max_tokens":64`

// BenchmarkLoopback measures requests per second through a real loopback
// listener with a plain keep-alive net/http client and parallel callers.
func BenchmarkLoopback(b *testing.B) {
	for _, bc := range []struct {
		name string
		body string
	}{
		{"non-stream", benchBody + `}`},
		{"stream", benchBody + `,"stream":true,"stream_options":{"include_usage":true}}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ts := startServer(b, Config{Seed: 1})
			tr := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, DisableCompression: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			url := ts.url + "/chat/completions"
			body := []byte(bc.body)
			b.SetParallelism(8)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Post(url, "application/json", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
		})
	}
}

// BenchmarkHandler measures the handler alone, without the network.
func BenchmarkHandler(b *testing.B) {
	for _, bc := range []struct {
		name string
		body string
	}{
		{"non-stream", benchBody + `}`},
		{"stream", benchBody + `,"stream":true,"stream_options":{"include_usage":true}}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sim, err := New(Config{Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			h := sim.Handler()
			body := []byte(bc.body)
			w := &nullWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				req := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(body))
				h.ServeHTTP(w, req)
			}
		})
	}
}

// nullWriter is a ResponseWriter that discards the body.
type nullWriter struct{ h http.Header }

func (w *nullWriter) Header() http.Header         { return w.h }
func (w *nullWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nullWriter) WriteHeader(int)             {}
func (w *nullWriter) Flush()                      {}
