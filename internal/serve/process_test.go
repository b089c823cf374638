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
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// The binary the process tests run, built once per test process.
var (
	binDir   string
	binPath  string
	binErr   error
	binBuild sync.Once
)

// binary builds cmd/llm-test-bench (CGO_ENABLED=0, as released).
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	binBuild.Do(func() {
		binDir, binErr = os.MkdirTemp("", "ltb-e2e-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "llm-test-bench")
		cmd := exec.Command("go", "build", "-o", binPath, "../../cmd/llm-test-bench")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// instance is one installation of the binary: a configuration, a
// database and an isolated environment; its servers run one at a time.
type instance struct {
	t      *testing.T
	bin    string
	dir    string
	dbURL  string
	env    []string
	addr   string
	server *child
}

func newInstance(t *testing.T, k storeKind, latency string, extraEnv ...string) *instance {
	t.Helper()
	bin := binary(t)
	dir := t.TempDir()
	writeConfig(t, dir, latency)
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"), "PATH=" + os.Getenv("PATH"),
		config.JWTSecretEnv + "=" + testSecret}
	return &instance{t: t, bin: bin, dir: dir, dbURL: k.url(t, dir), env: append(env, extraEnv...), addr: freeAddr(t)}
}

// freeAddr finds a free loopback port.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func (in *instance) args(args ...string) []string {
	return append([]string{"--config", filepath.Join(in.dir, "config.toml"), "--db", in.dbURL}, args...)
}

// run runs a command to its end with stdin and returns its output.
func (in *instance) run(stdin string, args ...string) string {
	in.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, in.bin, in.args(args...)...)
	cmd.Env, cmd.Dir, cmd.Stdin = in.env, in.dir, strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		in.t.Fatalf("llm-test-bench %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// child is a running server process.
type child struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan struct{}
	err    error
	// stopped is the time from the signal to the exit.
	stopped time.Duration
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serve starts `serve --simulate` and waits until it is ready. The port
// freeAddr found can be taken by another process before the server binds
// it; then the server is started again on another.
func (in *instance) serve() *child {
	in.t.Helper()
	for attempt := 1; ; attempt++ {
		c, inUse := in.serveOnce()
		if !inUse || attempt == 3 {
			if inUse {
				in.t.Fatalf("the server exited at start: %v\n%s", c.err, c.stderr)
			}
			return c
		}
		in.addr = freeAddr(in.t)
	}
}

// serveOnce starts the server once; inUse reports that it exited because
// its address was taken.
func (in *instance) serveOnce() (c *child, inUse bool) {
	in.t.Helper()
	cmd := exec.Command(in.bin, in.args("serve", "--simulate", "--addr", in.addr)...)
	c = &child{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = in.env, in.dir, io.Discard, c.stderr
	if err := cmd.Start(); err != nil {
		in.t.Fatal(err)
	}
	go func() { c.err = cmd.Wait(); close(c.done) }()
	in.server = c
	in.t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			_ = cmd.Process.Kill()
			<-c.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + in.addr + "/api/v1/health/ready")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return c, false
			}
		}
		select {
		case <-c.done:
			if strings.Contains(c.stderr.String(), "address already in use") {
				return c, true
			}
			in.t.Fatalf("the server exited at start: %v\n%s", c.err, c.stderr)
		default:
		}
		if time.Now().After(deadline) {
			in.t.Fatalf("the server was not ready within 30s\n%s", c.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wait waits for the child's exit and returns its exit code.
func (c *child) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(within):
		t.Fatalf("the server did not exit within %s\n%s", within, c.stderr)
	}
	return c.cmd.ProcessState.ExitCode()
}

// client is a plain HTTP client of an instance's server (the OpenAPI
// contract is checked by the in-process tests).
type client struct {
	t     *testing.T
	base  string
	token string
}

func (in *instance) login() *client {
	in.t.Helper()
	c := &client{t: in.t, base: "http://" + in.addr}
	var tp tokenPair
	c.call("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": password}, http.StatusOK, &tp)
	c.token = tp.AccessToken
	return c
}

// call sends a JSON request and decodes the answer into out (if not nil),
// failing unless the status is want.
func (c *client) call(method, path string, body any, want int, out any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

func (c *client) benchmark(id string) api.Benchmark {
	c.t.Helper()
	var b api.Benchmark
	c.call("GET", "/api/v1/benchmarks/"+id, nil, http.StatusOK, &b)
	return b
}

// resultIDs lists the ids of a benchmark's stored results.
func (c *client) resultIDs(id string) map[string]bool {
	c.t.Helper()
	ids := map[string]bool{}
	cursor := ""
	for {
		var p api.Page[struct{ ID string }]
		c.call("GET", "/api/v1/results?limit=1000&benchmark_id="+id+"&cursor="+cursor, nil, http.StatusOK, &p)
		for _, r := range p.Items {
			ids[r.ID] = true
		}
		if p.NextCursor == nil {
			return ids
		}
		cursor = *p.NextCursor
	}
}

// interruptMidRun starts a fresh instance's server, submits a benchmark of
// n cases, waits until some results are stored, stops the server with sig
// and returns the benchmark's id and the results stored before the stop.
func interruptMidRun(t *testing.T, in *instance, n int, sig syscall.Signal) (id string, before map[string]bool, exit int) {
	t.Helper()
	in.run(password, "auth", "create-user", "--username", "admin", "--role", "admin", "--password-stdin")
	srv := in.serve()
	c := in.login()
	var b api.Benchmark
	c.call("POST", "/api/v1/benchmarks", map[string]any{"name": "long", "suite": inlineSuite(n),
		"providers": []string{"simulator:echo"}, "concurrency": 2}, http.StatusAccepted, &b)
	// Results reach the journal at once and the store in batches (a
	// second's worth): wait for the first batch in the store.
	deadline := time.Now().Add(30 * time.Second)
	for len(before) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no results stored within 30s\n%s", srv.stderr)
		}
		time.Sleep(20 * time.Millisecond)
		before = c.resultIDs(b.ID)
	}
	signalled := time.Now()
	if err := srv.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	exit = srv.wait(t, 40*time.Second)
	srv.stopped = time.Since(signalled)
	return b.ID, before, exit
}

// finishAfterRestart restarts the server, waits for the benchmark to end
// and checks it completed with every record exactly once, keeping those
// stored before the stop.
func finishAfterRestart(t *testing.T, in *instance, id string, n int, before map[string]bool) {
	t.Helper()
	srv := in.serve()
	c := in.login()
	deadline := time.Now().Add(45 * time.Second)
	var b api.Benchmark
	for {
		b = c.benchmark(id)
		if b.Status == "completed" || b.Status == "failed" || b.Status == "cancelled" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("benchmark %s not finished 45s after the restart: %+v\n%s", id, b, srv.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if b.Status != "completed" || b.Progress.Done != n || b.Progress.Total != n {
		t.Fatalf("after the restart the benchmark ended %+v, want completed with %d of %d", b, n, n)
	}
	after := c.resultIDs(id)
	for rid := range before {
		if !after[rid] {
			t.Errorf("result %s, stored before the stop, was made again or lost", rid)
		}
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := srv.wait(t, 40*time.Second); code != 0 {
		t.Errorf("the idle server exited %d on SIGTERM\n%s", code, srv.stderr)
	}
	st := openStore(t, in.dbURL)
	checkEachOnce(t, st, id, n)
}
