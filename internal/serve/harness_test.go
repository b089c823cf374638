package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/serve"
	"github.com/llm-test-bench/llm-test-bench/internal/server"
	"github.com/llm-test-bench/llm-test-bench/internal/server/openapitest"
	runsession "github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
	// The vendors benchmarks name (the simulator stands in for them).
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

// testSecret signs the test servers' tokens (at least 32 bytes).
const testSecret = "e2e-test-signing-secret-0123456789abcdef"

// password is every test account's password.
const password = "correct horse battery staple"

// serverConfig is the configuration file of a test server: the limits are
// far above what a test sends, so only the tests that mean to meet them
// do; the simulator answers in milliseconds. It is shared with the child
// processes of the process tests.
func serverConfig(dir, latency string) string {
	return fmt.Sprintf(`[cache]
dir = %q

[server]
data_dir = %q
max_running = 4

[server.rate_limit]
requests_per_minute = 60000
burst_size = 10000

[[server.rate_limit.endpoints]]
path = "/api/v1/benchmarks"
requests_per_minute = 60000
burst_size = 10000

[[server.rate_limit.endpoints]]
path = "/api/v1/evaluate"
requests_per_minute = 60000
burst_size = 10000

[providers.simulator.options]
latency = %q
ttft = "1ms"
`, filepath.Join(dir, "cache"), filepath.Join(dir, "data"), latency)
}

// writeConfig writes serverConfig into dir and returns its path.
func writeConfig(t testing.TB, dir, latency string) string {
	t.Helper()
	file := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(file, []byte(serverConfig(dir, latency)), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// loadConfig loads a test server's configuration, isolated from the
// machine's home directory and environment.
func loadConfig(t testing.TB, dir, latency string) *config.Config {
	t.Helper()
	home, work := filepath.Join(dir, "home"), filepath.Join(dir, "work")
	for _, d := range []string{home, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(config.LoadOptions{
		File: writeConfig(t, dir, latency), WorkDir: work, HomeConfigDir: home,
		Environ: []string{config.JWTSecretEnv + "=" + testSecret},
	})
	if err != nil {
		t.Fatalf("load the test configuration: %v", err)
	}
	cfg.Plugins.PluginDirectory = filepath.Join(dir, "plugins")
	return cfg
}

// storeKind is a backend every end-to-end test runs against.
type storeKind struct {
	name string
	// url returns a database URL for a fresh, empty store that lives as
	// long as t (a SQLite file in dir, a PostgreSQL schema).
	url func(t testing.TB, dir string) string
}

var storeKinds = []storeKind{
	{"sqlite", func(_ testing.TB, dir string) string { return "sqlite:" + filepath.Join(dir, "ltb.db") }},
	// Under CI=true an unreachable PostgreSQL fails the test (storetest).
	{"postgres", func(t testing.TB, _ string) string { return storetest.PostgresURL(t) }},
}

// eachStore runs f as a parallel subtest per backend.
func eachStore(t *testing.T, f func(t *testing.T, k storeKind)) {
	t.Helper()
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			f(t, k)
		})
	}
}

// openStore opens the store at url for the test's duration.
func openStore(t testing.TB, url string) store.Store {
	t.Helper()
	st, err := backend.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatalf("open store %s: %v", backend.Redact(url), err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// testServer is serve.Build's server on a real store, serving on a
// loopback port; its client validates every /api/v1 exchange against the
// OpenAPI document.
type testServer struct {
	t        *testing.T
	url      string
	st       store.Store
	cfg      *config.Config
	client   *http.Client
	accounts *auth.Service
	stop     func() error
}

// serverOptions tune startServer.
type serverOptions struct {
	latency string // simulator latency; default "5ms"
	// monitoring, when set, changes [monitoring] before the server is built.
	monitoring func(*config.Monitoring)
	// distributor and natsURL, when set, run "distributed": true
	// benchmarks on workers.
	distributor runsession.Distributor
	natsURL     string
}

// startServer builds and serves the assembled server over a fresh store
// of kind k; it is stopped (gracefully) at the end of the test.
func startServer(t *testing.T, k storeKind, o serverOptions) *testServer {
	t.Helper()
	if o.latency == "" {
		o.latency = "5ms"
	}
	dir := t.TempDir()
	st := openStore(t, k.url(t, dir))
	cfg := loadConfig(t, dir, o.latency)
	if o.monitoring != nil {
		o.monitoring(&cfg.Monitoring)
	}
	srv, err := serve.Build(context.Background(), serve.Options{
		Config: cfg, Store: st, Simulate: true, Distributor: o.distributor, NATSURL: o.natsURL,
		HeartbeatEvery: 100 * time.Millisecond, RecoverAfter: 5 * time.Second,
	})
	if err != nil {
		t.Fatalf("build the server: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	var stopErr error
	stopped := false
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			stopErr = <-served
		}
		return stopErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("server stopped with %v", err)
		}
	})
	accounts, err := auth.NewAccounts(st, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := openapitest.New(t, server.OpenAPI(), server.Prefix)
	ts := &testServer{t: t, url: "http://" + ln.Addr().String(), st: st, cfg: cfg,
		client:   &http.Client{Transport: v.Transport(t, nil), Timeout: 30 * time.Second},
		accounts: accounts, stop: stop}
	return ts
}

// user creates an account and logs it in through the API.
func (s *testServer) user(name, role string) *session {
	s.t.Helper()
	u, err := s.accounts.CreateUser(context.Background(), name, password, role)
	if err != nil {
		s.t.Fatalf("create user %s: %v", name, err)
	}
	c := &session{s: s, name: name, id: u.ID}
	c.login()
	return c
}

// session is one logged-in user of a test server.
type session struct {
	s      *testServer
	name   string
	id     string
	tokens tokenPair
	bearer string // the Authorization credential: the access token or an API key
}

// tokenPair is the answer of /auth/login and /auth/refresh.
type tokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func (c *session) login() {
	c.s.t.Helper()
	a := c.s.do("", "POST", "/api/v1/auth/login", map[string]string{"username": c.name, "password": password})
	a.want(c.s.t, http.StatusOK)
	a.decode(c.s.t, &c.tokens)
	if c.tokens.TokenType != "Bearer" || c.tokens.AccessToken == "" || c.tokens.RefreshToken == "" || c.tokens.ExpiresIn <= 0 {
		c.s.t.Fatalf("login of %s answered %s", c.name, a.body)
	}
	c.bearer = c.tokens.AccessToken
}

// do sends a request as this user.
func (c *session) do(method, path string, body any) answer {
	c.s.t.Helper()
	return c.s.do(c.bearer, method, path, body)
}

// answer is one response, read whole.
type answer struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
}

func (a answer) want(t testing.TB, status int) {
	t.Helper()
	if a.status != status {
		t.Fatalf("%s %s: %d %s, want %d", a.method, a.path, a.status, a.body, status)
	}
}

func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("%s %s: decode %.300s: %v", a.method, a.path, a.body, err)
	}
}

// do sends a request with bearer as the credential ("" for none) and a
// JSON body when body is not nil.
func (s *testServer) do(bearer, method, path string, body any) answer {
	s.t.Helper()
	var rd io.Reader
	contentType := "application/json"
	if rb, ok := body.(rawBody); ok {
		rd, contentType = bytes.NewReader(rb.data), rb.contentType
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return answer{method: method, path: path, status: res.StatusCode, header: res.Header, body: b}
}

// create submits a benchmark and returns it (202 queued).
func (c *session) create(req map[string]any) api.Benchmark {
	c.s.t.Helper()
	a := c.do("POST", "/api/v1/benchmarks", req)
	a.want(c.s.t, http.StatusAccepted)
	var b api.Benchmark
	a.decode(c.s.t, &b)
	if b.ID == "" || b.Status != "queued" {
		c.s.t.Fatalf("created benchmark %s", a.body)
	}
	return b
}

// get reads a benchmark.
func (c *session) get(id string) api.Benchmark {
	c.s.t.Helper()
	a := c.do("GET", "/api/v1/benchmarks/"+id, nil)
	a.want(c.s.t, http.StatusOK)
	var b api.Benchmark
	a.decode(c.s.t, &b)
	return b
}

// waitFor reads the benchmark until cond holds, or fails the test.
func (c *session) waitFor(id, what string, within time.Duration, cond func(api.Benchmark) bool) api.Benchmark {
	c.s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		b := c.get(id)
		if cond(b) {
			return b
		}
		if time.Now().After(deadline) {
			c.s.t.Fatalf("benchmark %s: no %s within %s; last %+v", id, what, within, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// finished waits until a benchmark ends and returns it.
func (c *session) finished(id string) api.Benchmark {
	c.s.t.Helper()
	return c.waitFor(id, "end", 60*time.Second, func(b api.Benchmark) bool {
		return b.Status == "completed" || b.Status == "failed" || b.Status == "cancelled"
	})
}

// results pages through GET /results?query with a small page size.
func (c *session) results(query string) []bench.Result {
	c.s.t.Helper()
	var all []bench.Result
	cursor := ""
	for range 1000 {
		a := c.do("GET", "/api/v1/results?limit=7&"+query+"&cursor="+cursor, nil)
		a.want(c.s.t, http.StatusOK)
		var p api.Page[bench.Result]
		a.decode(c.s.t, &p)
		all = append(all, p.Items...)
		if p.NextCursor == nil {
			return all
		}
		if len(p.Items) != 7 {
			c.s.t.Fatalf("results %s: a page of %d before the last", query, len(p.Items))
		}
		cursor = *p.NextCursor
	}
	c.s.t.Fatalf("results %s: more than 1000 pages", query)
	return nil
}

// keyCounts counts the stored results of a run per record key.
func keyCounts(t testing.TB, st store.Store, runID string) map[bench.Key]int {
	t.Helper()
	counts := map[bench.Key]int{}
	for r, err := range st.Results(context.Background(), runID, store.ResultFilter{}) {
		if err != nil {
			t.Fatalf("read results of %s: %v", runID, err)
		}
		counts[r.Key()]++
	}
	return counts
}

// checkEachOnce fails unless run holds exactly want records, one per key.
func checkEachOnce(t testing.TB, st store.Store, runID string, want int) {
	t.Helper()
	counts := keyCounts(t, st, runID)
	if len(counts) != want {
		t.Errorf("run %s: %d distinct records, want %d", runID, len(counts), want)
	}
	for k, n := range counts {
		if n != 1 {
			t.Errorf("run %s: record %+v stored %d times", runID, k, n)
		}
	}
}

// inlineSuite is a suite in the file format with n cases: every third
// prompt names an apple (the "contains apple" assertion passes on the echo
// simulator), case 1 names a zebra (the full-text probe), even cases are
// tagged "even".
func inlineSuite(n int) map[string]any {
	cases := make([]map[string]any, n)
	for i := range n {
		prompt := fmt.Sprintf("case %d asks about a pear", i)
		if i%3 == 0 {
			prompt = fmt.Sprintf("case %d asks about an apple", i)
		}
		if i == 1 {
			prompt = "case 1 asks about a zebra"
		}
		c := map[string]any{"id": fmt.Sprintf("c%03d", i), "prompt": prompt,
			"assert": []map[string]any{{"type": "contains", "value": "apple"}}}
		if i%2 == 0 {
			c["tags"] = []string{"even"}
		}
		cases[i] = c
	}
	return map[string]any{"name": "inline", "test_cases": cases}
}
