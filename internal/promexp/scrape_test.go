package promexp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/promexp"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

// promtool finds promtool (Debian's prometheus package); outside CI a
// missing one skips, under CI=true it fails.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool is not installed (apt-get install prometheus); .ci/run installs it")
		}
		t.Skip("promtool is not installed (apt-get install prometheus)")
	}
	return p
}

// simConfig is a configuration whose simulator answers after latency and
// fails the given share of calls with a server error.
func simConfig(t testing.TB, latency string, serverErrors float64) *config.Config {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "config.toml")
	body := fmt.Sprintf("[cache]\ndir = %q\n\n[providers.simulator]\nmax_retries = 0\n\n[providers.simulator.options]\npolicy = \"echo\"\nlatency = %q\nserver_error_rate = %v\nseed = 7\n",
		filepath.Join(dir, "cache"), latency, serverErrors)
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{WorkDir: t.TempDir(), HomeConfigDir: t.TempDir(), File: file})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

// writeCases writes n JSONL cases with a contains assertion that the echo
// policy passes.
func writeCases(t testing.TB, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"c%05d","prompt":"Say number %d","assert":[{"type":"contains","value":"number"}]}`+"\n", i, i)
	}
	p := filepath.Join(t.TempDir(), "cases.jsonl")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func openStore(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ltb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestLiveScrape runs a simulated benchmark with the metrics served as
// bench --metrics-addr serves them, scrapes while it runs, and checks the
// scrape with promtool check metrics (the Prometheus linter).
func TestLiveScrape(t *testing.T) {
	t.Parallel()
	tool := promtool(t)
	ctx := context.Background()
	engine := promexp.New("test")
	reg, err := promexp.NewRegistry(engine)
	if err != nil {
		t.Fatal(err)
	}
	l, err := promexp.Listen(ctx, "127.0.0.1:0", promexp.Handler(reg))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	svc := session.New(simConfig(t, "5ms", 0.1), openStore(t), nil)
	svc.Watchers = []func(*session.Run){func(r *session.Run) { engine.Watch(r) }}
	p, err := svc.Plan(ctx, session.Options{Datasets: []string{writeCases(t, 400)}, Providers: []string{"simulator:fast"},
		Concurrency: 4, NoCache: true, Stream: true}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	run := p.NewRun()
	if err := run.Start(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for run.Counters().Snapshot().Done < 40 {
		if time.Now().After(deadline) {
			t.Fatal("the run made no progress")
		}
		time.Sleep(2 * time.Millisecond)
	}
	live := scrape(t, "http://"+l.Addr().String()+promexp.Path)
	res := run.Wait()
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if res.Run.Totals.Results == 400 && strings.Contains(live, "llm_active_benchmarks 0") {
		t.Error("the scrape was not taken while the run was active")
	}
	for _, want := range []string{
		"llm_active_benchmarks 1",
		`llm_provider_requests_total{model="fast",provider="simulator:fast"}`,
		`llm_provider_latency_seconds_bucket{model="fast",provider="simulator:fast",le="0.05"}`,
		`llm_provider_time_to_first_token_seconds_count{`,
		`llm_test_total{provider="simulator:fast",status="success"}`,
		`llm_evaluation_score_bucket{evaluator="contains",le="1"}`,
		`llm_build_info{goversion="go`,
		"process_cpu_seconds_total", "go_goroutines",
	} {
		if !strings.Contains(live, want) {
			t.Errorf("the live scrape lacks %s", want)
		}
	}
	check := exec.Command(tool, "check", "metrics")
	check.Stdin = strings.NewReader(live)
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}

	final := scrape(t, "http://"+l.Addr().String()+promexp.Path)
	for _, want := range []string{
		"llm_active_benchmarks 0", `llm_benchmark_total{status="completed"} 1`, "llm_benchmark_duration_seconds_count 1",
		`llm_provider_errors_total{error_type="server",provider="simulator:fast"}`,
		"llm_metrics_events_dropped_total 0",
	} {
		if !strings.Contains(final, want) {
			t.Errorf("the scrape after the run lacks %s", want)
		}
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("scrape: %d %v", resp.StatusCode, err)
	}
	return string(b)
}
