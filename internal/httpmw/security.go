package httpmw

import "net/http"

// SecurityHeaders marks every answer X-Content-Type-Options: nosniff,
// Cache-Control: no-store (API answers hold private data; a handler may
// set another Cache-Control) and Referrer-Policy: no-referrer.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
