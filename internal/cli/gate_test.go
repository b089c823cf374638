package cli_test

import (
	"strings"
	"testing"
)

// TestBenchBaselineGatesInOneStep: bench --baseline runs and then gates
// the run against the baseline: the echo model against the strong one is
// a regression (exit 2, ahead of the failed cases' 100), the strong model
// against the echo one passes, and a missing baseline is refused before
// anything is called.
func TestBenchBaselineGatesInOneStep(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	strong, _ := benchRun(t, e, "simulator:sim-large")
	echo, _ := benchRun(t, e, "simulator:echo")
	bench := func(providers, baseline string) (int, string, string) {
		return e.run(t.Context(), "bench", "--dataset", "builtin:reasoning", "--providers", providers, "--no-cache", "--baseline", baseline)
	}
	code, stdout, stderr := bench("simulator:echo", strong)
	if code != 2 || !strings.Contains(stdout, "Against the baseline (simulator:echo)") || !strings.Contains(stdout, "REGRESSION") || !strings.Contains(stderr, "regression") {
		t.Errorf("echo against strong: exit %d, want 2\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = bench("simulator:sim-large", echo)
	if code != 0 || !strings.Contains(stdout, "NON-INFERIOR") {
		t.Errorf("strong against echo: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	runsBefore := countRuns(t, e)
	code, _, stderr = bench("simulator:sim-large", "no-such-run")
	if code != 4 || !strings.Contains(stderr, "--baseline") || countRuns(t, e) != runsBefore {
		t.Errorf("missing baseline: exit %d, want 4 before any run\n%s", code, stderr)
	}
}

// countRuns is how many runs the store holds.
func countRuns(t *testing.T, e *env) int {
	t.Helper()
	code, stdout, stderr := e.run(t.Context(), "runs", "list")
	if code != 0 {
		t.Fatalf("runs list: %d %s", code, stderr)
	}
	return strings.Count(stdout, "\n")
}

// TestAnalyzePowerFromAStoredRun: --power needs only a baseline and says
// how many cases the gate needs at its margin.
func TestAnalyzePowerFromAStoredRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mixed, _ := benchRun(t, e, "simulator:sim-large,simulator:echo")
	code, stdout, stderr := e.run(t.Context(), "analyze", "--baseline", mixed, "--baseline-provider", "simulator:sim-large", "--power", "--json")
	if code != 0 || !strings.Contains(stdout, `"cases_to_pass": 0`) {
		// A model that passes every case has no spread: no cases needed.
		t.Errorf("sim-large: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = e.run(t.Context(), "analyze", "--baseline", mixed, "--metric", "score", "--baseline-provider", "simulator:echo", "--power")
	if code != 0 || !strings.Contains(stdout, "Cases for an unchanged model to pass:") {
		t.Errorf("echo: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr = e.run(t.Context(), "analyze", "--baseline", mixed, "--baseline-provider", "simulator:echo", "--power", "--margin", "0"); code != 3 || !strings.Contains(stderr, "margin") {
		t.Errorf("margin 0: exit %d, want 3\n%s", code, stderr)
	}
	if code, _, stderr = e.run(t.Context(), "analyze", "--baseline", mixed); code != 3 || !strings.Contains(stderr, "--comparison") {
		t.Errorf("no comparison: exit %d, want 3\n%s", code, stderr)
	}
}
