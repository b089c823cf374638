package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
)

// TestResumeAfterSIGKILL kills a real bench process mid-run, then resumes
// the run and checks no case that had a stored result was called again,
// and that only the calls in flight at the kill were made twice (the
// journal keeps what finished before the store took it). The cache is off,
// or it would answer the repeats and hide them.
func TestResumeAfterSIGKILL(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho, Latency: simulator.Fixed(15 * time.Millisecond)})
	e := newEnv(t, "OPENAI_API_KEY=sk-x", "LTB_PROVIDERS__OPENAI__BASE_URL="+srv.URL+"/v1")
	cases := filepath.Join(e.dir, "c.jsonl")
	const n = 400
	writeCases(t, cases, n, 0)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "--db", e.db, "bench", "--dataset", cases, "--providers", "openai:gpt-4o-mini", "--concurrency", "4", "--no-stream", "--no-cache")
	cmd.Env = append(append([]string{"LTB_TEST_MAIN=1"}, e.environ...), "PATH="+os.Getenv("PATH"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	runID, stored := waitForStored(t, e.db, 60, &out)
	// Let more results finish than the store has taken yet (it takes them
	// in batches): only the journal holds those when the kill lands.
	time.Sleep(400 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if strings.Contains(out.String(), "completed") {
		t.Fatalf("the run finished before it was killed:\n%s", out.String())
	}
	finished := storedKeys(t, e.db, runID)
	if len(finished) < stored {
		t.Fatalf("%d results readable after the kill, saw %d before", len(finished), stored)
	}
	code, stdout, stderr := e.run(ctx, "bench", "--resume", runID[:8], "--output", filepath.Join(e.dir, "all.jsonl"))
	if code != 0 {
		t.Fatalf("resume exit %d\n%s\n%s", code, stdout, stderr)
	}
	results := readJSONL(t, filepath.Join(e.dir, "all.jsonl"))
	if len(results) != n {
		t.Errorf("%d results after resume, want %d", len(results), n)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for caseID := range finished {
		var i int
		fmt.Sscanf(caseID, "c%d", &i)
		prompt := fmt.Sprintf("Repeat the word item %d", i)
		if c := srv.counts[prompt]; c != 1 {
			t.Errorf("case %s finished before the kill but was called %d times", caseID, c)
		}
	}
	repeated := 0
	for p, c := range srv.counts {
		if c > 2 {
			t.Errorf("prompt %q called %d times", p, c)
		}
		if c == 2 {
			repeated++
		}
	}
	// Only the calls in flight at the kill (4 workers, and at most as many
	// answers on their way to the journal) may be made again: finished
	// results are journaled as soon as the previous append ends, and the
	// resume replays the journal (issue 8: a 200 ms timer repeated 32-40).
	if repeated > 2*4 {
		t.Errorf("%d calls were made twice after the kill; only the calls in flight should be", repeated)
	}
}

// waitForStored polls the store until a run has at least min results.
func waitForStored(t *testing.T, db string, min int, out fmt.Stringer) (string, int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		st, err := backend.Open(context.Background(), db, store.Options{})
		if err != nil {
			continue
		}
		runs, err := st.ListRuns(context.Background(), store.RunFilter{})
		if err != nil || len(runs) == 0 {
			st.Close()
			continue
		}
		n := 0
		for _, err := range st.Keys(context.Background(), runs[0].ID) {
			if err == nil {
				n++
			}
		}
		st.Close()
		if n >= min {
			return runs[0].ID, n
		}
	}
	t.Fatalf("no results stored in time; process output:\n%s", out.String())
	return "", 0
}

func storedKeys(t *testing.T, db, runID string) map[string]bool {
	t.Helper()
	st, err := backend.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]bool{}
	for k, err := range st.Keys(context.Background(), runID, bench.StatusSuccess, bench.StatusError, bench.StatusTimeout) {
		if err != nil {
			t.Fatal(err)
		}
		out[k.CaseID] = true
	}
	return out
}
