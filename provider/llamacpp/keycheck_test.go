package llamacpp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// fakeServer answers as llama-server's middleware and routes do
// (server.cpp): while loading every route is 503 "Loading model"; with
// --api-key set, routes other than the open ones need "Authorization:
// Bearer KEY" or get 401 "Invalid API Key". noTokenize drops /tokenize
// (404), as a proxy in front of the server might.
type fakeServer struct {
	fakeConfig

	mu    sync.Mutex
	paths []string
}

// fakeConfig is how a fakeServer was started.
type fakeConfig struct {
	apiKey     string
	loading    bool
	noTokenize bool
}

var openRoutes = map[string]bool{"/health": true, "/v1/health": true, "/models": true, "/v1/models": true}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	f.mu.Lock()
	f.paths = append(f.paths, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	reply := func(status int, body string) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
	switch {
	case f.loading:
		reply(503, `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`)
	case f.apiKey != "" && !openRoutes[r.URL.Path] && r.Header.Get("Authorization") != "Bearer "+f.apiKey:
		reply(401, `{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}`)
	case r.URL.Path == "/health":
		reply(200, `{"status":"ok"}`)
	case r.URL.Path == "/v1/models":
		reply(200, `{"object":"list","data":[{"id":"gpt-oss","object":"model","created":1735142223,"owned_by":"llamacpp"}]}`)
	case r.URL.Path == "/tokenize" && r.Method == http.MethodPost && !f.noTokenize:
		reply(200, `{"tokens":[]}`)
	default:
		reply(404, `{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}`)
	}
}

func (f *fakeServer) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.paths...)
}

// TestKeyCheck: /health and /v1/models answer whatever the key, so Health
// and Models also call a route the key guards and fail as auth when it is
// refused.
func TestKeyCheck(t *testing.T) {
	t.Parallel()
	const serverKey = "llama-server-key-9876543210"
	tests := []struct {
		name      string
		fake      fakeConfig
		clientKey string
		want      provider.Kind // "" for success
	}{
		{"right key", fakeConfig{apiKey: serverKey}, serverKey, ""},
		{"wrong key", fakeConfig{apiKey: serverKey}, testKey, provider.KindAuth},
		{"no key for a server that needs one", fakeConfig{apiKey: serverKey}, "", provider.KindAuth},
		{"server without a key", fakeConfig{}, "", ""},
		{"server without a key given one", fakeConfig{}, testKey, ""},
		{"route not passed by a proxy", fakeConfig{noTokenize: true}, testKey, ""},
		{"loading", fakeConfig{loading: true}, serverKey, provider.KindOverloaded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeServer{fakeConfig: tt.fake}
			srv := httptest.NewServer(fake)
			t.Cleanup(srv.Close)
			c := newClient(t, srv.URL, tt.clientKey)

			healthErr := c.Health(t.Context())
			models, modelsErr := c.Models(t.Context())
			for what, err := range map[string]error{"Health": healthErr, "Models": modelsErr} {
				checkKind(t, what, err, tt.want, tt.clientKey)
			}
			if tt.want == "" && !cmp.Equal(models, []string{"gpt-oss"}) {
				t.Errorf("Models = %v", models)
			}
			wantPaths := []string{"GET /health", "POST /tokenize", "GET /v1/models", "POST /tokenize"}
			if tt.fake.loading {
				wantPaths = []string{"GET /health", "GET /v1/models"}
			}
			if diff := cmp.Diff(wantPaths, fake.seen()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// checkKind fails t unless err is nil (want "") or a *provider.Error of
// kind want that does not show key.
func checkKind(t *testing.T, what string, err error, want provider.Kind, key string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
		return
	}
	pe := provider.AsError(err)
	if pe == nil || pe.Kind != want {
		t.Errorf("%s error = %v, want %s", what, err, want)
		return
	}
	if key != "" && strings.Contains(err.Error(), key) {
		t.Errorf("%s error shows the key: %v", what, err)
	}
	if want == provider.KindAuth && (!strings.Contains(err.Error(), "/tokenize") || !strings.Contains(err.Error(), "--api-key")) {
		t.Errorf("%s error does not say where the key was refused and what to do: %v", what, err)
	}
}
