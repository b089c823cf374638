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

// wireBench is a typical small request of each wire, streamed and not.
var wireBench = []struct {
	name, path   string
	hdr          map[string]string
	body, stream string
}{
	{"openai", "/v1/chat/completions", nil, benchBody + `}`, benchBody + `,"stream":true,"stream_options":{"include_usage":true}}`},
	{"anthropic", "/v1/messages", map[string]string{"Anthropic-Version": "2023-06-01"},
		`{"model":"claude-sonnet-4-20250514","max_tokens":64,"system":"You are a helpful assistant","messages":[{"role":"user","content":"What is the capital of France? Answer in one word."}]}`,
		`{"model":"claude-sonnet-4-20250514","max_tokens":64,"system":"You are a helpful assistant","messages":[{"role":"user","content":"What is the capital of France? Answer in one word."}],"stream":true}`},
	{"gemini", "/v1beta/models/gemini-2.5-flash:generateContent", nil,
		`{"contents":[{"role":"user","parts":[{"text":"What is the capital of France? Answer in one word."}]}],"systemInstruction":{"parts":[{"text":"You are a helpful assistant"}]},"generationConfig":{"maxOutputTokens":64}}`, ""},
	{"ollama", "/api/chat", nil,
		`{"model":"llama3.2","messages":[{"role":"system","content":"You are a helpful assistant"},{"role":"user","content":"What is the capital of France? Answer in one word."}],"stream":false,"options":{"num_predict":64}}`,
		`{"model":"llama3.2","messages":[{"role":"system","content":"You are a helpful assistant"},{"role":"user","content":"What is the capital of France? Answer in one word."}],"options":{"num_predict":64}}`},
	{"cohere", "/v2/chat", nil,
		`{"model":"command-a-03-2025","messages":[{"role":"system","content":"You are a helpful assistant"},{"role":"user","content":"What is the capital of France? Answer in one word."}],"max_tokens":64}`,
		`{"model":"command-a-03-2025","messages":[{"role":"system","content":"You are a helpful assistant"},{"role":"user","content":"What is the capital of France? Answer in one word."}],"max_tokens":64,"stream":true}`},
}

// BenchmarkHandlerWires measures each wire's handler alone, without the
// network; Gemini's stream is the same body on another path.
func BenchmarkHandlerWires(b *testing.B) {
	for _, wb := range wireBench {
		for _, stream := range []bool{false, true} {
			path, body := wb.path, wb.body
			if stream {
				body = wb.stream
				if wb.name == "gemini" {
					path, body = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", wb.body
				}
			}
			name := wb.name + "/non-stream"
			if stream {
				name = wb.name + "/stream"
			}
			b.Run(name, func(b *testing.B) {
				sim, err := New(Config{Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				h := sim.Handler()
				w := &nullWriter{h: http.Header{}}
				raw := []byte(body)
				b.ReportAllocs()
				for b.Loop() {
					clear(w.h)
					req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(raw))
					for k, v := range wb.hdr {
						req.Header[k] = []string{v}
					}
					h.ServeHTTP(w, req)
				}
				if st := sim.Stats(); st.Answered != st.Requests {
					b.Fatalf("stats %+v: not every request was answered", st)
				}
			})
		}
	}
}
