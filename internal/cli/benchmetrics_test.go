package cli_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/cli"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

// TestBenchMetricsAddr scrapes bench --metrics-addr while the run goes and
// checks the listener closes with the run.
func TestBenchMetricsAddr(t *testing.T) {
	t.Parallel()
	sim, err := simulator.New(simulator.Config{Policy: simulator.PolicyEcho, Latency: simulator.Fixed(10 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	e := newEnv(t, "LOCAL_TEST_KEY=sk-local-test")
	cfg := e.write("metrics.toml", "[providers.local]\ntype = \"openai\"\nbase_url = \""+url+"\"\napi_key_env = \"LOCAL_TEST_KEY\"\n")
	cases := filepath.Join(e.dir, "cases.jsonl")
	writeCases(t, cases, 300, 0)
	addr := freeAddr(t)
	type outcome struct {
		code           int
		stdout, stderr string
	}
	done := make(chan outcome, 1)
	go func() {
		code, stdout, stderr := e.run(context.Background(), "--config", cfg, "bench", "--dataset", cases,
			"--providers", "local:gpt-4o-mini", "--concurrency", "4", "--no-cache", "--metrics-addr", addr)
		done <- outcome{code, stdout, stderr}
	}()
	var body string
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(body, "llm_active_benchmarks 1") || !strings.Contains(body, `llm_test_total{provider="local:gpt-4o-mini",status="success"}`) {
		if time.Now().After(deadline) {
			t.Fatalf("no scrape showed the run going; last:\n%s", body)
		}
		time.Sleep(20 * time.Millisecond)
		body = get(addr)
	}
	o := <-done
	if o.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", o.code, o.stderr)
	}
	if !strings.Contains(o.stderr, "metrics on http://"+addr+"/metrics") {
		t.Errorf("stderr does not say where the metrics are:\n%s", o.stderr)
	}
	if get(addr) != "" {
		t.Error("the metrics listener outlived the run")
	}

	code, _, stderr := e.run(context.Background(), "--config", cfg, "bench", "--dataset", cases,
		"--providers", "local:gpt-4o-mini", "--metrics-addr", "not an address")
	if code != cli.ExitConfig || !strings.Contains(stderr, "--metrics-addr") {
		t.Errorf("a bad --metrics-addr: exit %d, want %d\n%s", code, cli.ExitConfig, stderr)
	}
}

// get returns the body of a metrics scrape, "" when nothing answers.
func get(addr string) string {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
