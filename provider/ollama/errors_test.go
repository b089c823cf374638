package ollama

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
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

// answer is a response with status and body, and the headers given as
// name, value pairs; its Content-Type is JSON unless they name another.
func answer(status int, body string, headerPairs ...string) replay.Response {
	resp := replay.Error(status, body, headerPairs...)
	if len(headerPairs) > 1 && headerPairs[0] == "Content-Type" {
		resp.Headers["Content-Type"] = headerPairs[1:2]
	}
	return resp
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	const ndjson = "application/x-ndjson"
	tests := []providertest.ErrorCase{
		{Name: "unauthorized (ollama.com)", Resp: answer(401, `{"error":"unauthorized"}`), Kind: provider.KindAuth, Status: 401, In: "unauthorized"},
		{Name: "key echoed in a 401", Resp: answer(401, `{"error":"invalid key `+testKey+`"}`), Stream: true, Kind: provider.KindAuth, Status: 401, In: "[redacted]"},
		{Name: "forbidden", Resp: answer(403, `{"error":"forbidden"}`), Kind: provider.KindAuth, Status: 403, In: "forbidden"},
		{Name: "429 retry-after", Resp: answer(429, `{"error":"too many requests"}`, "Retry-After", "3"), Kind: provider.KindRateLimited, Status: 429, Retry: 3 * time.Second, In: "too many requests"},
		{Name: "429 hint in message", Resp: answer(429, `{"error":"too many requests, please try again in 2s"}`), Stream: true, Kind: provider.KindRateLimited, Status: 429, Retry: 2 * time.Second, In: "try again"},
		{Name: "429 without hint", Resp: answer(429, `{"error":"too many requests"}`), Kind: provider.KindRateLimited, Status: 429, In: "too many requests"},
		{Name: "unknown model", Resp: answer(404, notFoundBody), Kind: provider.KindBadRequest, Status: 404, In: "ollama pull llama9"},
		{Name: "not an ollama server", Resp: answer(404, "404 page not found", "Content-Type", "text/plain"), Stream: true, Kind: provider.KindBadRequest, Status: 404, In: "is base_url an Ollama server"},
		{Name: "invalid options", Resp: answer(400, `{"error":"invalid options: num_predictt"}`), Kind: provider.KindBadRequest, Status: 400, In: "invalid options"},
		{Name: "context size (truncate false)", Resp: answer(400, runnerCtxBody), Kind: provider.KindContextLength, Status: 400, In: "request (8889 tokens) exceeds the available context size (4096 tokens), try increasing it (exceed_context_size_error)"},
		{Name: "context shift off", Resp: answer(400, `{"error":"the prompt is longer than the context length currently available to the model"}`), Stream: true, Kind: provider.KindContextLength, Status: 400, In: "num_ctx"},
		{Name: "context length on a 500", Resp: answer(500, `{"error":"the input length exceeds the context length"}`), Kind: provider.KindContextLength, Status: 500, In: "exceeds the context length"},
		{Name: "runner crashed", Resp: answer(500, `{"error":"llama runner process has terminated: exit status 2"}`), Stream: true, Kind: provider.KindTransient, Status: 500, In: "runner process"},
		{Name: "server busy", Resp: answer(503, busyBody), Kind: provider.KindOverloaded, Status: 503, In: "server busy"},
		{Name: "server busy retry-after", Resp: answer(503, busyBody, "Retry-After", "5"), Stream: true, Kind: provider.KindOverloaded, Status: 503, Retry: 5 * time.Second, In: "server busy"},
		{Name: "gateway html", Resp: answer(502, "<html><body>Bad Gateway</body></html>", "Content-Type", "text/html"), Stream: true, Kind: provider.KindTransient, Status: 502, In: "non-JSON"},
		{Name: "malformed body", Resp: answer(200, `{"model":"llama3.2","message":{"role":"assistant","content":"The`, "Content-Type", "application/json"), Kind: provider.KindTransient, Status: 200, In: "malformed response JSON"},
		{Name: "empty object", Resp: answer(200, `{}`), Kind: provider.KindTransient, Status: 200, In: "neither a message nor done"},
		{Name: "error in a 200 body", Resp: answer(200, `{"error":"llama runner process has terminated"}`), Kind: provider.KindTransient, In: "runner process"},
		{Name: "stream error line", Resp: answer(200, firstLine+`{"error":"llama runner process has terminated: exit status 2"}`+"\n", "Content-Type", ndjson), Stream: true, Kind: provider.KindTransient, In: "stream error: llama runner"},
		{Name: "stream context error line", Resp: answer(200, firstLine+`{"error":"the input length exceeds the context length"}`+"\n", "Content-Type", ndjson), Stream: true, Kind: provider.KindContextLength, In: "context length"},
		{Name: "stream without done", Resp: answer(200, firstLine, "Content-Type", ndjson), Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
		{Name: "stream cut mid-line", Resp: answer(200, firstLine+`{"model":"llama3.2","message":{"ro`, "Content-Type", ndjson), Stream: true, Kind: provider.KindTransient, Status: 200, In: "malformed stream line 2 JSON"},
		{Name: "stream malformed line", Resp: answer(200, firstLine+"data: {\"x\":1}\n", "Content-Type", ndjson), Stream: true, Kind: provider.KindTransient, Status: 200, In: "malformed stream line 2"},
		{Name: "empty stream", Resp: answer(200, "", "Content-Type", ndjson), Stream: true, Kind: provider.KindTransient, Status: 200, In: "stream truncated"},
	}
	providertest.GenerateErrors(t, tests, provider.Request{Messages: hello}, testKey, func(t testing.TB, url string) *Client { return newClient(t, url, testKey) })
}

func TestStreamTruncatedIsSentinel(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{{Body: firstLine}})
	providertest.CheckTruncated(t, newClient(t, srv.URL, ""), provider.Request{Messages: hello, Stream: true})
}

func TestGenerateStreamConnectionDrop(t *testing.T) {
	t.Parallel()
	stream := fixture(t, "chat_stream.ndjson")
	srv := replay.Serve(t, []replay.Response{{Body: stream}}, replay.CutAfter(len(firstLine)+10))
	providertest.CheckCut(t, newClient(t, srv.URL, testKey), provider.Request{Messages: hello, Stream: true}, "The")
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
	srv := providertest.StallingServer(t, "application/x-ndjson", firstLine) // a model that stalls mid-answer
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
