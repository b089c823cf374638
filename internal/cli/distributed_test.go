package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/distributed"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

// onePerCase checks the run wrote exactly one result for each of n cases
// and returns them by case id.
func onePerCase(t *testing.T, rs []bench.Result, n int) map[string]bench.Result {
	t.Helper()
	by := map[string]bench.Result{}
	for _, r := range rs {
		if _, dup := by[r.CaseID]; dup {
			t.Errorf("case %s has two results", r.CaseID)
		}
		by[r.CaseID] = r
	}
	if len(rs) != n || len(by) != n {
		t.Fatalf("%d results for %d cases, want %d", len(rs), len(by), n)
	}
	return by
}

// bench --distributed --workers 2: an embedded NATS server and two worker
// processes of this binary run every case once.
func TestBenchDistributedLocalWorkers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "LTB_TEST_MAIN=1")
	cfg := e.write("ltb.toml", "[providers.simulator.options]\npolicy = \"echo\"\nlatency = \"20ms\"\n")
	cases := filepath.Join(e.dir, "c.jsonl")
	const n = 60
	writeCases(t, cases, n, 0)
	out := filepath.Join(e.dir, "out.jsonl")
	code, stdout, stderr := e.run(context.Background(), "--config", cfg, "bench", "--dataset", cases, "--providers", "simulator:echo",
		"--distributed", "--workers", "2", "--worker-concurrency", "4", "--output", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for id, r := range onePerCase(t, readJSONL(t, out), n) {
		if r.Status != bench.StatusSuccess || !r.Passed {
			t.Errorf("%s: %s passed=%v %+v", id, r.Status, r.Passed, r.Error)
		}
	}
	if !strings.Contains(stdout, "completed") {
		t.Errorf("summary: %s", stdout)
	}
}

// SIGKILL a worker process mid-run: its jobs go to the other worker after
// the ack wait, every case ends with exactly one result, and no call is
// made twice beyond the ones in flight on the killed worker.
func TestDistributedWorkerKilledMidRun(t *testing.T) {
	t.Parallel()
	sim := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho, Latency: simulator.Fixed(60 * time.Millisecond)})
	e := newEnv(t, "LTB_TEST_MAIN=1", "OPENAI_API_KEY=sk-x", "LTB_PROVIDERS__OPENAI__BASE_URL="+sim.URL+"/v1")
	srv, err := distributed.StartEmbedded(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	const perWorker = 6
	workers := []*exec.Cmd{startWorkerProcess(t, e, srv.URL(), "doomed", perWorker), startWorkerProcess(t, e, srv.URL(), "survivor", perWorker)}
	cases := filepath.Join(e.dir, "c.jsonl")
	const n = 240
	writeCases(t, cases, n, 0)
	out := filepath.Join(e.dir, "out.jsonl")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	type outcome struct {
		code           int
		stdout, stderr string
	}
	done := make(chan outcome, 1)
	go func() {
		code, so, se := e.run(ctx, "bench", "--dataset", cases, "--providers", "openai:gpt-4o-mini", "--no-stream", "--no-cache",
			"--distributed", "--nats-url", srv.URL(), "--ack-wait", "1s", "--output", out)
		done <- outcome{code, so, se}
	}()
	waitFor(t, 30*time.Second, func() bool { return sim.requests() >= 50 })
	code, list, _ := e.run(ctx, "workers", "list", "--nats-url", srv.URL())
	if code != 0 || !strings.Contains(list, "doomed") || !strings.Contains(list, "survivor") {
		t.Errorf("workers list (exit %d):\n%s", code, list)
	}
	if err := workers[0].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		t.Fatal("the run did not finish after a worker was killed")
	}
	if o.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", o.code, o.stdout, o.stderr)
	}
	for id, r := range onePerCase(t, readJSONL(t, out), n) {
		if r.Status != bench.StatusSuccess {
			t.Errorf("%s: %s %+v", id, r.Status, r.Error)
		}
	}
	sim.mu.Lock()
	defer sim.mu.Unlock()
	twice := 0
	for prompt, c := range sim.counts {
		if c > 2 {
			t.Errorf("%q called %d times", prompt, c)
		}
		if c == 2 {
			twice++
		}
	}
	t.Logf("%d calls made twice (in flight on the killed worker)", twice)
	if len(sim.counts) != n || twice == 0 || twice > perWorker {
		t.Errorf("%d prompts called, %d of them twice; want %d, and from 1 (the kill landed mid-call) to the %d in flight on the killed worker", len(sim.counts), twice, n, perWorker)
	}
}

// startWorkerProcess runs `worker` as a process of this test binary.
func startWorkerProcess(t *testing.T, e *env, url, id string, conc int) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "worker", "--nats-url", url, "--id", id, "--concurrency", strconv.Itoa(conc), "--heartbeat", "200ms")
	cmd.Env = append(append([]string{"LTB_TEST_MAIN=1"}, e.environ...), "PATH="+os.Getenv("PATH"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("worker %s output:\n%s", id, out.String())
		}
	})
	return cmd
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
	}
}

// Model-graded assertions score on the workers exactly as in a local run:
// the worker builds the judge from its own configuration.
func TestDistributedJudgesScoreAsLocally(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "LTB_TEST_MAIN=1")
	cfg := e.write("ltb.toml", judgeConfig)
	suite := e.write("judges.yaml", `name: judges
test_cases:
  - {id: rubric-ok, prompt: "#case-rubric-ok Capital of France?", expected: Paris, assert: [{type: llm-rubric, value: names the capital}]}
  - {id: rubric-malformed, prompt: "#case-rubric-malformed Capital of France?", expected: Paris, assert: [{type: llm-rubric, value: names the capital}]}
  - {id: rubric-range, prompt: "#case-rubric-range Capital of France?", expected: Paris, assert: [{type: llm-rubric, value: names the capital}]}
`)
	scores := map[string]map[string]bench.Score{}
	for _, mode := range []string{"local", "distributed"} {
		out := filepath.Join(e.dir, mode+".jsonl")
		args := []string{"--config", cfg, "bench", "--dataset", suite, "--providers", "simulator:good", "--no-cache", "--output", out}
		if mode == "distributed" {
			args = append(args, "--distributed", "--workers", "1")
		}
		code, stdout, stderr := e.run(context.Background(), args...)
		if code != 0 && code != 100 {
			t.Fatalf("%s: exit %d\n%s\n%s", mode, code, stdout, stderr)
		}
		for id, r := range onePerCase(t, readJSONL(t, out), 3) {
			s := r.Scores["llm-rubric"]
			if scores[id] == nil {
				scores[id] = map[string]bench.Score{}
			}
			scores[id][mode] = s
		}
	}
	if !scores["rubric-ok"]["local"].Pass {
		t.Fatalf("the local run did not pass rubric-ok: %+v", scores["rubric-ok"])
	}
	for id, by := range scores {
		if diff := cmp.Diff(by["local"], by["distributed"]); diff != "" {
			t.Errorf("%s: llm-rubric score (-local +distributed):\n%s", id, diff)
		}
	}
}

// SIGKILL the coordinator mid-run, then resume the run with a new one:
// the jobs it had published are neither lost nor run twice (the new
// coordinator's publishes are deduplicated and the results workers stored
// meanwhile are read back), and every case ends with exactly one result.
func TestDistributedCoordinatorKilledAndResumed(t *testing.T) {
	t.Parallel()
	sim := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho, Latency: simulator.Fixed(40 * time.Millisecond)})
	e := newEnv(t, "OPENAI_API_KEY=sk-x", "LTB_PROVIDERS__OPENAI__BASE_URL="+sim.URL+"/v1")
	srv, err := distributed.StartEmbedded(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	startWorkerProcess(t, e, srv.URL(), "w1", 6)
	startWorkerProcess(t, e, srv.URL(), "w2", 6)
	cases := filepath.Join(e.dir, "c.jsonl")
	const n = 300
	writeCases(t, cases, n, 0)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "--db", e.db, "bench", "--dataset", cases, "--providers", "openai:gpt-4o-mini", "--no-stream", "--no-cache",
		"--distributed", "--nats-url", srv.URL())
	cmd.Env = append(append([]string{"LTB_TEST_MAIN=1"}, e.environ...), "PATH="+os.Getenv("PATH"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	runID, _ := waitForStored(t, e.db, 40, &out)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if strings.Contains(out.String(), "completed") {
		t.Fatalf("the run finished before the kill:\n%s", out.String())
	}
	results := filepath.Join(e.dir, "all.jsonl")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code, stdout, stderr := e.run(ctx, "bench", "--resume", runID[:8], "--distributed", "--nats-url", srv.URL(), "--output", results)
	if code != 0 {
		t.Fatalf("resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for id, r := range onePerCase(t, readJSONL(t, results), n) {
		if r.Status != bench.StatusSuccess {
			t.Errorf("%s: %s %+v", id, r.Status, r.Error)
		}
	}
	sim.mu.Lock()
	defer sim.mu.Unlock()
	for prompt, c := range sim.counts {
		if c != 1 {
			t.Errorf("%q called %d times", prompt, c)
		}
	}
	if len(sim.counts) != n {
		t.Errorf("%d prompts called, want %d", len(sim.counts), n)
	}
}
