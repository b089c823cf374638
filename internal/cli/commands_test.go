package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/cli"
)

func TestConfigCommands(t *testing.T) {
	t.Parallel()
	const secret = "sk-live-VERYSECRET-0042"
	e := newEnv(t, "OPENAI_API_KEY="+secret, "JWT_SECRET="+secret)
	code, out, stderr := e.run(context.Background(), "config", "init")
	if code != 0 || !strings.Contains(out, "llm-test-bench.toml") {
		t.Fatalf("init: %d %s %s", code, out, stderr)
	}
	if code, _, _ := e.run(context.Background(), "config", "init"); code != 3 {
		t.Errorf("init over an existing file: exit %d, want 3", code)
	}
	e.write("extra.toml", "[providers.openai]\napi_key = \""+secret+"\"\n[storage]\ndatabase_url = \"postgres://u:"+secret+"@h/db\"\n")
	code, out, _ = e.run(context.Background(), "--config", filepath.Join(e.dir, "extra.toml"), "config", "show")
	if code != 0 || strings.Contains(out, "VERYSECRET") || !strings.Contains(out, "[REDACTED]") {
		t.Errorf("show (exit %d) leaks or lacks redaction:\n%s", code, out)
	}
	e.write("bad.toml", "[benchmarks]\nconcurrency = 0\nrepeat = 0\n")
	code, _, stderr = e.run(context.Background(), "--config", filepath.Join(e.dir, "bad.toml"), "config", "validate")
	if code != 3 || !strings.Contains(stderr, "benchmarks.concurrency") || !strings.Contains(stderr, "benchmarks.repeat") {
		t.Errorf("validate: exit %d\n%s", code, stderr)
	}
}

func TestDatasetsCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code, out, _ := e.run(context.Background(), "datasets", "list")
	for _, name := range []string{"coding", "reasoning", "summarization", "instruction-following", "creative-writing"} {
		if !strings.Contains(out, name) {
			t.Errorf("datasets list lacks %s:\n%s", name, out)
		}
	}
	if code != 0 {
		t.Errorf("list exit %d", code)
	}
	code, out, _ = e.run(context.Background(), "datasets", "show", "builtin:coding")
	if code != 0 || !strings.Contains(out, "coding") {
		t.Errorf("show: %d\n%s", code, out)
	}
	bad := e.write("bad.yaml", "name: x\ntest_cases:\n  - id: a\n    prompt: 'hi {{who}}'\n")
	code, _, stderr := e.run(context.Background(), "datasets", "validate", bad)
	if code != 4 || !strings.Contains(stderr, "bad.yaml:3") || !strings.Contains(stderr, "who") {
		t.Errorf("validate: exit %d\n%s", code, stderr)
	}
}

func TestRunsShowExportDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	suite := e.write("s.yaml", "name: echoes\ntest_cases:\n  - id: a\n    prompt: hello\n    assert: [{type: equals, value: hello}]\n  - id: b\n    prompt: bye\n    assert: [{type: equals, value: nope}]\n")
	code, _, stderr := e.run(context.Background(), "bench", "--dataset", suite, "--providers", "echo")
	if code != 100 {
		t.Fatalf("bench exit %d\n%s", code, stderr)
	}
	_, list, _ := e.run(context.Background(), "runs", "list")
	id := strings.Fields(strings.Split(list, "\n")[1])[0]
	code, out, _ := e.run(context.Background(), "runs", "show", id[:8])
	if code != 0 || !strings.Contains(out, "echo") {
		t.Errorf("show: %d\n%s", code, out)
	}
	code, out, _ = e.run(context.Background(), "runs", "export", id)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("export: %d, %d lines\n%s", code, len(lines), out)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "run_id", "case_id", "prompt_id", "provider", "model", "repetition", "status", "prompt", "response", "finish_reason", "latency_ms", "ttft_ms", "tokens", "cost", "scores", "score", "passed", "error", "cached", "trace_id", "span_id", "tags", "metadata", "created_at"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("record lacks %q", k)
		}
	}
	if len(rec) != 25 {
		t.Errorf("record has %d fields, want exactly the 25 of SPEC 4.5", len(rec))
	}
	if code, _, _ := e.run(context.Background(), "runs", "delete", id); code != 0 {
		t.Errorf("delete exit %d", code)
	}
	if code, _, stderr := e.run(context.Background(), "runs", "show", id); code != 4 || !strings.Contains(stderr, "not found") {
		t.Errorf("show after delete: %d %s", code, stderr)
	}
}

func TestMetricsScore(t *testing.T) {
	t.Parallel()
	in := `{"metric":"bleu","prediction":"the cat sat on the mat","references":["the cat sat on the mat"]}
not json
{"metric":"squad","prediction":"Paris","references":["paris"]}
`
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), []string{"metrics", "score"}, cli.IO{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errb, Environ: []string{"HOME=" + t.TempDir()}, WorkDir: t.TempDir(), HomeConfigDir: t.TempDir()})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if code != 4 || len(lines) != 3 {
		t.Fatalf("exit %d, %d lines:\n%s\n%s", code, len(lines), out.String(), errb.String())
	}
	if !strings.Contains(lines[0], `"score":100`) || !strings.Contains(lines[1], `"error"`) || !strings.Contains(lines[2], `"f1":1`) {
		t.Errorf("scores:\n%s", out.String())
	}
}

func TestBadKeyExits5AndNeverLeaks(t *testing.T) {
	t.Parallel()
	const key = "sk-proj-LEAKCANARY-9f8e7d"
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		// OpenAI quotes (part of) the key back; the client must not pass it on.
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, key)
	}))
	defer srv.Close()
	e := newEnv(t, "OPENAI_API_KEY="+key, "LTB_PROVIDERS__OPENAI__BASE_URL="+srv.URL+"/v1")
	suite := e.write("s.yaml", "name: s\ntest_cases:\n  - id: a\n    prompt: hello\n  - id: b\n    prompt: bye\n  - id: c\n    prompt: hi\n")
	out := filepath.Join(e.dir, "o.jsonl")
	code, stdout, stderr := e.run(context.Background(), "--log-level", "debug", "bench", "--dataset", suite, "--providers", "openai:gpt-4o-mini", "--output", out, "--concurrency", "1")
	if code != 5 {
		t.Fatalf("exit %d, want 5\n%s\n%s", code, stdout, stderr)
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls with a rejected key, want 1", calls.Load())
	}
	results := readFile(t, out)
	for name, s := range map[string]string{"stdout": stdout, "stderr": stderr, "results": string(results)} {
		if strings.Contains(s, "LEAKCANARY") {
			t.Errorf("API key reached %s", name)
		}
	}
	if !strings.Contains(string(results), `"kind":"auth"`) {
		t.Errorf("results do not record the auth error:\n%s", results)
	}
}
