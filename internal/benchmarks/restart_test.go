package benchmarks

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
)

// checkOnce fails unless run id holds exactly one stored result per key,
// total of them, and keeps every successful result in finished (none was
// made again).
func checkOnce(t *testing.T, st store.Store, id string, total int, finished map[bench.Key]string) {
	t.Helper()
	counts, ok := resultKeys(t, st, id)
	if len(counts) != total {
		t.Errorf("%d distinct results, want %d", len(counts), total)
	}
	for k, n := range counts {
		if n != 1 {
			t.Errorf("result %v stored %d times", k, n)
		}
	}
	for k, rid := range finished {
		if ok[k] != rid {
			t.Errorf("result %v, finished before the restart, was made again", k)
		}
	}
}

func TestShutdownCheckpointsAndNextStartResumes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "20ms", Options{MaxRunning: 1, RecoverAfter: time.Hour})
	req := Request{Datasets: []string{f.cases("long.jsonl", 80)}, Providers: []string{"openai:gpt-4o-mini"}, Concurrency: 2}
	run := f.submit(req)
	waiting := f.submit(req)
	waitFor(t, 10*time.Second, "some results", func() bool {
		p, ok := f.m.Progress(run.ID)
		return ok && p.Done >= 10
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := f.m.Shutdown(ctx); err == nil {
		t.Error("Shutdown that interrupted a run returned nil")
	}
	if _, err := f.m.Submit(context.Background(), "user-1", req); asProblem(t, err).Status != 503 {
		t.Error("a manager shutting down took a submission")
	}
	for _, id := range []string{run.ID, waiting.ID} {
		if got := waitStatus(t, f.st, id, time.Second, bench.RunQueued); got.Status != bench.RunQueued {
			t.Fatalf("after shutdown run %s is %s, want queued", id, got.Status)
		}
	}
	_, finished := resultKeys(t, f.st, run.ID)
	if len(finished) == 0 || len(finished) >= 80 {
		t.Fatalf("%d results finished before the shutdown; want some, not all", len(finished))
	}

	// RecoverAfter is an hour: only the shutdown's release lets the next
	// manager take the runs at once.
	f.start(f.o)
	done := waitStatus(t, f.st, run.ID, 30*time.Second, bench.RunCompleted, bench.RunFailed, bench.RunCancelled)
	if done.Status != bench.RunCompleted || done.Totals.Results != 80 {
		t.Fatalf("resumed run ended %s with %d results, want completed with 80", done.Status, done.Totals.Results)
	}
	checkOnce(t, f.st, run.ID, 80, finished)
	if w := waitStatus(t, f.st, waiting.ID, 30*time.Second, bench.RunCompleted, bench.RunFailed); w.Status != bench.RunCompleted {
		t.Errorf("the run that was waiting at shutdown ended %s", w.Status)
	}
	ps := f.pub.of(run.ID)
	if last := ps[len(ps)-1]; last.Status != "completed" || last.Done != 80 {
		t.Errorf("final progress after resume %+v, want completed with 80 done", last)
	}
}

func TestOnRestartFailMarksAbandonedRuns(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "20ms", Options{MaxRunning: 1, RecoverAfter: time.Hour})
	run := f.submit(Request{Datasets: []string{f.cases("x.jsonl", 40)}, Providers: []string{"openai:gpt-4o-mini"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_ = f.m.Shutdown(ctx)
	o := f.o
	o.OnRestart = OnRestartFail
	f.start(o)
	got := waitStatus(t, f.st, run.ID, 5*time.Second, bench.RunFailed)
	if reason, _ := got.Config[errorKey].(string); reason == "" {
		t.Error("a run failed on restart carries no reason")
	}
}

// The child process: a manager that runs whatever it recovers, until it
// is killed.
const childEnv = "LTB_BENCHMARKS_CHILD"

func runChild() int {
	dir := os.Getenv(childEnv)
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 2 }
	cfg, err := loadConfigAt(filepath.Join(dir, "child"), configBody("20ms"))
	if err != nil {
		return fail(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "ltb.db"), store.Options{})
	if err != nil {
		return fail(err)
	}
	svc := session.New(cfg, st, nil)
	svc.HeartbeatEvery = 50 * time.Millisecond
	svc.JournalDir = filepath.Join(dir, "data", "journal")
	m := New(svc, st, nil, cfg, Options{DatasetsDir: filepath.Join(dir, "datasets"), DataDir: filepath.Join(dir, "data"), Simulate: true, RecoverAfter: time.Hour})
	if err := m.Start(context.Background()); err != nil {
		return fail(err)
	}
	select {} // until SIGKILL
}

func TestKilledProcessRunIsResumedByTheNextManager(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "20ms", Options{MaxRunning: 1, RecoverAfter: time.Hour})
	if err := os.MkdirAll(filepath.Join(f.dir, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Queue the run here, then let the child take it: this manager shuts
	// down at once and releases it.
	run := f.submit(Request{Name: "killed", Datasets: []string{f.cases("kill.jsonl", 120)}, Providers: []string{"openai:gpt-4o-mini"}, Concurrency: 2})
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_ = f.m.Shutdown(ctx)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+f.dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the child to store results", func() bool {
		counts, _ := resultKeys(t, f.st, run.ID)
		return len(counts) >= 20
	})
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if got, _ := f.st.GetRun(context.Background(), run.ID); got.Status != bench.RunRunning {
		t.Fatalf("the killed child's run is %s, want running (its heartbeat not yet stale)", got.Status)
	}
	_, finished := resultKeys(t, f.st, run.ID)

	o := f.o
	o.RecoverAfter = 300 * time.Millisecond
	f.start(o)
	done := waitStatus(t, f.st, run.ID, 60*time.Second, bench.RunCompleted, bench.RunFailed, bench.RunCancelled)
	if done.Status != bench.RunCompleted || done.Totals.Results != 120 {
		t.Fatalf("run ended %s with %d results, want completed with 120", done.Status, done.Totals.Results)
	}
	checkOnce(t, f.st, run.ID, 120, finished)
}
