package httpmw

import (
	"context"
	"crypto/rand"
	"net/http"
)

// RequestIDHeader carries a request's id, in both directions.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen is the longest client-chosen id kept.
const maxRequestIDLen = 64

type requestIDKey struct{}

// RequestID gives every request an id: the client's X-Request-Id when it is
// a short safe token (1-64 letters, digits, '.', '_', '-'), else a new
// random one. The id is set on the response (before the handler runs, so
// that problem answers carry it), in the request's context, and on the
// request's own header, replacing an unsafe one, so that packages below
// this one (auth's logs and audit entries) read the same id.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !SafeRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set(RequestIDHeader, id)
		r.Header.Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// RequestIDFrom returns the id RequestID gave the request ctx belongs to,
// or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// SafeRequestID reports whether a client's request id may be kept: short,
// and made only of characters that cannot forge log lines or headers.
func SafeRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := range len(id) {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}
