package auth

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

const (
	testSecret    = "test-signing-secret-0123456789-abcdefghijklmnop"
	otherSecret   = "another-signing-secret-9876543210-zyxwvutsrqpo"
	testPassword  = "correct horse battery staple"
	protectedPath = "/api/v1/protected"
	pluginPath    = "/api/v1/plugins"
)

// testArgon2 keeps the HTTP tests fast; the parameters' own tests use
// DefaultArgon2.
var testArgon2 = Argon2Params{MemoryKiB: 1024, Time: 1, Threads: 1}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixture is a service behind a real HTTP server: the auth routes at
// /api/v1/auth, a route needing benchmark.read and one needing
// plugin.install.
type fixture struct {
	svc   *Service
	st    store.AuthStore
	hook  *hookedStore
	srv   *httptest.Server
	clock *clock
	logs  *syncBuffer
	cfg   *config.Config
}

type fixtureOpts struct {
	toml  string
	env   []string
	store store.AuthStore // shared with another fixture
	mk    storeMaker      // a new store; nil: in memory
	clock *clock
}

func loadConfig(t testing.TB, toml string, env []string) *config.Config {
	t.Helper()
	work := t.TempDir()
	if toml != "" {
		if err := os.WriteFile(filepath.Join(work, config.ProjectFile), []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(config.LoadOptions{WorkDir: work, HomeConfigDir: t.TempDir(), Environ: env})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

func newFixture(t testing.TB, o fixtureOpts) *fixture {
	t.Helper()
	if o.env == nil {
		o.env = []string{"JWT_SECRET=" + testSecret}
	}
	cfg := loadConfig(t, o.toml, o.env)
	f := &fixture{cfg: cfg, logs: &syncBuffer{}, clock: o.clock}
	if f.clock == nil {
		f.clock = &clock{t: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)}
	}
	base := o.store
	switch {
	case base != nil:
	case o.mk != nil:
		base = o.mk(t)
	default:
		base = newMemStore()
	}
	f.hook = &hookedStore{AuthStore: base}
	f.st = f.hook
	log := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc, err := New(f.st, cfg, log, f.clock.Now)
	if err != nil {
		t.Fatalf("auth.New: %v", err)
	}
	// Default parameters take about half a second per hash under -race;
	// the tests that are about the parameters build their own hasher.
	if svc.hash, err = newHasher(testArgon2, 4); err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	r := chi.NewRouter()
	r.Mount("/api/v1/auth", svc.Routes())
	whoami := func(w http.ResponseWriter, r *http.Request) {
		p := FromContext(r.Context())
		writeJSON(w, http.StatusOK, map[string]any{"user_id": p.UserID, "role": p.Role, "perms": p.Perms, "key_id": p.KeyID})
	}
	r.With(svc.Middleware, svc.Require("benchmark.read")).Get(protectedPath, whoami)
	r.With(svc.Middleware, svc.Require("plugin.install")).Post(pluginPath, whoami)
	f.srv = httptest.NewServer(r)
	t.Cleanup(f.srv.Close)
	return f
}

// auditOf returns the user ids of the audit entries of action.
func (f *fixture) auditOf(t testing.TB, action string) []string {
	t.Helper()
	es, err := f.st.ListAudit(t.Context(), store.AuditFilter{Action: action, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(es))
	for _, e := range es {
		ids = append(ids, e.UserID)
	}
	return ids
}

func (f *fixture) user(t testing.TB, name, role string) *store.User {
	t.Helper()
	u, err := f.svc.CreateUser(t.Context(), name, testPassword, role)
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// do sends a request; body is JSON-encoded unless it is a string or nil.
func (f *fixture) do(t testing.TB, method, path, bearer string, body any, hdr ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, f.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (f *fixture) login(t testing.TB, name, password string) TokenPair {
	t.Helper()
	r := f.do(t, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"username": name, "password": password})
	if r.status != http.StatusOK {
		t.Fatalf("login %s: %d %s", name, r.status, r.body)
	}
	var p TokenPair
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) refresh(t testing.TB, rt string) response {
	t.Helper()
	return f.do(t, http.MethodPost, "/api/v1/auth/refresh", "", map[string]string{"refresh_token": rt})
}

// wantStatus checks the status, and for 401 the WWW-Authenticate header
// and a body that says nothing of why.
func wantStatus(t testing.TB, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body %s", r.status, want, r.body)
	}
	if want == http.StatusUnauthorized {
		if got := r.header.Get("WWW-Authenticate"); got != "Bearer" {
			t.Errorf("WWW-Authenticate %q, want Bearer", got)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("content type %q", ct)
		}
		body := string(r.body)
		for _, leak := range []string{"expired", "signature", "kid", "revoked", "issuer", "audience", "disabled", "reuse"} {
			if strings.Contains(strings.ToLower(body), leak) && !strings.Contains(body, "missing, invalid or expired credentials") {
				t.Errorf("401 body says %q: %s", leak, body)
			}
		}
	}
}
