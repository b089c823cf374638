package httpmw

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func corsDo(t *testing.T, o CORSOptions, method string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	mw, err := CORS(o)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(method, "/api/v1/benchmarks", nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	mw(ok200).ServeHTTP(w, r)
	return w
}

func varies(w *httptest.ResponseRecorder, field string) bool {
	for _, v := range w.Header().Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) {
				return true
			}
		}
	}
	return false
}

// SECURITY_TESTS 25.
func TestCORS(t *testing.T) {
	t.Parallel()
	app := CORSOptions{AllowedOrigins: []string{"https://App.example.com:443/"}}
	withCreds := CORSOptions{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true}
	anyOrigin := CORSOptions{AllowedOrigins: []string{"*"}}
	preflight := func(origin string) []string {
		return []string{"Origin", origin, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"}
	}
	tests := []struct {
		name     string
		o        CORSOptions
		method   string
		hdr      []string
		code     int
		acao     string
		acac     string
		allowHdr string
	}{
		{"default allows none", CORSOptions{}, http.MethodGet, []string{"Origin", "https://app.example.com"}, 200, "", "", ""},
		{"foreign origin", app, http.MethodGet, []string{"Origin", "https://evil.example"}, 200, "", "", ""},
		{"suffix trick", app, http.MethodGet, []string{"Origin", "https://app.example.com.evil.example"}, 200, "", "", ""},
		{"prefix trick", app, http.MethodGet, []string{"Origin", "https://evil-app.example.com"}, 200, "", "", ""},
		{"other scheme", app, http.MethodGet, []string{"Origin", "http://app.example.com"}, 200, "", "", ""},
		{"null", app, http.MethodGet, []string{"Origin", "null"}, 200, "", "", ""},
		{"null with star", anyOrigin, http.MethodGet, []string{"Origin", "null"}, 200, "", "", ""},
		{"two origins", app, http.MethodGet, []string{"Origin", "https://app.example.com", "Origin", "https://evil.example"}, 200, "", "", ""},
		{"allowed echoed", app, http.MethodGet, []string{"Origin", "https://app.example.com"}, 200, "https://app.example.com", "", ""},
		{"allowed with credentials", withCreds, http.MethodGet, []string{"Origin", "https://app.example.com"}, 200, "https://app.example.com", "true", ""},
		{"credentials foreign", withCreds, http.MethodGet, []string{"Origin", "https://evil.example"}, 200, "", "", ""},
		{"star without credentials", anyOrigin, http.MethodGet, []string{"Origin", "https://any.example"}, 200, "*", "", ""},
		{"no origin", app, http.MethodGet, nil, 200, "", "", ""},
		{"preflight allowed", app, http.MethodOptions, preflight("https://app.example.com"), 204, "https://app.example.com", "", "Authorization, Content-Type"},
		{"preflight credentials", withCreds, http.MethodOptions, preflight("https://app.example.com"), 204, "https://app.example.com", "true", "Authorization, Content-Type"},
		{"preflight star", anyOrigin, http.MethodOptions, preflight("https://x.example"), 204, "*", "", "Authorization, Content-Type"},
		{"preflight foreign", app, http.MethodOptions, preflight("https://evil.example"), 403, "", "", ""},
		{"preflight null", anyOrigin, http.MethodOptions, preflight("null"), 403, "", "", ""},
		{"preflight bad method", app, http.MethodOptions, []string{"Origin", "https://app.example.com", "Access-Control-Request-Method", "TRACE"}, 403, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := corsDo(t, tc.o, tc.method, tc.hdr...)
			h := w.Header()
			if w.Code != tc.code {
				t.Errorf("status %d, want %d", w.Code, tc.code)
			}
			if got := h.Values("Access-Control-Allow-Origin"); tc.acao == "" && len(got) > 0 || tc.acao != "" && !slices.Equal(got, []string{tc.acao}) {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tc.acao)
			}
			if got := h.Get("Access-Control-Allow-Credentials"); got != tc.acac {
				t.Errorf("Access-Control-Allow-Credentials %q, want %q", got, tc.acac)
			}
			if h.Get("Access-Control-Allow-Origin") == "*" && h.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("* sent with credentials")
			}
			if !varies(w, "Origin") {
				t.Errorf("no Vary: Origin (Vary %q)", h.Values("Vary"))
			}
			if got := h.Get("Access-Control-Allow-Headers"); got != tc.allowHdr {
				t.Errorf("Access-Control-Allow-Headers %q, want %q", got, tc.allowHdr)
			}
			if tc.code == 204 {
				if got := h.Get("Access-Control-Max-Age"); got != "600" {
					t.Errorf("Access-Control-Max-Age %q, want 600", got)
				}
				if got := h.Get("Access-Control-Allow-Methods"); got != "GET, POST, PUT, PATCH, DELETE" {
					t.Errorf("Access-Control-Allow-Methods %q", got)
				}
				if !varies(w, "Access-Control-Request-Headers") {
					t.Error("preflight does not vary by the requested headers")
				}
			}
			if tc.acao != "" && tc.code == 200 && !strings.Contains(h.Get("Access-Control-Expose-Headers"), "RateLimit") {
				t.Errorf("Access-Control-Expose-Headers %q lacks the rate-limit headers", h.Get("Access-Control-Expose-Headers"))
			}
		})
	}
}

func TestCORSRefusesUnsafeOptions(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]CORSOptions{
		"star with credentials": {AllowedOrigins: []string{"*"}, AllowCredentials: true},
		"null":                  {AllowedOrigins: []string{"null"}},
		"not an origin":         {AllowedOrigins: []string{"app.example.com"}},
		"path":                  {AllowedOrigins: []string{"https://app.example.com/app"}},
		"wildcard header":       {AllowedOrigins: []string{"https://a.example"}, AllowedHeaders: []string{"*"}},
		"long max age":          {AllowedOrigins: []string{"https://a.example"}, MaxAge: 601 * time.Second},
	} {
		if _, err := CORS(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestNormalizeOrigin(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://App.Example.com":     "https://app.example.com",
		"https://app.example.com:443": "https://app.example.com",
		"http://app.example.com:80/":  "http://app.example.com",
		"http://localhost:5173":       "http://localhost:5173",
		"HTTP://[::1]:8080":           "http://[::1]:8080",
	} {
		got, err := normalizeOrigin(in)
		if err != nil || got != want {
			t.Errorf("normalizeOrigin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
