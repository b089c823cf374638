package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/cli"
)

// allBuiltins are the built-in suites together: 56 cases.
var allBuiltins = []string{"--dataset", "builtin:reasoning", "--dataset", "builtin:coding", "--dataset", "builtin:creative-writing",
	"--dataset", "builtin:instruction-following", "--dataset", "builtin:summarization"}

const builtinCases = 56

// seqKeys are the sequential section's JSON keys scripts rely on.
var seqKeys = []string{"metric", "a", "b", "alpha", "batch", "pairs", "pairs_after_stop", "unpaired", "checks", "stopped", "stopped_at",
	"mean_diff", "e_value", "max_e_value", "anytime_pvalue", "cs_low", "cs_high", "cs_method", "verdict", "winner"}

type seqOutput struct {
	Matrix     *analysis.Matrix      `json:"matrix"`
	Sequential *cli.SequentialReport `json:"sequential"`
}

func decodeSeq(t *testing.T, stdout string) seqOutput {
	t.Helper()
	var out seqOutput
	var raw struct {
		Sequential map[string]json.RawMessage `json:"sequential"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.Sequential == nil || out.Matrix == nil {
		t.Fatalf("stdout is not {matrix, sequential}: %v\n%s", err, stdout)
	}
	_ = json.Unmarshal([]byte(stdout), &raw)
	for _, k := range seqKeys {
		if _, ok := raw.Sequential[k]; !ok {
			t.Errorf("sequential JSON lacks key %q", k)
		}
	}
	return out
}

// TestCompareSequentialStopsEarlyForARealDifference: echo against the
// strong simulator on every built-in suite stops well before the end,
// names the strong model, keeps what was stored, and records the stop.
func TestCompareSequentialStopsEarlyForARealDifference(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	args := append([]string{"compare", "--models", "simulator:echo,simulator:sim-large", "--no-cache", "--concurrency", "1",
		"--sequential", "--batch", "5", "--json"}, allBuiltins...)
	code, stdout, stderr := e.run(t.Context(), args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	out := decodeSeq(t, stdout)
	s := out.Sequential
	if !s.Stopped || s.Verdict != "b_better" || s.Winner != "simulator:sim-large" || s.A != "simulator:echo" || s.StoppedAt%5 != 0 || s.PValue > 0.05 {
		t.Errorf("sequential %+v", s)
	}
	for _, c := range out.Matrix.Columns {
		if c.N >= builtinCases {
			t.Errorf("column %s has %d cases: the run did not stop early", c.Label, c.N)
		}
	}
	if !strings.Contains(stderr, " cancelled: ") {
		t.Errorf("the run's summary does not say it was stopped:\n%s", stderr)
	}
	t.Logf("stopped at %d of %d pairs (%d finished after), e-value %.1f, CS [%.3f, %.3f]", s.StoppedAt, builtinCases, s.PairsAfterStop, s.MaxEValue, s.CSLow, s.CSHigh)

	// The stored run replays to a stop as well, and says so in text.
	id := out.Matrix.Columns[0].Source
	id = id[strings.LastIndex(id, " ")+1:]
	code, stdout, stderr = e.run(t.Context(), "compare", id, "--sequential", "--batch", "5")
	if code != 0 || !strings.Contains(stdout, "Sequential test (anytime-valid") || !strings.Contains(stdout, "is better") {
		t.Errorf("replay: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestCompareSequentialRunsToTheEndWithoutADifference: two models that
// answer alike (the simulator's expected-answer policy under two names)
// run every case and no difference is detected.
func TestCompareSequentialRunsToTheEndWithoutADifference(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	args := append([]string{"compare", "--models", "simulator:sim-a,simulator:sim-b", "--no-cache", "--sequential", "--json"}, allBuiltins...)
	code, stdout, stderr := e.run(t.Context(), args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	out := decodeSeq(t, stdout)
	s := out.Sequential
	if out.Matrix.Columns[0].N != builtinCases || s.Stopped || s.Verdict != "no_difference_detected" || s.Winner != "" || s.Pairs != builtinCases || s.PValue != 1 || s.CSLow > 0 || s.CSHigh < 0 {
		t.Errorf("sequential %+v", s)
	}
	if !strings.Contains(stderr, " completed: ") {
		t.Errorf("the run did not complete:\n%s", stderr)
	}
}

func TestCompareSequentialRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, args := range [][]string{
		{"compare", "--models", "simulator:a,simulator:b,simulator:c", "--dataset", "builtin:reasoning", "--sequential"},
		{"compare", "--models", "simulator:a,simulator:b", "--dataset", "builtin:reasoning", "--batch", "5"},
		{"compare", "--models", "simulator:a,simulator:b", "--dataset", "builtin:reasoning", "--sequential", "--batch", "0"},
		{"compare", "1", "2", "3", "--sequential"},
	} {
		code, stdout, stderr := e.run(t.Context(), args...)
		if code != cli.ExitConfig {
			t.Errorf("%v: exit %d, want %d\n%s\n%s", args, code, cli.ExitConfig, stdout, stderr)
		}
	}
}
