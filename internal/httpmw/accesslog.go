package httpmw

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// AccessLog writes one info line per request when it ends: method, route
// pattern (the path when no route matched), status, duration, bytes sent,
// principal (see NotePrincipal) and request id. It never logs the query
// string or any header, so tokens cannot leak through it. Put it inside
// RequestID and outside everything that may answer early.
func AccessLog(log *slog.Logger) func(http.Handler) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "http")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ctx, notes := withNotes(r.Context())
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			defer func() {
				status := ww.Status()
				if status == 0 {
					status = http.StatusOK // nothing written: net/http sends 200
				}
				userID, keyID := notes.principal()
				attrs := []slog.Attr{
					slog.String("method", r.Method),
					slog.String("route", routeOf(r)),
					slog.Int("status", status),
					slog.Duration("duration", time.Since(start)),
					slog.Int("bytes", ww.BytesWritten()),
					slog.String("request_id", RequestIDFrom(ctx)),
				}
				if userID != "" {
					attrs = append(attrs, slog.String("user_id", userID))
				}
				if keyID != "" {
					attrs = append(attrs, slog.String("key_id", keyID))
				}
				log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
			}()
			next.ServeHTTP(ww, r.WithContext(ctx))
		})
	}
}

// routeOf is the chi route pattern that served r (/api/v1/benchmarks/{id}),
// or its path when none matched. Never the query.
func routeOf(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return truncate(r.URL.Path, 200)
}
