package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/provider"
	// The vendors the providers routes list.
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

// fakeProvider lists two models and is healthy unless told otherwise.
type fakeProvider struct{ healthErr error }

func (fakeProvider) Generate(context.Context, provider.Request, func(provider.Chunk) error) (provider.Response, error) {
	return provider.Response{}, errors.New("not used")
}
func (fakeProvider) Models(context.Context) ([]string, error) { return []string{"m1", "m2"}, nil }
func (f fakeProvider) Health(context.Context) error           { return f.healthErr }

type fakeProviders struct{}

func (fakeProviders) Provider(_ context.Context, name string) (provider.Provider, func(), error) {
	return fakeProvider{}, func() {}, nil
}

// env is a server over in-memory fakes, behind the OpenAPI contract check.
type env struct {
	t    *testing.T
	url  string
	st   *memStore
	mgr  *fakeManager
	srv  *Server
	auth *tokenAuth
	// pluginDir is the plugin directory of the server's plugin manager.
	pluginDir string
}

// testNATSURL is what GET /distributed answers in these tests.
const testNATSURL = "nats://127.0.0.1:14222"

func newEnv(t *testing.T) *env {
	t.Helper()
	st := &memStore{}
	mgr := &fakeManager{st: st, running: 2, queue: 10}
	ta := &tokenAuth{principals: map[string]*auth.Principal{
		"admin":  principal("u-admin", "admin"),
		"alice":  principal("u-alice", "user"),
		"bob":    principal("u-bob", "user"),
		"viewer": principal("u-viewer", "viewer"),
	}}
	svc := api.New(api.Deps{Store: st, Manager: mgr, Providers: fakeProviders{}, Config: config.Default(), NATSURL: testNATSURL})
	pluginDir := t.TempDir()
	srv, err := New(Options{Service: svc, Auth: ta, Store: st, Manager: mgr, Plugins: newPluginManager(t, pluginDir)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(contract(t, srv.Handler()))
	t.Cleanup(hs.Close)
	return &env{t: t, url: hs.URL, st: st, mgr: mgr, srv: srv, auth: ta, pluginDir: pluginDir}
}

// answer is one response, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// do sends a request as token ("" for none) with a JSON body when body
// is not nil (raw bytes are sent as they are).
func (e *env) do(token, method, path string, body any) answer {
	e.t.Helper()
	var rd io.Reader
	contentType := "application/json"
	if body != nil {
		if rb, ok := body.(rawBody); ok {
			rd, contentType = bytes.NewReader(rb.data), rb.contentType
		} else if b, ok := body.([]byte); ok {
			rd = bytes.NewReader(b)
		} else {
			rd = bytes.NewReader(mustJSON(body))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

// rawBody is a request body sent as it is, with its content type.
type rawBody struct {
	contentType string
	data        []byte
}

// seedRun stores a run owned by user with n results.
func (e *env) seedRun(user string, status bench.RunStatus, n int) (bench.Run, []bench.Result) {
	now := time.Now().UTC()
	run := bench.Run{ID: uuid.Must(uuid.NewV7()).String(), Name: "seed-" + user, UserID: user, Status: status,
		Tags: map[string]string{}, CreatedAt: now, UpdatedAt: now}
	e.st.addRun(run)
	var rs []bench.Result
	e.st.mu.Lock()
	for i := range n {
		r := bench.Result{ID: uuid.Must(uuid.NewV7()).String(), RunID: run.ID, CaseID: "c", Provider: "simulator:x",
			Model: "x", Status: bench.StatusSuccess, Prompt: "p", Response: "r", Passed: i%2 == 0, Score: 1, CreatedAt: now}
		e.st.results = append(e.st.results, r)
		rs = append(rs, r)
	}
	e.st.mu.Unlock()
	return run, rs
}

func newTestHTTP(t *testing.T, h http.Handler) string {
	hs := httptest.NewServer(contract(t, h))
	t.Cleanup(hs.Close)
	return hs.URL
}
