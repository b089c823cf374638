package httpmw

import (
	"mime"
	"net/http"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// RequireJSON refuses, with 415, a POST, PUT or PATCH whose body is not
// JSON: its Content-Type must be application/json (or a +json type), in
// UTF-8 when a charset is named. Requests without a body pass, so routes
// such as POST /benchmarks/{id}/cancel need no header.
func RequireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
		default:
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		if !IsJSON(r.Header.Get("Content-Type")) {
			w.Header().Set("Accept-Post", "application/json")
			problem.Error(w, http.StatusUnsupportedMediaType, "send the body as application/json")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// IsJSON reports whether a Content-Type value names JSON in UTF-8.
func IsJSON(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	structured := strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
	if mt != "application/json" && !structured {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}
