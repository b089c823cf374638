package server

import (
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/llm-test-bench/llm-test-bench/internal/server/openapitest"
)

// loadSpec parses and validates the embedded document.
func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	return openapitest.New(t, OpenAPI(), Prefix).Doc
}

// contract wraps h so that every request under /api/v1 and its answer
// are checked against the OpenAPI document (see openapitest).
func contract(t testing.TB, h http.Handler) http.Handler {
	return openapitest.New(t, OpenAPI(), Prefix).Handler(t, h)
}
