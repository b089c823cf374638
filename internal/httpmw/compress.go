package httpmw

import (
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
)

// Compress gzips (or deflates) JSON and problem answers for clients whose
// Accept-Encoding allows it; other answers (CSV exports, streams) pass as
// they are. Level 1 (best speed): a page of results is repetitive JSON
// that the fastest level already shrinks several times, and at level 5
// compression cost an eighth of a page's CPU under load.
func Compress() func(http.Handler) http.Handler {
	return middleware.Compress(1, "application/json", "application/problem+json")
}
