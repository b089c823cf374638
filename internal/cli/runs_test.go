package cli_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
)

// seed opens e's store, lets fn fill it and closes it.
func (e *env) seed(fn func(ctx context.Context, st store.Store)) {
	e.t.Helper()
	ctx := context.Background()
	st, err := backend.Open(ctx, e.db, store.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	defer st.Close()
	fn(ctx, st)
}

func seedResults(t *testing.T, ctx context.Context, st store.Store, runID string, statuses ...bench.Status) {
	t.Helper()
	rs := make([]bench.Result, len(statuses))
	for i, s := range statuses {
		rs[i] = bench.Result{ID: fmt.Sprintf("%s-r%d", runID, i), RunID: runID, CaseID: fmt.Sprintf("c%d", i),
			Provider: "echo", Status: s, Passed: s == bench.StatusSuccess, Cost: bench.Cost{Total: 0.01}}
	}
	if err := st.WriteResults(ctx, rs); err != nil {
		t.Fatal(err)
	}
}

// TestRunsListInterruptedRun is a run whose process was killed: it stored
// three results and then stopped beating. runs list and runs show count
// the stored results, call it interrupted and print how to resume it.
func TestRunsListInterruptedRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const id = "019a0000-aaaa-7000-8000-000000000001"
	long := time.Now().Add(-10 * time.Minute)
	e.seed(func(ctx context.Context, st store.Store) {
		run := &bench.Run{ID: id, Name: "killed", Status: bench.RunRunning, Total: 10, CreatedAt: long, UpdatedAt: long, HeartbeatAt: long}
		if err := st.CreateRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		seedResults(t, ctx, st, id, bench.StatusSuccess, bench.StatusSuccess, bench.StatusError)
	})
	resume := "llm-test-bench bench --resume " + id + " --db " + e.db
	code, out, stderr := e.run(context.Background(), "runs", "list")
	if code != 0 {
		t.Fatalf("runs list: exit %d\n%s", code, stderr)
	}
	row := strings.Fields(strings.Split(out, "\n")[1])
	if row[0] != id || row[1] != "#1" || row[3] != "interrupted" || row[6] != "3/10" || row[7] != "2" || row[8] != "1" {
		t.Errorf("row %q: want id, #1, interrupted, 3/10 results, 2 passed, 1 error\n%s", row, out)
	}
	if !strings.Contains(out, "Run #1 was interrupted; resume it with:\n  "+resume+"\n") {
		t.Errorf("runs list does not print the resume command %q:\n%s", resume, out)
	}
	code, out, _ = e.run(context.Background(), "runs", "show", "1")
	if code != 0 || !strings.Contains(out, "interrupted  3/10 results") || !strings.Contains(out, resume) {
		t.Errorf("runs show: exit %d\n%s", code, out)
	}

	// The same run while its process is alive: running, counted as well.
	e.seed(func(ctx context.Context, st store.Store) {
		if err := st.Heartbeat(ctx, id, time.Now()); err != nil {
			t.Fatal(err)
		}
	})
	code, out, _ = e.run(context.Background(), "runs", "list")
	row = strings.Fields(strings.Split(out, "\n")[1])
	if code != 0 || row[3] != "running" || row[6] != "3/10" || strings.Contains(out, "--resume") {
		t.Errorf("live run: exit %d\n%s", code, out)
	}
	code, out, _ = e.run(context.Background(), "runs", "list", "--status", "interrupted")
	if code != 0 || strings.Contains(out, id) {
		t.Errorf("--status interrupted lists a live run:\n%s", out)
	}
}

func TestRunReferences(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := "01a24cca-3f10-7000-8000-00000000000a", "01a24cca-4e21-7000-8000-00000000000b"
	e.seed(func(ctx context.Context, st store.Store) {
		for _, id := range []string{a, b} {
			now := store.Now()
			if err := st.CreateRun(ctx, &bench.Run{ID: id, Name: "n-" + id[9:13], Status: bench.RunCompleted, CreatedAt: now, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
		}
	})
	tests := []struct {
		ref      string
		wantCode int
		want     []string // in stdout, or in stderr on failure
	}{
		{"2", 0, []string{"Run " + b + " #2"}},
		{"#1", 0, []string{"Run " + a + " #1"}},
		{"01a24cca-4e", 0, []string{"Run " + b}},
		{"01a24cca", 4, []string{`run reference "01a24cca": ambiguous: matches ` + a + " (#1), " + b + " (#2)"}},
		{"01a2", 4, []string{`run reference "01a2": too short (at least 6 characters or a run number)`}},
		{"9", 4, []string{"no run #9"}},
		{"ffffffff", 4, []string{"not found"}},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			t.Parallel()
			code, out, stderr := e.run(context.Background(), "runs", "show", tc.ref)
			got := out
			if tc.wantCode != 0 {
				got = stderr
			}
			if code != tc.wantCode {
				t.Errorf("runs show %s: exit %d, want %d\n%s%s", tc.ref, code, tc.wantCode, out, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("runs show %s: output lacks %q:\n%s", tc.ref, w, got)
				}
			}
		})
	}
}

// TestMigrationsDisabled: with [storage] enable_migrations = false a new
// database is refused with the command that fixes it, and `migrate`
// always migrates.
func TestMigrationsDisabled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "LTB_STORAGE__ENABLE_MIGRATIONS=false")
	code, _, stderr := e.run(context.Background(), "runs", "list")
	if code == 0 || !strings.Contains(stderr, "run `llm-test-bench migrate`") {
		t.Fatalf("runs list on an unmigrated database: exit %d\n%s", code, stderr)
	}
	if code, out, stderr := e.run(context.Background(), "migrate"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr := e.run(context.Background(), "runs", "list"); code != 0 {
		t.Errorf("runs list after migrate: exit %d\n%s", code, stderr)
	}
}
