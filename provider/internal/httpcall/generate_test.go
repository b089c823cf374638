package httpcall

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestPost(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/chat" || r.Header.Get("Accept") != "text/event-stream" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":{"message":"wrong request"}}`)
			return
		}
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	c := New(Options{Vendor: "v", BaseURL: srv.URL, Timeout: time.Minute})
	var answer *http.Response
	read := func(ctx context.Context, resp *http.Response, model string, emit func(provider.Chunk) error) (provider.Response, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("read runs without the client's timeout")
		}
		data, err := c.ReadBody(ctx, resp)
		if err != nil {
			return provider.Response{}, err
		}
		answer = resp
		return provider.Response{Text: string(data), Model: model}, emit(provider.Chunk{Text: string(data)})
	}
	var emitted string
	out, err := c.Post(t.Context(), "/chat", []byte("hi"), "text/event-stream", read, "m", func(ch provider.Chunk) error { emitted += ch.Text; return nil })
	if err != nil || out.Text != "hi" || out.Model != "m" || emitted != "hi" {
		t.Fatalf("Post = %+v, %v (emitted %q); want the echoed text for model m", out, err, emitted)
	}
	if _, err := answer.Body.Read(make([]byte, 1)); err == nil || err == io.EOF {
		t.Errorf("reading the answer after Post = %v, want the error of a closed body", err)
	}
	_, err = c.Post(t.Context(), "/other", nil, "application/json", read, "m", nil)
	if pe := provider.AsError(err); pe == nil || pe.StatusCode != http.StatusBadRequest {
		t.Fatalf("Post of a refused call = %v, want the 400", err)
	}
}
