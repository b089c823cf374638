package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDistributedScaling measures throughput with 1, 2, 4 and 8 local
// worker processes of 4 calls each against a simulator answering in
// 200 ms, and prints the efficiency table (throughput over N times that of
// one worker). It takes about 40 s: set LTB_DIST_SCALING=1 to run it
// (make scaling).
func TestDistributedScaling(t *testing.T) {
	if os.Getenv("LTB_DIST_SCALING") != "1" {
		t.Skip("set LTB_DIST_SCALING=1 to measure scaling across worker processes")
	}
	const perWorker, n = 4, 384
	e := newEnv(t, "LTB_TEST_MAIN=1")
	cfg := e.write("ltb.toml", "[providers.simulator.options]\npolicy = \"echo\"\nlatency = \"200ms\"\n")
	cases := filepath.Join(e.dir, "c.jsonl")
	writeCases(t, cases, n, 0)
	var table strings.Builder
	fmt.Fprintf(&table, "\n| workers | calls in flight | wall time | results/s | efficiency |\n|---|---|---|---|---|\n")
	var base float64
	for _, w := range []int{1, 2, 4, 8} {
		out := filepath.Join(e.dir, "out"+strconv.Itoa(w)+".jsonl")
		start := time.Now()
		code, stdout, stderr := e.run(context.Background(), "--config", cfg, "bench", "--dataset", cases, "--providers", "simulator:echo",
			"--no-cache", "--distributed", "--workers", strconv.Itoa(w), "--worker-concurrency", strconv.Itoa(perWorker), "--output", out)
		wall := time.Since(start)
		if code != 0 {
			t.Fatalf("%d workers: exit %d\n%s\n%s", w, code, stdout, stderr)
		}
		onePerCase(t, readJSONL(t, out), n)
		thr := float64(n) / wall.Seconds()
		if w == 1 {
			base = thr
		}
		eff := thr / (base * float64(w))
		fmt.Fprintf(&table, "| %d | %d | %.2f s | %.1f | %.0f%% |\n", w, w*perWorker, wall.Seconds(), thr, 100*eff)
		if eff < 0.6 {
			t.Errorf("%d workers: efficiency %.0f%%, want near-linear scaling", w, 100*eff)
		}
	}
	t.Log(table.String())
}
