package httpmw

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// MaxBody caps request bodies at n bytes ([server] max_body_bytes). A body
// declared larger is refused with 413 before the handler runs; one that
// turns out larger while read fails the read (TooLarge tells), and the
// handler's 4xx answer to that failure is replaced by the 413.
func MaxBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				tooLarge(w, n)
				return
			}
			if r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			lw := &tooLargeWriter{ResponseWriter: w, limit: n}
			r.Body = &limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, n), over: &lw.over}
			next.ServeHTTP(lw, r)
		})
	}
}

// TooLarge reports whether err comes from reading a body over MaxBody's
// limit; a handler may answer it with 413 itself.
func TooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func tooLarge(w http.ResponseWriter, n int64) {
	w.Header().Set("Connection", "close")
	problem.Error(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", n))
}

// limitedBody notes when the limit is hit.
type limitedBody struct {
	io.ReadCloser
	over *atomic.Bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if TooLarge(err) {
		b.over.Store(true)
	}
	return n, err
}

// tooLargeWriter turns the handler's 4xx answer into 413 once the body was
// found too large, dropping what the handler writes.
type tooLargeWriter struct {
	http.ResponseWriter
	limit   int64
	over    atomic.Bool
	wrote   bool
	swallow bool
}

func (w *tooLargeWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if w.over.Load() && code >= 400 && code < 500 {
		w.swallow = true
		tooLarge(w.ResponseWriter, w.limit)
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *tooLargeWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *tooLargeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends buffered data, when the writer below can.
func (w *tooLargeWriter) Flush() {
	if !w.swallow {
		_ = http.NewResponseController(w.ResponseWriter).Flush()
	}
}
