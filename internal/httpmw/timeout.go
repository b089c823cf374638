package httpmw

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// TimeoutOptions configures Timeout.
type TimeoutOptions struct {
	// Timeout bounds a request ([server] request_timeout).
	Timeout time.Duration
	// Exempt names further requests that stream and so must not be cut
	// (such as POST /api/v1/results/export); WebSocket upgrades and
	// requests accepting text/event-stream are always exempt.
	Exempt func(*http.Request) bool
}

// Timeout gives each request's context a deadline. Handlers stop when it
// passes (they honour ctx); one that then returns without answering gets
// 503. Streams are exempt (see TimeoutOptions.Exempt).
func Timeout(o TimeoutOptions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if IsStream(r) || (o.Exempt != nil && o.Exempt(r)) {
				next.ServeHTTP(w, r)
				return
			}
			ctx, cancel := context.WithTimeout(r.Context(), o.Timeout)
			defer cancel()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r.WithContext(ctx))
			if ww.Status() == 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				problem.Error(w, http.StatusServiceUnavailable, fmt.Sprintf("the request took longer than %s", o.Timeout))
			}
		})
	}
}

// IsStream reports whether r opens a stream: a WebSocket upgrade, or a
// request for server-sent events.
func IsStream(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") ||
		strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}
