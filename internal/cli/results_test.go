package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestTracedBenchAndResultsByTrace: with tracing configured, `bench`
// exports its spans to the collector (OTLP/HTTP, with the configured
// header) before it exits, every stored result carries the run's trace,
// and `results --trace-id` finds them.
func TestTracedBenchAndResultsByTrace(t *testing.T) {
	t.Parallel()
	const secret = "collector-secret-8c1f"
	var mu sync.Mutex
	var exports []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		exports = append(exports, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+r.Header.Get("Content-Type")+" "+map[bool]string{true: "body", false: "empty"}[len(body) > 0])
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()
	e := newEnv(t)
	cfg := "[monitoring]\nenable_tracing = true\notlp_endpoint = \"" + collector.URL + "\"\n[monitoring.otlp_headers]\nAuthorization = \"Bearer " + secret + "\"\n"
	if err := os.WriteFile(filepath.Join(e.dir, "llm-test-bench.toml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	suite := e.write("s.yaml", "name: echoes\ntest_cases:\n  - id: a\n    prompt: hello\n    assert: [{type: equals, value: hello}]\n  - id: b\n    prompt: bye\n    assert: [{type: equals, value: bye}]\n")
	code, _, stderr := e.run(context.Background(), "bench", "--dataset", suite, "--providers", "echo")
	if code != 0 {
		t.Fatalf("bench exit %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, secret) {
		t.Errorf("stderr shows the collector's header:\n%s", stderr)
	}
	mu.Lock()
	got := append([]string(nil), exports...)
	mu.Unlock()
	if len(got) == 0 || got[0] != "POST /v1/traces Bearer "+secret+" application/x-protobuf body" {
		t.Fatalf("collector got %q; want the spans posted to /v1/traces with the configured header before bench exits", got)
	}

	code, out, stderr := e.run(context.Background(), "results", "--jsonl")
	if code != 0 {
		t.Fatalf("results: exit %d\n%s", code, stderr)
	}
	var rs []bench.Result
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var r bench.Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		rs = append(rs, r)
	}
	if len(rs) != 2 || rs[0].TraceID == "" || rs[0].TraceID != rs[1].TraceID || len(rs[0].SpanID) != 16 || rs[0].SpanID == rs[1].SpanID {
		t.Fatalf("results %+v: want two results of one trace, each with its case's span", rs)
	}
	code, out, _ = e.run(context.Background(), "results", "--trace-id", strings.ToUpper(rs[0].TraceID))
	if code != 0 || strings.Count(out, rs[0].TraceID) != 2 {
		t.Errorf("results --trace-id: exit %d\n%s", code, out)
	}
	code, out, _ = e.run(context.Background(), "results", "--trace-id", "0af7651916cd43dd8448eb211c80319c")
	if code != 0 || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("results of another trace: exit %d\n%s", code, out)
	}
	if code, _, _ := e.run(context.Background(), "results", "--trace-id", "xyz"); code != 3 {
		t.Errorf("a malformed trace id: exit %d, want 3", code)
	}
}
