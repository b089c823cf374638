package serve

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/server"
)

// TestBodyLimit: a plugin upload may exceed max_body_bytes up to the
// upload cap; every other request may not.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	h := bodyLimit(1 << 20)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		}
	}))
	big := make([]byte, 2<<20)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodPost, server.PluginUploadPath, http.StatusOK},
		{http.MethodPost, "/api/v1/benchmarks", http.StatusRequestEntityTooLarge},
		{http.MethodPost, server.PluginUploadPath + "/x/reload", http.StatusRequestEntityTooLarge},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, bytes.NewReader(big)))
		if rec.Code != tc.want {
			t.Errorf("%s %s with 2 MiB: %d, want %d", tc.method, tc.path, rec.Code, tc.want)
		}
	}
}
