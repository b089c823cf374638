package providertest

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

// StallingServer starts a server that reads each request, sends head (as
// contentType, when head is not ""), and then sends nothing more until the
// client goes away or 5 s pass: a model that stalls. It is closed when the
// test ends.
func StallingServer(t testing.TB, contentType, head string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client going away
		if head != "" {
			w.Header().Set("Content-Type", contentType)
			_, _ = io.WriteString(w, head)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// EmitStops checks that an error from emit ends p's call of req and is
// returned, wrapped.
func EmitStops(t *testing.T, p provider.Provider, req provider.Request) {
	t.Helper()
	stop := errors.New("stop")
	if _, err := p.Generate(t.Context(), req, func(provider.Chunk) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("Generate error = %v, want the emit error", err)
	}
}

// CheckCut checks p's call of req against a server that drops the
// connection mid-answer: it emits want and then fails as transient. It
// returns the error.
func CheckCut(t *testing.T, p provider.Provider, req provider.Request, want string) *provider.Error {
	t.Helper()
	var got []string
	_, err := p.Generate(t.Context(), req, func(c provider.Chunk) error {
		got = append(got, c.Text)
		return nil
	})
	pe := provider.AsError(err)
	if pe == nil || pe.Kind != provider.KindTransient {
		t.Fatalf("Generate error = %v, want transient", err)
	}
	if strings.Join(got, "") != want {
		t.Errorf("emitted %q before the drop, want %q", got, want)
	}
	return pe
}

// CheckRejected checks that p refuses req before calling srv: a
// bad_request error mentioning in, and no request sent.
func CheckRejected(t *testing.T, p provider.Provider, req provider.Request, in string, srv *replay.Server) {
	t.Helper()
	_, err := p.Generate(t.Context(), req, Discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest || !strings.Contains(err.Error(), in) {
		t.Fatalf("Generate error = %v, want bad_request mentioning %q", err, in)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

// CheckTruncated checks that p's call of req, whose stream ends before
// the vendor's last event, fails wrapping httpcall.ErrStreamTruncated.
func CheckTruncated(t *testing.T, p provider.Provider, req provider.Request) {
	t.Helper()
	if _, err := p.Generate(t.Context(), req, Discard); !errors.Is(err, httpcall.ErrStreamTruncated) {
		t.Fatalf("Generate error = %v, want ErrStreamTruncated", err)
	}
}
