package httpcall

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestMalformed(t *testing.T) {
	t.Parallel()
	cause := errors.New("unexpected end of JSON input")
	data := []byte(`{"choices":[{"message":{"content":"` + strings.Repeat("x", 100))
	pe := Malformed("openai", 200, "response", data, cause)
	if pe.Kind != provider.KindTransient || pe.StatusCode != 200 || !errors.Is(pe, cause) {
		t.Fatalf("Malformed = %+v, want transient 200 wrapping the cause", pe)
	}
	want := `openai: malformed response JSON (135 bytes, starts "{\"choices\":[{\"message\":{\"content\":\"` + strings.Repeat("x", 45) + `"): unexpected end of JSON input`
	if pe.Err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", pe.Err, want)
	}
}

func TestWithTimeout(t *testing.T) {
	t.Parallel()
	ctx, cancel := New(Options{Vendor: "v", Timeout: time.Hour}).WithTimeout(t.Context())
	defer cancel()
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > time.Hour {
		t.Errorf("deadline %v, %v; want one within the hour", d, ok)
	}
	ctx, cancel = New(Options{Vendor: "v"}).WithTimeout(t.Context())
	if _, ok := ctx.Deadline(); ok {
		t.Error("a client without a timeout set a deadline")
	}
	cancel()
	if ctx.Err() == nil {
		t.Error("cancel did not cancel")
	}
}

func TestGetJSON(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != "application/json" {
			w.WriteHeader(http.StatusNotAcceptable)
			return
		}
		switch r.URL.Path {
		case "/echo":
			_, _ = io.Copy(w, r.Body)
		case "/ok":
			w.WriteHeader(http.StatusNonAuthoritativeInfo)
			_, _ = io.WriteString(w, `{"data":[1,2]}`)
		case "/cut":
			w.Header().Set("Content-Length", "100")
			_, _ = io.WriteString(w, `{"data":`)
		case "/html":
			_, _ = io.WriteString(w, `<html>`)
		}
	}))
	t.Cleanup(srv.Close)
	c := New(Options{Vendor: "v", BaseURL: srv.URL})

	var v struct{ Data []int }
	status, err := c.GetJSON(t.Context(), "/ok", "models", &v)
	if err != nil || status != http.StatusNonAuthoritativeInfo || len(v.Data) != 2 {
		t.Errorf("GetJSON = %d, %v, %+v; want 203 and the data", status, err, v)
	}
	if _, err := c.PostJSON(t.Context(), "/echo", []byte(`{"data":[3]}`), "embed", &v); err != nil || len(v.Data) != 1 || v.Data[0] != 3 {
		t.Errorf("PostJSON = %v, %+v; want the echoed data", err, v)
	}
	_, err = c.GetJSON(t.Context(), "/html", "models", &v)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTransient || pe.StatusCode != 200 || !strings.Contains(err.Error(), "v: malformed models response JSON") {
		t.Errorf("GetJSON of HTML = %v, want malformed models response", err)
	}
	_, err = c.GetJSON(t.Context(), "/cut", "models", &v)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTransient || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("GetJSON of a cut body = %v, want a transient read error", err)
	}
}
