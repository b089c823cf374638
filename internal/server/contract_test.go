package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

var registerDecoders sync.Once

// loadSpec parses and validates the embedded document.
func loadSpec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	registerDecoders.Do(func() {
		text := func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
			b, err := io.ReadAll(body)
			return string(b), err
		}
		openapi3filter.RegisterBodyDecoder("text/csv", text)
		openapi3filter.RegisterBodyDecoder("application/jsonl", text)
	})
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI())
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi.json is %s, want 3.1", doc.OpenAPI)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("openapi router: %v", err)
	}
	return doc, r
}

// contract wraps h so that every request under /api/v1 and its answer
// are checked against the OpenAPI document: a route the document lacks,
// a 2xx answer to a request the document calls invalid, and an answer
// whose status, headers or body the document does not describe each fail
// t. Requests the document calls invalid may be refused (4xx): the tests
// send some on purpose.
func contract(t testing.TB, h http.Handler) http.Handler {
	_, router := loadSpec(t)
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, Prefix+"/") {
			h.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		vr := r.Clone(r.Context())
		vr.Body = io.NopCloser(bytes.NewReader(body))
		route, params, findErr := router.FindRoute(vr)
		var in *openapi3filter.RequestValidationInput
		var reqErr error
		if findErr == nil {
			in = &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route, Options: opts}
			reqErr = openapi3filter.ValidateRequest(r.Context(), in)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		res := rec.Result()
		switch {
		case findErr != nil && res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed:
			t.Errorf("contract: %s %s answered %d but the document has no such operation: %v", r.Method, r.URL.Path, res.StatusCode, findErr)
		case findErr != nil:
		case reqErr != nil && res.StatusCode < 400:
			t.Errorf("contract: %s %s answered %d to a request the document refuses: %v", r.Method, r.URL.Path, res.StatusCode, reqErr)
		default:
			respBody := rec.Body.Bytes()
			err := openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
				RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
				Body: io.NopCloser(bytes.NewReader(respBody)), Options: opts,
			})
			if err != nil {
				t.Errorf("contract: %s %s answered %d, which the document does not describe: %v\nbody: %.500s", r.Method, r.URL.Path, res.StatusCode, err, respBody)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}
