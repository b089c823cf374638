package serve_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestKillMidRunResumes: a benchmark started through the API, the server
// killed with SIGKILL mid-run and started again, completes with every
// record once. The restarted server takes the run over once its last
// heartbeat is older than [server] recover_after, set here through the
// environment (LTB_SERVER__RECOVER_AFTER) so the test does not wait 30 s.
func TestKillMidRunResumes(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, k storeKind) {
		const n = 300
		in := newInstance(t, k, "20ms", "LTB_SERVER__RECOVER_AFTER=2s")
		id, before, exit := interruptMidRun(t, in, n, syscall.SIGKILL)
		if exit != -1 {
			t.Logf("killed server exit code %d", exit)
		}
		if len(before) == 0 || len(before) >= n {
			t.Fatalf("%d results stored before the kill; want some, not all", len(before))
		}
		start := time.Now()
		finishAfterRestart(t, in, id, n, before)
		took := time.Since(start)
		t.Logf("%d results before the kill; finished %s after the restart", len(before), took.Round(time.Millisecond))
		if took > 20*time.Second {
			t.Errorf("the restarted server took %s: it waited for the default 30 s, not recover_after", took)
		}
	})
}

// TestSIGTERMCheckpointsAndResumes: SIGTERM mid-benchmark exits 0 within
// the drain timeout, leaving the benchmark checkpointed; the next start
// resumes it at once and it completes with every record once.
func TestSIGTERMCheckpointsAndResumes(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, k storeKind) {
		const n = 300
		// recover_after is an hour: only the shutdown's checkpoint lets the
		// next start take the benchmark over at once.
		in := newInstance(t, k, "20ms", "LTB_SERVER__RECOVER_AFTER=1h")
		id, before, exit := interruptMidRun(t, in, n, syscall.SIGTERM)
		if exit != 0 {
			t.Fatalf("SIGTERM: exit code %d, want 0\n%s", exit, in.server.stderr)
		}
		if in.server.stopped > 10*time.Second {
			t.Errorf("SIGTERM to exit took %s", in.server.stopped)
		}
		st := openStore(t, in.dbURL)
		run, err := st.GetRun(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if run.Status != bench.RunQueued {
			t.Fatalf("after SIGTERM the benchmark is %s, want queued (checkpointed for the next start)", run.Status)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("SIGTERM to exit: %s; %d results stored before it", in.server.stopped.Round(time.Millisecond), len(before))
		finishAfterRestart(t, in, id, n, before)
	})
}
