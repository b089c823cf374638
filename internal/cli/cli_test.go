package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	_ "github.com/llm-test-bench/llm-test-bench/eval/all"
	"github.com/llm-test-bench/llm-test-bench/internal/cli"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

// env is one isolated user: home, config dirs, database and cache.
type env struct {
	t       *testing.T
	dir     string
	db      string
	environ []string
}

func newEnv(t *testing.T, extra ...string) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, db: "sqlite:" + filepath.Join(dir, "ltb.db")}
	e.environ = append([]string{
		"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"LTB_CACHE__DIR=" + filepath.Join(dir, "cache"),
	}, extra...)
	return e
}

// run executes the CLI in memory and returns the exit code and outputs.
func (e *env) run(ctx context.Context, args ...string) (int, string, string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"--db", e.db}, args...)
	code := cli.Run(ctx, full, cli.IO{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Environ: e.environ, WorkDir: e.dir, HomeConfigDir: filepath.Join(e.dir, "config"),
	})
	return code, out.String(), errb.String()
}

func (e *env) write(name, body string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// countingServer serves the simulator and counts requests per prompt.
type countingServer struct {
	*httptest.Server
	mu     sync.Mutex
	counts map[string]int
	total  int
}

func newCountingServer(t *testing.T, cfg simulator.Config) *countingServer {
	t.Helper()
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingServer{counts: map[string]int{}}
	h := sim.Handler()
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			var body struct {
				Messages []struct{ Content string } `json:"messages"`
			}
			buf, _ := readAll(r)
			json.Unmarshal(buf, &body)
			cs.mu.Lock()
			cs.total++
			if n := len(body.Messages); n > 0 {
				cs.counts[body.Messages[n-1].Content]++
			}
			cs.mu.Unlock()
			r.Body = ioNopCloser(bytes.NewReader(buf))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { cs.Close(); sim.Close() })
	return cs
}

func (cs *countingServer) requests() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.total
}

func readJSONL(t *testing.T, path string) []bench.Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []bench.Result
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r bench.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad JSONL line: %v", err)
		}
		out = append(out, r)
	}
	return out
}

func writeCases(t *testing.T, path string, n int, everyFail int) {
	t.Helper()
	var b strings.Builder
	for i := range n {
		want := "item"
		if everyFail > 0 && i%everyFail == 0 {
			want = "never-in-the-answer"
		}
		fmt.Fprintf(&b, `{"id":"c%04d","prompt":"Repeat the word item %d","assert":[{"type":"icontains","value":"%s"}]}`+"\n", i, i, want)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
