package httpmw

import (
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
)

// Compress gzips (or deflates) JSON and problem answers for clients whose
// Accept-Encoding allows it; other answers (CSV exports, streams) pass as
// they are.
func Compress() func(http.Handler) http.Handler {
	return middleware.Compress(5, "application/json", "application/problem+json")
}
