// Package openapitest checks live HTTP traffic against an OpenAPI 3.1
// document, for tests: wrapped around a handler or a client's transport,
// every request under a prefix and its answer are validated with
// kin-openapi, and whatever the document does not describe fails the test.
// The server's own tests and the end-to-end tests of the assembled server
// share it, so both hold the handlers to one reading of the document.
package openapitest

import (
	"bytes"
	"context"
	"fmt"
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

// Validator checks exchanges under Prefix against one document.
type Validator struct {
	Doc    *openapi3.T
	Prefix string
	router routers.Router
	opts   *openapi3filter.Options
}

// New parses doc, checks it is a valid OpenAPI 3.1 document, and returns
// a validator of the requests whose path starts with prefix ("/api/v1").
// Text bodies (CSV, JSONL) are read as strings.
func New(t testing.TB, doc []byte, prefix string) *Validator {
	t.Helper()
	registerDecoders.Do(func() {
		text := func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
			b, err := io.ReadAll(body)
			return string(b), err
		}
		openapi3filter.RegisterBodyDecoder("text/csv", text)
		openapi3filter.RegisterBodyDecoder("application/jsonl", text)
	})
	d, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		t.Fatalf("load the OpenAPI document: %v", err)
	}
	if err := d.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	if !d.IsOpenAPI31OrLater() {
		t.Fatalf("the OpenAPI document is %s, want 3.1", d.OpenAPI)
	}
	r, err := gorillamux.NewRouter(d)
	if err != nil {
		t.Fatalf("OpenAPI router: %v", err)
	}
	return &Validator{Doc: d, Prefix: prefix, router: r,
		opts: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}}
}

// exchange is one request and its answer, bodies read whole.
type exchange struct {
	req     *http.Request
	reqBody []byte
	status  int
	header  http.Header
	body    []byte
}

// check fails t when the exchange is not what the document describes: a
// route the document lacks (unless answered 404 or 405), a 2xx or 3xx
// answer to a request the document calls invalid, and an answer whose
// status, headers or body the document does not describe (refusals
// included). Requests the document calls invalid may be refused (4xx):
// tests send some on purpose.
func (v *Validator) check(t testing.TB, x exchange) {
	t.Helper()
	vr := x.req.Clone(context.WithoutCancel(x.req.Context()))
	vr.Body = io.NopCloser(bytes.NewReader(x.reqBody))
	route, params, findErr := v.router.FindRoute(vr)
	method, path := x.req.Method, x.req.URL.Path
	switch {
	case findErr != nil && x.status != http.StatusNotFound && x.status != http.StatusMethodNotAllowed:
		t.Errorf("contract: %s %s answered %d but the document has no such operation: %v", method, path, x.status, findErr)
		return
	case findErr != nil:
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route, Options: v.opts}
	if err := openapi3filter.ValidateRequest(vr.Context(), in); err != nil && x.status < 400 {
		t.Errorf("contract: %s %s answered %d to a request the document refuses: %v", method, path, x.status, err)
		return
	}
	err := openapi3filter.ValidateResponse(vr.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: x.status, Header: x.header,
		Body: io.NopCloser(bytes.NewReader(x.body)), Options: v.opts,
	})
	if err != nil {
		t.Errorf("contract: %s %s answered %d, which the document does not describe: %v\nbody: %.500s", method, path, x.status, err, x.body)
	}
}

func (v *Validator) covers(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, v.Prefix+"/")
}

// Handler wraps h: each request under the prefix is answered in full
// first, checked, then copied to w (so a streamed answer arrives at once).
func (v *Validator) Handler(t testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !v.covers(r) {
			h.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("contract: read the request body of %s %s: %v", r.Method, r.URL.Path, err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		res := rec.Result()
		v.check(t, exchange{req: r, reqBody: body, status: res.StatusCode, header: res.Header, body: rec.Body.Bytes()})
		for k, vals := range rec.Header() {
			w.Header()[k] = vals
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// Transport wraps a client's transport (nil: http.DefaultTransport): each
// request under the prefix and its answer, read whole, are checked.
func (v *Validator) Transport(t testing.TB, rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if !v.covers(r) {
			return rt.RoundTrip(r)
		}
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			_ = r.Body.Close()
			if err != nil {
				return nil, fmt.Errorf("contract: read the request body: %w", err)
			}
			body = b
			r = r.Clone(r.Context())
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		res, err := rt.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		got, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("contract: read the answer of %s %s: %w", r.Method, r.URL.Path, err)
		}
		res.Body = io.NopCloser(bytes.NewReader(got))
		v.check(t, exchange{req: r, reqBody: body, status: res.StatusCode, header: res.Header, body: got})
		return res, nil
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
