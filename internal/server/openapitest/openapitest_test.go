package openapitest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const doc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/api/v1/things": {
      "post": {
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
          "type": "object", "required": ["name"], "additionalProperties": false,
          "properties": {"name": {"type": "string"}}}}}},
        "responses": {
          "201": {"description": "made", "content": {"application/json": {"schema": {
            "type": "object", "required": ["id"], "additionalProperties": false,
            "properties": {"id": {"type": "string"}}}}}},
          "400": {"description": "refused"}
        }
      }
    }
  }
}`

// recorder is a testing.TB that keeps the failures it is told of.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Helper() {}

func TestValidatorFailsWhatTheDocumentDoesNotDescribe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, body string
		status                   int
		answer                   string
		wantErr                  string // "" for none
	}{
		{"documented exchange", "POST", "/api/v1/things", `{"name":"a"}`, 201, `{"id":"1"}`, ""},
		{"undocumented member in the answer", "POST", "/api/v1/things", `{"name":"a"}`, 201, `{"id":"1","secret":"x"}`, "does not describe"},
		{"undocumented status", "POST", "/api/v1/things", `{"name":"a"}`, 500, `{}`, "does not describe"},
		{"invalid request accepted", "POST", "/api/v1/things", `{"nom":"a"}`, 201, `{"id":"1"}`, "the document refuses"},
		{"invalid request refused", "POST", "/api/v1/things", `{"nom":"a"}`, 400, ``, ""},
		{"route the document lacks", "GET", "/api/v1/other", ``, 200, `{}`, "no such operation"},
		{"route the document lacks, 404", "GET", "/api/v1/other", ``, 404, `{}`, ""},
		{"outside the prefix", "GET", "/elsewhere", ``, 200, `x`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := io.ReadAll(r.Body); err != nil {
					t.Error(err)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.answer)
			})
			for _, via := range []string{"handler", "transport"} {
				rec := &recorder{TB: t}
				v := New(t, []byte(doc), "/api/v1")
				client := http.DefaultClient
				srv := httptest.NewServer(h)
				if via == "handler" {
					srv.Close()
					srv = httptest.NewServer(v.Handler(rec, h))
				} else {
					client = &http.Client{Transport: v.Transport(rec, nil)}
				}
				req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
				req.Header.Set("Content-Type", "application/json")
				res, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(res.Body)
				res.Body.Close()
				srv.Close()
				if res.StatusCode != tc.status || string(got) != tc.answer {
					t.Errorf("%s: the answer was changed: %d %q", via, res.StatusCode, got)
				}
				switch {
				case tc.wantErr == "" && len(rec.errs) > 0:
					t.Errorf("%s: unexpected failure: %v", via, rec.errs)
				case tc.wantErr != "" && (len(rec.errs) != 1 || !strings.Contains(rec.errs[0], tc.wantErr)):
					t.Errorf("%s: failures %v, want one containing %q", via, rec.errs, tc.wantErr)
				}
			}
		})
	}
}
