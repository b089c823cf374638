package cli_test

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

func TestQuickstartAgainstTheBuiltInSimulator(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	outs := map[string]string{}
	args := []string{"bench", "--dataset", "builtin:reasoning", "--providers", "simulator:sim-large,simulator:echo"}
	for _, ext := range []string{"html", "jsonl", "xml", "csv", "md", "json"} {
		outs[ext] = filepath.Join(e.dir, "out."+ext)
		args = append(args, "--output", outs[ext])
	}
	code, stdout, stderr := e.run(context.Background(), args...)
	if code != 100 {
		t.Fatalf("exit %d, want 100 (echo fails the checks)\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	results := readJSONL(t, outs["jsonl"])
	byProvider := map[string][2]int{}
	for _, r := range results {
		c := byProvider[r.Provider]
		if r.Passed {
			c[0]++
		}
		c[1]++
		byProvider[r.Provider] = c
		if r.Status != bench.StatusSuccess || r.LatencyMs <= 0 {
			t.Errorf("result %s/%s: status %s latency %g", r.Provider, r.CaseID, r.Status, r.LatencyMs)
		}
	}
	if good := byProvider["simulator:sim-large"]; good[0] != good[1] || good[1] == 0 {
		t.Errorf("expected-answer simulator passed %d of %d", good[0], good[1])
	}
	if echo := byProvider["simulator:echo"]; echo[0] == echo[1] {
		t.Errorf("echo simulator passed every case (%d)", echo[0])
	}
	html, _ := os.ReadFile(outs["html"])
	if !strings.Contains(string(html), "simulator:sim-large") || strings.Contains(string(html), "<script src") {
		t.Error("HTML report is missing the providers or loads external scripts")
	}
	var junit struct{}
	xb, _ := os.ReadFile(outs["xml"])
	if err := xml.Unmarshal(xb, &junit); err != nil {
		t.Errorf("JUnit is not XML: %v", err)
	}
	for _, want := range []string{"simulator:sim-large", "simulator:echo", "Wrote " + outs["html"]} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stderr, "\r") {
		t.Error("progress line drawn outside a terminal")
	}
}

func TestTwoThousandCasesAgainstAnOpenAICompatibleServer(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho, Seed: 1})
	e := newEnv(t, "OPENAI_API_KEY=sk-test-not-a-real-key", "LTB_PROVIDERS__OPENAI__BASE_URL="+srv.URL+"/v1")
	cases := filepath.Join(e.dir, "cases.jsonl")
	writeCases(t, cases, 2000, 100)
	suite := e.write("suite.yaml", "name: big\ntest_cases: file://cases.jsonl\n")
	out := filepath.Join(e.dir, "out.jsonl")
	code, stdout, stderr := e.run(context.Background(), "bench", "--dataset", suite, "--providers", "openai:gpt-4o-mini", "--concurrency", "16", "--output", out)
	if code != 100 {
		t.Fatalf("exit %d, want 100\n%s\n%s", code, stdout, stderr)
	}
	results := readJSONL(t, out)
	if len(results) != 2000 {
		t.Fatalf("%d records, want 2000", len(results))
	}
	failed := 0
	for _, r := range results {
		if !r.Passed {
			failed++
		}
		if r.Cost.Total <= 0 || r.Tokens.Total == 0 {
			t.Fatalf("record without usage or cost: %+v", r)
		}
	}
	if failed != 20 {
		t.Errorf("%d failed, want 20", failed)
	}
	if srv.requests() != 2000 {
		t.Errorf("server saw %d requests, want 2000", srv.requests())
	}
	code, list, _ := e.run(context.Background(), "runs", "list")
	if code != 0 || !strings.Contains(list, "big") || !strings.Contains(list, "2000/2000") {
		t.Errorf("runs list (exit %d):\n%s", code, list)
	}
	// The second run is served from the cache: no new calls.
	code, _, _ = e.run(context.Background(), "bench", "--dataset", suite, "--providers", "openai:gpt-4o-mini", "--concurrency", "16")
	if code != 100 || srv.requests() != 2000 {
		t.Errorf("re-run: exit %d, server requests %d (want 2000: all cached)", code, srv.requests())
	}
}

func TestMalformedInputsGiveOneClearError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	broken := e.write("broken.yaml", "name: x\ntest_cases:\n  - id: a\n    prompt: [unclosed\n")
	badCSV := e.write("bad.csv", "id,prompt\na,hello\nb,hello,extra\n")
	missing := e.write("missing.yaml", "name: m\nprompts:\n  - id: p\n    template: 'Hi {{name}}'\ntest_cases:\n  - id: one\n    variables: {other: 1}\n")
	good := e.write("good.yaml", "name: g\ntest_cases:\n  - id: a\n    prompt: hi\n")
	typo := e.write("typo.yaml", "name: g\ntest_cases:\n  - id: a\n    prompt: hi\n    asserts: []\n")
	e.write("cat.png", tinyPNG(t))
	vision := e.write("vision.yaml", "name: v\ntest_cases:\n  - id: look\n    prompt: What is this?\n    inputs: [file://cat.png]\n")
	tooled := e.write("tooled.yaml", "name: t\ntest_cases:\n  - id: weather\n    prompt: Weather in Rome?\n    tools: [{name: get_weather}]\n")
	badTool := e.write("badtool.yaml", "name: t\ntest_cases:\n  - id: weather\n    prompt: Weather in Rome?\n    tools: [{name: get weather}]\n")
	noImage := e.write("noimage.yaml", "name: v\ntest_cases:\n  - id: look\n    prompt: What is this?\n    inputs: [file://dog.png]\n")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"broken yaml", []string{"bench", "--dataset", broken, "--providers", "echo"}, 4, []string{"broken.yaml:4"}},
		{"csv bad row", []string{"bench", "--dataset", badCSV, "--providers", "echo"}, 4, []string{"bad.csv:3"}},
		{"missing variable", []string{"bench", "--dataset", missing, "--providers", "echo"}, 4, []string{"missing.yaml", "one", "name"}},
		{"unknown key", []string{"bench", "--dataset", typo, "--providers", "echo"}, 4, []string{"typo.yaml:5", "asserts"}},
		{"unknown provider", []string{"bench", "--dataset", good, "--providers", "nosuch:model"}, 3, []string{"nosuch", "unknown vendor"}},
		{"missing key", []string{"bench", "--dataset", good, "--providers", "openai:gpt-4o"}, 3, []string{"OPENAI_API_KEY"}},
		{"bad db url", []string{"--db", "mysql://u:hunter2@x/db", "bench", "--dataset", good, "--providers", "echo"}, 3, []string{"mysql://"}},
		{"missing dataset file", []string{"bench", "--dataset", filepath.Join(e.dir, "nope.yaml"), "--providers", "echo"}, 4, []string{"nope.yaml"}},
		{"bad output extension", []string{"bench", "--dataset", good, "--providers", "echo", "--output", "x.pdf"}, 3, []string{"x.pdf"}},
		{"unknown flag", []string{"bench", "--nope"}, 3, []string{"--nope"}},
		{"missing image", []string{"bench", "--dataset", noImage, "--providers", "echo"}, 4, []string{"noimage.yaml:3", "look", "dog.png"}},
		{"provider cannot take images", []string{"bench", "--dataset", vision, "--providers", "echo"}, 3, []string{`"echo"`, `"look"`, "vision.yaml:3", "text only"}},
		{"provider without tools", []string{"bench", "--dataset", tooled, "--providers", "echo"}, 3, []string{`"echo"`, `"weather"`, "tooled.yaml:3", "does not support tools"}},
		{"bad tool name", []string{"bench", "--dataset", badTool, "--providers", "echo"}, 4, []string{"badtool.yaml:5", "weather", `"get weather"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := e.run(context.Background(), tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:%s\nstderr:%s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "hunter2") {
				t.Error("password leaked into the error")
			}
		})
	}
}

func TestDryRunCallsNothing(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho})
	e := newEnv(t, "OPENAI_API_KEY=sk-x", "LTB_PROVIDERS__OPENAI__BASE_URL="+srv.URL+"/v1")
	cases := filepath.Join(e.dir, "c.jsonl")
	writeCases(t, cases, 50, 0)
	code, stdout, stderr := e.run(context.Background(), "bench", "--dataset", cases, "--providers", "openai:gpt-4o-mini", "--repeat", "2", "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if srv.requests() != 0 {
		t.Errorf("dry run made %d calls", srv.requests())
	}
	if !strings.Contains(stdout, "100") || !strings.Contains(stdout, "Estimated total: $0.00") {
		t.Errorf("dry run output:\n%s", stdout)
	}
}

func TestMaxCostStopsWithExit6AndResumeFinishes(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho})
	e := newEnv(t, "OPENAI_API_KEY=sk-x", "LTB_PROVIDERS__OPENAI__BASE_URL="+srv.URL+"/v1")
	cases := filepath.Join(e.dir, "c.jsonl")
	writeCases(t, cases, 200, 0)
	// Each call costs about 20 prompt tokens at $2.50/M = $0.00005.
	code, stdout, stderr := e.run(context.Background(), "bench", "--dataset", cases, "--providers", "openai:gpt-4o", "--concurrency", "1", "--max-cost", "0.001", "--no-cache")
	if code != 6 {
		t.Fatalf("exit %d, want 6\n%s\n%s", code, stdout, stderr)
	}
	first := srv.requests()
	if first >= 200 || first < 5 {
		t.Fatalf("%d calls before the cost limit", first)
	}
	id := runID(t, stderr)
	code, stdout, stderr = e.run(context.Background(), "bench", "--resume", id, "--max-cost", "0")
	_ = stdout
	if code != 0 && code != 6 {
		t.Fatalf("resume exit %d\n%s", code, stderr)
	}
}

func TestCancelKeepsResultsAndResumeFinishesWithoutRepeats(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho, Latency: simulator.Fixed(20 * time.Millisecond)})
	e := newEnv(t, "OPENAI_API_KEY=sk-x", "LTB_PROVIDERS__OPENAI__BASE_URL="+srv.URL+"/v1")
	cases := filepath.Join(e.dir, "c.jsonl")
	writeCases(t, cases, 300, 0)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.requests() < 40 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	code, _, stderr := e.run(ctx, "bench", "--dataset", cases, "--providers", "openai:gpt-4o-mini", "--concurrency", "4", "--no-stream")
	if code != 1 || !strings.Contains(stderr, "--resume") {
		t.Fatalf("cancelled run: exit %d\n%s", code, stderr)
	}
	id := runID(t, stderr)
	code, out, _ := e.run(context.Background(), "runs", "list")
	if code != 0 || !strings.Contains(out, "cancelled") {
		t.Errorf("run not marked cancelled:\n%s", out)
	}
	before := srv.requests()
	code, _, stderr = e.run(context.Background(), "bench", "--resume", id, "--output", filepath.Join(e.dir, "all.jsonl"))
	if code != 0 {
		t.Fatalf("resume exit %d\n%s", code, stderr)
	}
	results := readJSONL(t, filepath.Join(e.dir, "all.jsonl"))
	if len(results) != 300 {
		t.Errorf("%d results after resume, want 300", len(results))
	}
	// Only calls cut off by Ctrl-C may have been made twice.
	if extra := srv.requests() - 300; extra > 4 || extra < 0 {
		t.Errorf("%d calls in all (%d before resume), want 300 plus at most the 4 in flight", srv.requests(), before)
	}
}

// runID finds the run id in a "--resume ID" hint.
func runID(t *testing.T, s string) string {
	t.Helper()
	i := strings.Index(s, "--resume ")
	if i < 0 {
		t.Fatalf("no --resume hint in %q", s)
	}
	f := strings.Fields(s[i+len("--resume "):])
	return strings.Trim(f[0], "`'\".")
}

func TestRunStoredInPostgreSQL(t *testing.T) {
	t.Parallel()
	pg := storetest.PostgresURL(t)
	srv := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho})
	e := newEnv(t, "OPENAI_API_KEY=sk-x", "LTB_PROVIDERS__OPENAI__BASE_URL="+srv.URL+"/v1")
	e.db = pg
	cases := filepath.Join(e.dir, "cases.jsonl")
	writeCases(t, cases, 2000, 100)
	out := filepath.Join(e.dir, "out.jsonl")
	code, stdout, stderr := e.run(context.Background(), "bench", "--dataset", cases, "--providers", "openai:gpt-4o-mini", "--concurrency", "16", "--output", out, "--name", "pg-run", "--no-cache")
	if code != 100 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := len(readJSONL(t, out)); n != 2000 {
		t.Errorf("%d records, want 2000", n)
	}
	code, list, _ := e.run(context.Background(), "runs", "list")
	if code != 0 || !strings.Contains(list, "pg-run") || !strings.Contains(list, "2000/2000") || !strings.Contains(list, "1980") {
		t.Errorf("runs list on PostgreSQL (exit %d):\n%s", code, list)
	}
}

func TestRetryErrorsRedoesOnlyTheFailedCalls(t *testing.T) {
	t.Parallel()
	flaky := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho, Seed: 7, Errors: simulator.ErrorRates{Server: 0.3}})
	healthy := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho})
	cases := filepath.Join(t.TempDir(), "c.jsonl")
	writeCases(t, cases, 100, 0)
	e := newEnv(t, "OPENAI_API_KEY=sk-x", "LTB_BENCHMARKS__MAX_RETRIES=0", "LTB_PROVIDERS__OPENAI__BASE_URL="+flaky.URL+"/v1")
	first := filepath.Join(e.dir, "first.jsonl")
	code, _, stderr := e.run(context.Background(), "bench", "--dataset", cases, "--providers", "openai:gpt-4o-mini", "--output", first, "--no-cache")
	if code != 100 {
		t.Fatalf("flaky run exit %d\n%s", code, stderr)
	}
	errored := 0
	var id string
	for _, r := range readJSONL(t, first) {
		id = r.RunID
		if r.Status == bench.StatusError {
			errored++
			if r.Error == nil || r.Error.Kind != "transient" || r.Error.Status != 500 {
				t.Errorf("error record %+v", r.Error)
			}
		}
	}
	if errored < 10 || errored > 50 {
		t.Fatalf("%d errors from a 30%% failing server", errored)
	}
	e.environ = append(e.environ, "LTB_PROVIDERS__OPENAI__BASE_URL="+healthy.URL+"/v1")
	final := filepath.Join(e.dir, "final.jsonl")
	code, _, stderr = e.run(context.Background(), "bench", "--retry-errors", id, "--output", final)
	if code != 0 {
		t.Fatalf("retry-errors exit %d\n%s", code, stderr)
	}
	if healthy.requests() != errored {
		t.Errorf("retry made %d calls, want the %d that failed", healthy.requests(), errored)
	}
	results := readJSONL(t, final)
	if len(results) != 100 {
		t.Fatalf("%d results, want 100", len(results))
	}
	for _, r := range results {
		if r.Status != bench.StatusSuccess {
			t.Errorf("case %s still %s", r.CaseID, r.Status)
		}
	}
}
