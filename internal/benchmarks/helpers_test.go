package benchmarks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	goleak.VerifyTestMain(m,
		// Idle keep-alive connections of provider clients to simulators
		// that have stopped; they end with their transport's timeout.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("github.com/golang/glog.(*fileSink).flushDaemon"), // glog, imported by Vitess's SQL parser (is-sql)
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// configBody is the server configuration of the tests: providers the
// server defines, and a simulator answering each call after latency.
func configBody(latency string) string {
	return fmt.Sprintf(`[providers.openai]
[providers.anthropic]
[providers.tool]
type = "exec"
default_model = "true"
[providers.simulator.options]
policy = "echo"
latency = %q
`, latency)
}

// loadConfig loads body as the only configuration file, isolated from the
// machine's home directory and environment.
func loadConfig(t testing.TB, body string) *config.Config {
	t.Helper()
	cfg, err := loadConfigAt(t.TempDir(), body)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func loadConfigAt(dir, body string) (*config.Config, error) {
	file := filepath.Join(dir, "config.toml")
	body = fmt.Sprintf("[cache]\ndir = %q\n\n", filepath.Join(dir, "cache")) + body
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		return nil, err
	}
	home, work := filepath.Join(dir, "home"), filepath.Join(dir, "work")
	for _, d := range []string{home, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	return config.Load(config.LoadOptions{WorkDir: work, HomeConfigDir: home, Environ: []string{}, File: file})
}

func openStore(t testing.TB, path string) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// recorder is a live.Publisher that keeps every message.
type recorder struct {
	mu   sync.Mutex
	msgs []live.Message
}

func (r *recorder) Publish(m live.Message) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
}

// of returns the progress payloads published about run id, in order.
func (r *recorder) of(id string) []live.Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []live.Progress
	for _, m := range r.msgs {
		if m.RunID == id {
			out = append(out, m.Payload.(live.Progress))
		}
	}
	return out
}

func (r *recorder) all() []live.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]live.Message(nil), r.msgs...)
}

// fixture is a manager on a temporary SQLite store with a datasets
// directory; it is shut down at the end of the test.
type fixture struct {
	t      *testing.T
	dir    string
	dbPath string
	st     store.Store
	cfg    *config.Config
	pub    *recorder
	m      *Manager
	o      Options
}

func newFixture(t *testing.T, latency string, o Options) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, dir: dir, dbPath: filepath.Join(dir, "ltb.db"), pub: &recorder{}}
	f.st = openStore(t, f.dbPath)
	f.cfg = loadConfig(t, configBody(latency))
	if o.DatasetsDir == "" {
		o.DatasetsDir = filepath.Join(dir, "datasets")
	}
	if o.DataDir == "" {
		o.DataDir = filepath.Join(dir, "data")
	}
	for _, d := range []string{o.DatasetsDir, o.DataDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	o.Simulate = true
	f.o = o
	f.m = f.start(o)
	return f
}

// start builds and starts a manager on the fixture's store; it is shut
// down at the end of the test.
func (f *fixture) start(o Options) *Manager {
	f.t.Helper()
	svc := session.New(f.cfg, f.st, nil)
	svc.HeartbeatEvery = 50 * time.Millisecond
	svc.JournalDir = filepath.Join(o.DataDir, "journal")
	m := New(svc, f.st, f.pub, f.cfg, o)
	if err := m.Start(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
		_ = svc.Close()
	})
	return m
}

// cases writes n JSONL cases into the datasets directory as name.
func (f *fixture) cases(name string, n int) string {
	f.t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"c%04d","prompt":"Say number %d","expected":"number %d","assert":[{"type":"contains","value":"number"}]}`+"\n", i, i, i)
	}
	if err := os.WriteFile(filepath.Join(f.o.DatasetsDir, name), []byte(b.String()), 0o644); err != nil {
		f.t.Fatal(err)
	}
	return name
}

func (f *fixture) submit(req Request) *bench.Run {
	f.t.Helper()
	run, err := f.m.Submit(context.Background(), "user-1", req)
	if err != nil {
		f.t.Fatalf("submit: %v", err)
	}
	return run
}

// waitStatus polls the store until run id has one of the statuses.
func waitStatus(t *testing.T, st store.Store, id string, within time.Duration, want ...bench.RunStatus) *bench.Run {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		run, err := st.GetRun(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if run.Status == w {
				return run
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s is %s after %s, want %v", id, run.Status, within, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// resultKeys counts a run's stored results by key, and returns the ids of
// its successful ones.
func resultKeys(t *testing.T, st store.Store, id string) (map[bench.Key]int, map[bench.Key]string) {
	t.Helper()
	counts, ok := map[bench.Key]int{}, map[bench.Key]string{}
	for r, err := range st.Results(context.Background(), id, store.ResultFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		counts[r.Key()]++
		if r.Status == bench.StatusSuccess {
			ok[r.Key()] = r.ID
		}
	}
	return counts, ok
}

// asProblem returns err's problem details, failing the test if it has none.
func asProblem(t *testing.T, err error) *problem.Details {
	t.Helper()
	var d *problem.Details
	if !errors.As(err, &d) {
		t.Fatalf("error %v (%T) is not a *problem.Details", err, err)
	}
	return d
}
