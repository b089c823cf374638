package ollama

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

// Error bodies are Ollama's documented {"error":"<string>"}; the messages
// are Ollama's own.
const (
	notFoundBody  = `{"error":"model \"llama9\" not found, try pulling it first"}`
	runnerCtxBody = `{"error":"{\"error\":{\"code\":400,\"message\":\"request (8889 tokens) exceeds the available context size (4096 tokens), try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":8889,\"n_ctx\":4096}}"}`
	busyBody      = `{"error":"server busy, please try again.  maximum pending requests exceeded"}`
	firstLine     = `{"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The"},"done":false}` + "\n"
)

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	const ndjson = "application/x-ndjson"
	tests := []struct {
		name      string
		status    int
		headers   []string
		body      string
		stream    bool
		wantKind  provider.Kind
		wantRetry time.Duration
		wantIn    string
	}{
		{"unauthorized (ollama.com)", 401, nil, `{"error":"unauthorized"}`, false, provider.KindAuth, 0, "unauthorized"},
		{"key echoed in a 401", 401, nil, `{"error":"invalid key ` + testKey + `"}`, true, provider.KindAuth, 0, "[redacted]"},
		{"forbidden", 403, nil, `{"error":"forbidden"}`, false, provider.KindAuth, 0, "forbidden"},
		{"429 retry-after", 429, []string{"Retry-After", "3"}, `{"error":"too many requests"}`, false, provider.KindRateLimited, 3 * time.Second, "too many requests"},
		{"429 hint in message", 429, nil, `{"error":"too many requests, please try again in 2s"}`, true, provider.KindRateLimited, 2 * time.Second, "try again"},
		{"429 without hint", 429, nil, `{"error":"too many requests"}`, false, provider.KindRateLimited, 0, "too many requests"},
		{"unknown model", 404, nil, notFoundBody, false, provider.KindBadRequest, 0, "ollama pull llama9"},
		{"not an ollama server", 404, []string{"Content-Type", "text/plain"}, "404 page not found", true, provider.KindBadRequest, 0, "is base_url an Ollama server"},
		{"invalid options", 400, nil, `{"error":"invalid options: num_predictt"}`, false, provider.KindBadRequest, 0, "invalid options"},
		{"context size (truncate false)", 400, nil, runnerCtxBody, false, provider.KindContextLength, 0, "request (8889 tokens) exceeds the available context size (4096 tokens), try increasing it (exceed_context_size_error)"},
		{"context shift off", 400, nil, `{"error":"the prompt is longer than the context length currently available to the model"}`, true, provider.KindContextLength, 0, "num_ctx"},
		{"context length on a 500", 500, nil, `{"error":"the input length exceeds the context length"}`, false, provider.KindContextLength, 0, "exceeds the context length"},
		{"runner crashed", 500, nil, `{"error":"llama runner process has terminated: exit status 2"}`, true, provider.KindTransient, 0, "runner process"},
		{"server busy", 503, nil, busyBody, false, provider.KindOverloaded, 0, "server busy"},
		{"server busy retry-after", 503, []string{"Retry-After", "5"}, busyBody, true, provider.KindOverloaded, 5 * time.Second, "server busy"},
		{"gateway html", 502, []string{"Content-Type", "text/html"}, "<html><body>Bad Gateway</body></html>", true, provider.KindTransient, 0, "non-JSON"},
		{"malformed body", 200, []string{"Content-Type", "application/json"}, `{"model":"llama3.2","message":{"role":"assistant","content":"The`, false, provider.KindTransient, 0, "malformed response JSON"},
		{"empty object", 200, nil, `{}`, false, provider.KindTransient, 0, "neither a message nor done"},
		{"error in a 200 body", 200, nil, `{"error":"llama runner process has terminated"}`, false, provider.KindTransient, 0, "runner process"},
		{"stream error line", 200, []string{"Content-Type", ndjson}, firstLine + `{"error":"llama runner process has terminated: exit status 2"}` + "\n", true, provider.KindTransient, 0, "stream error: llama runner"},
		{"stream context error line", 200, []string{"Content-Type", ndjson}, firstLine + `{"error":"the input length exceeds the context length"}` + "\n", true, provider.KindContextLength, 0, "context length"},
		{"stream without done", 200, []string{"Content-Type", ndjson}, firstLine, true, provider.KindTransient, 0, "stream truncated"},
		{"stream cut mid-line", 200, []string{"Content-Type", ndjson}, firstLine + `{"model":"llama3.2","message":{"ro`, true, provider.KindTransient, 0, "malformed stream line 2 JSON"},
		{"stream malformed line", 200, []string{"Content-Type", ndjson}, firstLine + "data: {\"x\":1}\n", true, provider.KindTransient, 0, "malformed stream line 2"},
		{"empty stream", 200, []string{"Content-Type", ndjson}, "", true, provider.KindTransient, 0, "stream truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := replay.Error(tt.status, tt.body, tt.headers...)
			if len(tt.headers) > 1 && tt.headers[0] == "Content-Type" {
				resp.Headers["Content-Type"] = tt.headers[1:2]
			}
			srv := replay.Serve(t, []replay.Response{resp})
			_, err := newClient(t, srv.URL, testKey).Generate(t.Context(), provider.Request{Messages: hello, Stream: tt.stream}, discard)
			pe := provider.AsError(err)
			if pe == nil {
				t.Fatalf("Generate error = %v, want a *provider.Error", err)
			}
			t.Log(err)
			if pe.Kind != tt.wantKind || pe.RetryAfter != tt.wantRetry {
				t.Errorf("got kind %s retry %v, want %s retry %v (%v)", pe.Kind, pe.RetryAfter, tt.wantKind, tt.wantRetry, err)
			}
			if pe.Kind.Retryable() != (tt.wantKind != provider.KindAuth && tt.wantKind != provider.KindBadRequest && tt.wantKind != provider.KindContextLength) {
				t.Errorf("kind %s retryable = %v", pe.Kind, pe.Kind.Retryable())
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not mention %q", err, tt.wantIn)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the API key: %q", err)
			}
		})
	}
}

func TestStreamTruncatedIsSentinel(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{{Body: firstLine}})
	_, err := newClient(t, srv.URL, "").Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, discard)
	if !errors.Is(err, httpcall.ErrStreamTruncated) {
		t.Fatalf("Generate error = %v, want ErrStreamTruncated", err)
	}
}

func TestGenerateStreamConnectionDrop(t *testing.T) {
	t.Parallel()
	stream := fixture(t, "chat_stream.ndjson")
	srv := replay.Serve(t, []replay.Response{{Body: stream}}, replay.CutAfter(len(firstLine)+10))
	var got []string
	_, err := newClient(t, srv.URL, testKey).Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, func(c provider.Chunk) error {
		got = append(got, c.Text)
		return nil
	})
	pe := provider.AsError(err)
	if pe == nil || pe.Kind != provider.KindTransient {
		t.Fatalf("Generate error = %v, want transient", err)
	}
	if strings.Join(got, "") != "The" {
		t.Errorf("emitted %q before the drop, want %q", got, "The")
	}
}

// TestGenerateStreamLineTooLong feeds a line longer than the decoder takes.
func TestGenerateStreamLineTooLong(t *testing.T) {
	t.Parallel()
	long := `{"message":{"content":"` + strings.Repeat("x", 5<<20) + `"},"done":false}` + "\n"
	srv := replay.Serve(t, []replay.Response{{Body: long}})
	_, err := newClient(t, srv.URL, "").Generate(t.Context(), provider.Request{Messages: hello, Stream: true}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTransient || !strings.Contains(err.Error(), "line too long") {
		t.Fatalf("Generate error = %v, want transient line too long", err)
	}
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	for _, fix := range []string{"chat.json", "chat_stream.ndjson"} {
		srv := replay.Serve(t, []replay.Response{documented(t, fix)})
		stop := errors.New("stop")
		_, err := newClient(t, srv.URL, "").Generate(t.Context(), provider.Request{Messages: hello, Stream: strings.HasSuffix(fix, "ndjson")},
			func(provider.Chunk) error { return stop })
		if !errors.Is(err, stop) {
			t.Fatalf("%s: Generate error = %v, want the emit error", fix, err)
		}
	}
}

func TestGenerateTimeout(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-ndjson")
		io.WriteString(w, firstLine)
		w.(http.Flusher).Flush()
		select { // a model that stalls mid-answer
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(provider.Config{Model: "llama3.2", BaseURL: srv.URL, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, stream := range []bool{false, true} {
		_, err = c.Generate(t.Context(), provider.Request{Messages: hello, Stream: stream}, discard)
		if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTimeout {
			t.Fatalf("stream %v: Generate error = %v, want timeout", stream, err)
		}
	}
}

func TestGenerateNoModel(t *testing.T) {
	t.Parallel()
	c, err := New(provider.Config{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest || !strings.Contains(err.Error(), "ollama:MODEL") {
		t.Fatalf("Generate error = %v, want bad_request naming ollama:MODEL", err)
	}
}

func TestGenerateConnectionRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	_, err := newClient(t, base, testKey).Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTransient {
		t.Fatalf("Generate error = %v, want transient", err)
	}
}
