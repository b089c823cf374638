package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

// matrixKeys are the JSON keys scripts rely on.
var matrixKeys = map[string][]string{
	"matrix": {"metric", "correction", "alpha", "confidence", "columns", "pairs", "winner", "verdict"},
	"column": {"label", "source", "provider", "results", "errored", "unscored", "missing", "n", "repeated", "mean", "interval", "ci_low", "ci_high"},
	"pair":   {"a", "b", "n", "mean_diff", "cohen_d", "test", "pvalue", "adjusted_pvalue", "significant", "better"},
}

// decodeMatrix parses compare --json and checks its keys.
func decodeMatrix(t *testing.T, stdout string) *analysis.Matrix {
	t.Helper()
	var m analysis.Matrix
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("stdout is not one JSON matrix: %v\n%s", err, stdout)
	}
	var raw struct {
		Matrix  map[string]json.RawMessage
		Columns []map[string]json.RawMessage `json:"columns"`
		Pairs   []map[string]json.RawMessage `json:"pairs"`
	}
	json.Unmarshal([]byte(stdout), &raw.Matrix)
	json.Unmarshal([]byte(stdout), &raw)
	objects := map[string]map[string]json.RawMessage{"matrix": raw.Matrix}
	if len(raw.Columns) > 0 && len(raw.Pairs) > 0 {
		objects["column"], objects["pair"] = raw.Columns[0], raw.Pairs[0]
	}
	for kind, keys := range matrixKeys {
		for _, k := range keys {
			if _, ok := objects[kind][k]; !ok {
				t.Errorf("JSON %s lacks key %q", kind, k)
			}
		}
	}
	return &m
}

// The check, in one run: the strong simulator against echo on a
// built-in suite is a significant difference and sim-large is named.
func TestCompareModelsNamesTheStrongModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	args := []string{"compare", "--models", "simulator:sim-large,simulator:echo", "--dataset", "builtin:reasoning", "--no-cache"}
	code, stdout, stderr := e.run(t.Context(), args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"Run ", // the run's own summary comes first
		"[1]  simulator:echo (#1)       14  0.0000  [0.0000, 0.2153] wilson",
		"[1] vs [2]  14  -1.0000  -  mcnemar_exact",
		"* [2] better",
		"Winner: [2] simulator:sim-large (#1), significantly better than every other column.",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	// With --json standard output is the matrix alone; the run's summary
	// goes to standard error.
	code, stdout, stderr = e.run(t.Context(), append(args, "--json", "--metric", "score")...)
	if code != 0 || !strings.Contains(stderr, "Run ") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	m := decodeMatrix(t, stdout)
	if m.Winner != 1 || m.Columns[1].Label != "simulator:sim-large (#2)" || !m.Pairs[0].Significant || m.Pairs[0].Test != analysis.TestWilcoxon ||
		m.Metric != analysis.MetricScore || m.Correction != analysis.CorrectionHolm {
		t.Errorf("matrix %+v", m)
	}
}

// Stored runs give the same verdict; a second run of the strong model ties
// with the first, so three runs have no winner.
func TestCompareStoredRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	strong, _ := benchRun(t, e, "simulator:sim-large")
	echo, _ := benchRun(t, e, "simulator:echo")
	code, stdout, stderr := e.run(t.Context(), "compare", strong, echo, "--json")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	m := decodeMatrix(t, stdout)
	if m.Winner != 0 || m.Verdict != "winner: simulator:sim-large (#1)" || m.Columns[1].Label != "simulator:echo (#2)" ||
		m.Pairs[0].MeanDiff != 1 || !m.Pairs[0].Significant || m.Pairs[0].Test != analysis.TestMcNemar || m.Pairs[0].Better != 0 {
		t.Errorf("matrix %+v", m)
	}
	benchRun(t, e, "simulator:sim-large")
	code, stdout, stderr = e.run(t.Context(), "compare", "1", "#2", "3", "--correction", "fdr_bh")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"p-values Benjamini-Hochberg-adjusted", "[1] vs [3]  14  +0.0000  -  mcnemar_exact  1.0000  1.0000", "No significant winner"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestCompareRefusesBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	run, _ := benchRun(t, e, "simulator:sim-large")
	some := func(filter string) string {
		code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", "builtin:reasoning", "--providers", "simulator:echo", "--no-cache", "--filter", filter)
		if code != 100 {
			t.Fatalf("bench --filter %s: exit %d\n%s\n%s", filter, code, stdout, stderr)
		}
		return stdout
	}
	some("^(percent|pencils)$")   // #2
	some("^(multiply|shortest)$") // #3
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"nothing", nil, 3, "nothing to compare"},
		{"one run of one provider", []string{run}, 4, "1 column(s) to compare; a comparison needs at least 2"},
		{"unknown run", []string{run, "#99"}, 4, "no run #99"},
		{"the same run twice", []string{run, "1"}, 3, "name the same run #1"},
		{"no shared cases", []string{"2", "3"}, 4, "0 case(s) in common between simulator:echo (#2) (2 cases) and simulator:echo (#3) (2 cases)"},
		{"one model", []string{"--models", "simulator:echo", "--dataset", "builtin:reasoning"}, 3, "at least 2 providers"},
		{"models without a dataset", []string{"--models", "simulator:echo,simulator:sim-large"}, 3, "needs --dataset"},
		{"runs and models", []string{run, "--models", "simulator:echo,simulator:sim-large", "--dataset", "builtin:reasoning"}, 3, "not both"},
		{"run flags without models", []string{run, "2", "--repeat", "2"}, 3, "--repeat only applies with --models"},
		{"bad correction", []string{run, "2", "--correction", "bonferroni"}, 3, "--correction: want holm, fdr_bh or none"},
		{"bad alpha", []string{run, "2", "--alpha", "0"}, 3, "--alpha"},
		{"unknown model", []string{"--models", "simulator:echo,nosuchvendor:x", "--dataset", "builtin:reasoning"}, 3, "nosuchvendor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := e.run(t.Context(), append([]string{"compare"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, want %d with %q:\n%s\n%s", code, tt.code, tt.msg, stdout, stderr)
			}
		})
	}
}
