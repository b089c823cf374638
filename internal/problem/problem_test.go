package problem

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWrite(t *testing.T) {
	w := httptest.NewRecorder()
	w.Header().Set("X-Request-Id", "r1")
	BadField(w, "providers[0]", "unknown provider")
	if got := w.Header().Get("Content-Type"); got != ContentType {
		t.Fatalf("content type %q", got)
	}
	var d Details
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	want := Details{Type: "about:blank", Title: "Bad Request", Status: http.StatusBadRequest, Detail: "unknown provider", Field: "providers[0]", RequestID: "r1"}
	if d != want || w.Code != http.StatusBadRequest {
		t.Fatalf("got %d %+v, want %+v", w.Code, d, want)
	}
}
