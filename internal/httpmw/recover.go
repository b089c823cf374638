package httpmw

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// Recover turns a handler's panic into a 500 problem answer that says
// nothing of the program, and an error log line with the request id and
// the stack. When the answer had already begun, the connection is cut
// instead, so the client cannot take a half answer for a whole one.
func Recover(log *slog.Logger) func(http.Handler) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "http")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			defer func() {
				rec := recover()
				if rec == nil {
					return
				}
				if rec == http.ErrAbortHandler { //nolint:errorlint // net/http's sentinel is compared as is
					panic(rec)
				}
				log.LogAttrs(r.Context(), slog.LevelError, "handler panicked",
					slog.String("request_id", RequestIDFrom(r.Context())),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("panic", truncate(fmt.Sprint(rec), 300)),
					slog.String("stack", string(debug.Stack())))
				if ww.Status() != 0 {
					panic(http.ErrAbortHandler)
				}
				problem.Error(w, http.StatusInternalServerError, "an internal error occurred; the request id identifies it in the server's log")
			}()
			next.ServeHTTP(ww, r)
		})
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
