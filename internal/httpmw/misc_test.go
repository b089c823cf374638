package httpmw

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"go.uber.org/goleak"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func problemOf(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json (body %q)", ct, w.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("problem body %q: %v", w.Body, err)
	}
	return m
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	for in, keep := range map[string]bool{
		"abc-123_X.y":           true,
		strings.Repeat("a", 64): true,
		strings.Repeat("a", 65): false,
		"":                      false,
		"a b":                   false,
		"x\r\nSet-Cookie: a=b":  false,
		`"><script>`:            false,
		"ünïcode":               false,
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if in != "" {
			r.Header[RequestIDHeader] = []string{in}
		}
		w := httptest.NewRecorder()
		var ctxID string
		RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctxID = RequestIDFrom(r.Context())
			if w.Header().Get(RequestIDHeader) != ctxID {
				t.Error("the id is not on the response before the handler runs")
			}
			if r.Header.Get(RequestIDHeader) != ctxID {
				t.Error("the request's own header does not carry the id given (auth reads it there)")
			}
		})).ServeHTTP(w, r)
		got := w.Header().Get(RequestIDHeader)
		if (got == in) != keep || got != ctxID || len(got) < 16 && !keep {
			t.Errorf("X-Request-Id %q → %q (context %q), keep=%v", in, got, ctxID, keep)
		}
	}
}

func TestMaxBody(t *testing.T) {
	t.Parallel()
	// decodeJSON stands for a handler: it answers 400 to a body it cannot read.
	decodeJSON := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v any
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			http.Error(w, "bad json: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	h := MaxBody(16)(decodeJSON)
	big := `{"a":"` + strings.Repeat("x", 64) + `"}`
	tests := []struct {
		name    string
		body    io.Reader
		length  int64
		want    int
		problem bool
	}{
		{"small", strings.NewReader(`{"a":1}`), 7, http.StatusCreated, false},
		{"declared too large", strings.NewReader(big), int64(len(big)), http.StatusRequestEntityTooLarge, true},
		{"chunked too large", io.MultiReader(strings.NewReader(big)), -1, http.StatusRequestEntityTooLarge, true},
		{"at the limit, bad json", strings.NewReader(`{"a":"123456789"`), 16, http.StatusBadRequest, false},
		{"limit, valid", strings.NewReader(`{"a":"12345678"}`), 16, http.StatusCreated, false},
		{"bad json, small", strings.NewReader(`{`), 1, http.StatusBadRequest, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/", tc.body)
			r.ContentLength = tc.length
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d (%s)", w.Code, tc.want, w.Body)
			}
			if tc.problem {
				if p := problemOf(t, w); p["status"] != float64(413) || strings.Contains(w.Body.String(), "bad json") {
					t.Errorf("413 body %v", p)
				}
			}
		})
	}
	if !TooLarge(&http.MaxBytesError{Limit: 1}) || TooLarge(errors.New("x")) {
		t.Error("TooLarge")
	}
}

func TestRequireJSON(t *testing.T) {
	t.Parallel()
	h := RequireJSON(ok200)
	tests := []struct {
		method, ct, body string
		want             int
	}{
		{http.MethodPost, "application/json", `{}`, 200},
		{http.MethodPost, "application/json; charset=utf-8", `{}`, 200},
		{http.MethodPost, "Application/JSON; charset=UTF-8", `{}`, 200},
		{http.MethodPatch, "application/merge-patch+json", `{}`, 200},
		{http.MethodPost, "", "", 200},
		{http.MethodGet, "text/plain", "x", 200},
		{http.MethodDelete, "", `{"id":"x"}`, 200},
		{http.MethodPost, "text/plain", `{}`, 415},
		{http.MethodPost, "", `{}`, 415},
		{http.MethodPut, "application/x-www-form-urlencoded", `a=b`, 415},
		{http.MethodPost, "multipart/form-data; boundary=x", `--x`, 415},
		{http.MethodPost, "application/json; charset=latin1", `{}`, 415},
		{http.MethodPost, "application/jsonx", `{}`, 415},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(tc.method, "/", strings.NewReader(tc.body))
		if tc.ct != "" {
			r.Header.Set("Content-Type", tc.ct)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s %q %q: %d, want %d", tc.method, tc.ct, tc.body, w.Code, tc.want)
		}
		if w.Code == 415 {
			problemOf(t, w)
		}
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
			w.WriteHeader(http.StatusOK)
		}
	})
	_, hasDeadline := context.Background().Deadline()
	if hasDeadline {
		t.Fatal("background has a deadline")
	}
	mw := Timeout(TimeoutOptions{Timeout: 50 * time.Millisecond, Exempt: func(r *http.Request) bool { return r.URL.Path == "/export" }})

	w := httptest.NewRecorder()
	start := time.Now()
	mw(slow).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/slow", nil))
	if w.Code != http.StatusServiceUnavailable || time.Since(start) > 2*time.Second {
		t.Fatalf("slow handler: %d after %s, want 503 after the timeout", w.Code, time.Since(start))
	}
	problemOf(t, w)

	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "/export", nil),
		withHeader(httptest.NewRequest(http.MethodGet, "/ws", nil), "Upgrade", "websocket"),
		withHeader(httptest.NewRequest(http.MethodGet, "/events", nil), "Accept", "text/event-stream"),
	} {
		var deadline bool
		mw(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { _, deadline = r.Context().Deadline() })).ServeHTTP(httptest.NewRecorder(), r)
		if deadline {
			t.Errorf("%s: a stream got a deadline", r.URL.Path)
		}
	}

	// A handler that answered in time keeps its answer.
	w = httptest.NewRecorder()
	mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		<-r.Context().Done()
	})).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusAccepted {
		t.Errorf("answered handler: %d, want 202", w.Code)
	}
}

func withHeader(r *http.Request, k, v string) *http.Request {
	r.Header.Set(k, v)
	return r
}

func TestRecover(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	h := RequestID(Recover(log)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("db password is in /etc/secret-path.conf")
	})))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}
	p := problemOf(t, w)
	if strings.Contains(w.Body.String(), "secret-path") || strings.Contains(w.Body.String(), "goroutine") || p["request_id"] == "" {
		t.Errorf("500 body tells internals or lacks the request id: %s", w.Body)
	}
	if !strings.Contains(buf.String(), "handler panicked") || !strings.Contains(buf.String(), p["request_id"].(string)) {
		t.Errorf("log: %s", buf.String())
	}

	// Once the answer has begun, the connection is cut instead.
	started := Recover(nil)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		panic("late")
	}))
	func() {
		defer func() {
			if rec := recover(); rec != http.ErrAbortHandler { //nolint:errorlint // sentinel compared as is
				t.Errorf("late panic: recovered %v, want http.ErrAbortHandler", rec)
			}
		}()
		started.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}()
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	r := chi.NewRouter()
	r.Use(RequestID, AccessLog(log), fakeAuthNoted)
	r.Get("/api/v1/benchmarks/{id}", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) })
	req := httptest.NewRequest(http.MethodGet, "/api/v1/benchmarks/b123?api_key=ltb_sekrit&token=sekrit2", nil)
	req.Header.Set("Authorization", "Bearer sekrit3")
	req.Header.Set("X-Test-User", "u1")
	req.Header.Set("X-Test-Key", "k9")
	req.Header.Set(RequestIDHeader, "req-42")
	r.ServeHTTP(httptest.NewRecorder(), req)
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log %q: %v", buf.String(), err)
	}
	for k, want := range map[string]any{
		"msg": "request", "method": "GET", "route": "/api/v1/benchmarks/{id}", "status": float64(200),
		"bytes": float64(5), "request_id": "req-42", "user_id": "u1", "key_id": "k9",
	} {
		if line[k] != want {
			t.Errorf("%s = %v, want %v", k, line[k], want)
		}
	}
	if _, ok := line["duration"]; !ok {
		t.Error("no duration")
	}
	if strings.Contains(buf.String(), "sekrit") || strings.Contains(buf.String(), "b123") {
		t.Errorf("the log holds the query, a header or the raw path: %s", buf.String())
	}
}

// fakeAuthNoted is fakeAuth followed by what the real authentication
// middleware must do: NotePrincipal.
func fakeAuthNoted(next http.Handler) http.Handler {
	return fakeAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.FromContext(r.Context()) != nil {
			NotePrincipal(r)
		}
		next.ServeHTTP(w, r)
	}))
}

func TestCompress(t *testing.T) {
	t.Parallel()
	payload := `{"items":[` + strings.Repeat(`{"a":"bbbbbbbbbb"},`, 200) + `{}]}`
	h := Compress()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", map[bool]string{true: "text/csv", false: "application/json"}[r.URL.Path == "/csv"])
		_, _ = w.Write([]byte(payload))
	}))
	for _, tc := range []struct {
		path, accept string
		gz           bool
	}{{"/json", "gzip, deflate", true}, {"/json", "", false}, {"/json", "identity", false}, {"/csv", "gzip", false}} {
		r := httptest.NewRequest(http.MethodGet, tc.path, nil)
		if tc.accept != "" {
			r.Header.Set("Accept-Encoding", tc.accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if gz := w.Header().Get("Content-Encoding") == "gzip"; gz != tc.gz {
			t.Errorf("%s with %q: gzip=%v, want %v", tc.path, tc.accept, gz, tc.gz)
			continue
		}
		body := w.Body.Bytes()
		if tc.gz {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
			if w.Body.Len() >= len(payload) {
				t.Errorf("gzip did not shrink the body: %d bytes", w.Body.Len())
			}
		}
		if string(body) != payload {
			t.Errorf("%s: body changed", tc.path)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	SecurityHeaders(ok200).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	w = httptest.NewRecorder()
	SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=60")
	})).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if got := w.Header().Get("Cache-Control"); got != "public, max-age=60" {
		t.Errorf("a handler's Cache-Control was overridden: %q", got)
	}
}

// FuzzCORSOrigin: whatever the Origin, only an allowlisted one is ever
// allowed, and never with "*" and credentials together.
func FuzzCORSOrigin(f *testing.F) {
	for _, s := range []string{"https://app.example.com", "null", "https://app.example.com.evil", "HTTPS://APP.EXAMPLE.COM", ""} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, origin string, creds bool) {
		mw, err := CORS(CORSOptions{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: creds})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Origin"] = []string{origin}
		w := httptest.NewRecorder()
		mw(ok200).ServeHTTP(w, r)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != "" && (got != "https://app.example.com" || origin != got) {
			t.Fatalf("origin %q allowed as %q", origin, got)
		}
	})
}
