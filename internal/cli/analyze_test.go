package cli_test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

// benchRun runs the reasoning suite on providers and returns the run
// number ("#N") from the summary line, and the JSONL file it wrote.
func benchRun(t *testing.T, e *env, providers string) (string, string) {
	t.Helper()
	out := filepath.Join(e.dir, strings.NewReplacer(":", "-", ",", "_").Replace(providers)+".jsonl")
	code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", "builtin:reasoning", "--providers", providers, "--no-cache", "--output", out)
	if code != 0 && code != 100 {
		t.Fatalf("bench %s: exit %d\n%s\n%s", providers, code, stdout, stderr)
	}
	m := regexp.MustCompile(`Run ([0-9a-f-]{36}) `).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no run id in:\n%s", stdout)
	}
	return m[1], out
}

// The check: the strong simulator against echo on a built-in suite
// is a regression one way and not the other, from stored runs and from
// exported files alike.
func TestAnalyzeGatesStrongAgainstEcho(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	strong, strongFile := benchRun(t, e, "simulator:sim-large")
	echo, echoFile := benchRun(t, e, "simulator:echo")
	tests := []struct {
		name       string
		base, comp string
		want       int
	}{
		{"runs, strong to echo", strong, echo, 2},
		{"runs, echo to strong", echo, strong, 0},
		{"run numbers", "#1", "2", 2},
		{"id prefixes", echo[:13], strong[:13], 0},
		{"files, strong to echo", strongFile, echoFile, 2},
		{"files, echo to strong", echoFile, strongFile, 0},
		{"file against run", echoFile, strong, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := e.run(t.Context(), "analyze", "--baseline", tt.base, "--comparison", tt.comp, "--fail-on-regression")
			if code != tt.want {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.want, stdout, stderr)
			}
			verdict := map[int]string{0: "NON-INFERIOR", 2: "REGRESSION"}[tt.want]
			if !strings.Contains(stdout, "Verdict       "+verdict) || !strings.Contains(stdout, "Paired cases  14") || stderr != "" {
				t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
	// Without --fail-on-regression a regression is reported and exits 0.
	code, stdout, _ := e.run(t.Context(), "analyze", "--baseline", strong, "--comparison", echo, "--json")
	var rep analysis.Report
	if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil {
		t.Fatalf("exit %d, %v:\n%s", code, err, stdout)
	}
	if rep.Verdict != "regression" || rep.N != 14 || rep.MeanDiff != -1 || rep.Worse != 14 || rep.McNemarP == nil ||
		rep.Baseline.Provider != "simulator:sim-large" || rep.Comparison.Provider != "simulator:echo" {
		t.Errorf("report %+v", rep)
	}
	var keys map[string]json.RawMessage
	json.Unmarshal([]byte(stdout), &keys)
	for _, k := range []string{"metric", "baseline", "comparison", "n", "mean_diff", "se", "confidence", "ci_low", "ci_high", "margin", "alpha",
		"lower_bound", "noninferiority_pvalue", "verdict", "worse", "better", "same", "paired_t_pvalue", "mcnemar_exact_pvalue", "wilcoxon_pvalue"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("JSON lacks key %q", k)
		}
	}
	checkGateOfMetrics(t, e, strong, echo)
}

// One run with both providers: the provider must be chosen, and then the
// run can be compared with itself.
// checkGateOfMetrics gates echo against strong on two metrics at once:
// both are regressions, so is the whole, and each difference stays
// significant after Holm's adjustment.
func checkGateOfMetrics(t *testing.T, e *env, strong, echo string) {
	t.Helper()
	code, stdout, stderr := e.run(t.Context(), "analyze", "--baseline", strong, "--comparison", echo, "--metric", "passed,score", "--json", "--fail-on-regression")
	var g analysis.Gate
	if err := json.Unmarshal([]byte(stdout), &g); code != 2 || err != nil {
		t.Fatalf("exit %d, %v:\n%s\n%s", code, err, stdout, stderr)
	}
	if g.Verdict != "regression" || g.Correction != "holm" || len(g.Reports) != 2 {
		t.Fatalf("gate %+v", g)
	}
	for i, want := range []analysis.Metric{"passed", "score"} {
		r := g.Reports[i]
		if r.Metric != want || r.Verdict != "regression" || r.AdjustedP == nil || r.Significant == nil || !*r.Significant ||
			*r.AdjustedP < r.DifferenceP() || !strings.Contains(r.Reason, "beyond the margin") {
			t.Errorf("metric %s: %+v", want, r)
		}
	}
	code, stdout, _ = e.run(t.Context(), "analyze", "--baseline", echo, "--comparison", strong, "--metric", "passed,score", "--correction", "fdr_bh")
	if code != 0 || !strings.Contains(stdout, "ADJUSTED P (fdr_bh)") || !strings.Contains(stdout, "Overall") || !strings.Contains(stdout, "NON-INFERIOR") {
		t.Errorf("echo to strong on two metrics: exit %d\n%s", code, stdout)
	}
	code, _, stderr = e.run(t.Context(), "analyze", "--baseline", echo, "--comparison", strong, "--metric", "passed,passed")
	if code != 3 || !strings.Contains(stderr, "passed given twice") {
		t.Errorf("a metric twice: exit %d, %s", code, stderr)
	}
}

func TestAnalyzeChoosesProviders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	both, file := benchRun(t, e, "simulator:sim-large,simulator:echo")
	code, _, stderr := e.run(t.Context(), "analyze", "--baseline", both, "--comparison", file)
	if code != 4 || !strings.Contains(stderr, "simulator:echo, simulator:sim-large") || !strings.Contains(stderr, "--baseline-provider") {
		t.Errorf("exit %d, want 4 listing the providers:\n%s", code, stderr)
	}
	args := []string{"analyze", "--baseline", both, "--comparison", file, "--fail-on-regression", "--metric", "score"}
	code, stdout, stderr := e.run(t.Context(), append(args, "--baseline-provider", "simulator:sim-large", "--comparison-provider", "simulator:echo")...)
	if code != 2 || !strings.Contains(stdout, "Wilcoxon") {
		t.Errorf("exit %d, want 2\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = e.run(t.Context(), append(args, "--baseline-provider", "simulator:nope", "--comparison-provider", "simulator:echo")...)
	if code != 4 || !strings.Contains(stderr, `no results from provider "simulator:nope"`) {
		t.Errorf("exit %d, want 4:\n%s", code, stderr)
	}
}

func TestAnalyzeRefusesBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	run, file := benchRun(t, e, "simulator:sim-large")
	oneCase := e.write("one.jsonl", `{"case_id":"percent","prompt_id":"default","provider":"simulator:sim-large","passed":true}`+"\n")
	badLine := e.write("bad.jsonl", `{"case_id":"percent","prompt_id":"default","provider":"x"}`+"\nnot json\n")
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no comparison", []string{"--baseline", run}, 3, "--comparison is required"},
		{"alpha too large", []string{"--baseline", run, "--comparison", file, "--alpha", "0.5"}, 3, "--alpha"},
		{"negative margin", []string{"--baseline", run, "--comparison", file, "--margin", "-1"}, 3, "--margin"},
		{"unknown run", []string{"--baseline", "#99", "--comparison", file}, 4, "--baseline: run reference"},
		{"missing file", []string{"--baseline", run, "--comparison", filepath.Join(e.dir, "gone.jsonl")}, 4, "not found"},
		{"bad line", []string{"--baseline", run, "--comparison", badLine}, 4, "bad.jsonl:2:"},
		{"one case in common", []string{"--baseline", run, "--comparison", oneCase}, 4, "at least 2"},
		{"unknown assertion", []string{"--baseline", run, "--comparison", file, "--metric", "nope"}, 4, "assertions present: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := e.run(t.Context(), append([]string{"analyze"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, want %d with %q:\n%s", code, tt.code, tt.msg, stderr)
			}
		})
	}
	if code, stdout, _ := e.run(t.Context(), "analyze", "--baseline", run, "--comparison", file, "--fail-on-regression"); code != 0 {
		t.Errorf("a run against its own export: exit %d\n%s", code, stdout)
	}
}

// Repetitions are averaged per case: n stays the number of cases.
func TestAnalyzeAveragesRepetitions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	once, _ := benchRun(t, e, "simulator:sim-large")
	code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", "builtin:reasoning", "--providers", "simulator:sim-large", "--no-cache", "--repeat", "3")
	if code != 0 {
		t.Fatalf("bench --repeat 3: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = e.run(t.Context(), "analyze", "--baseline", once, "--comparison", "#2", "--fail-on-regression", "--json")
	var rep analysis.Report
	if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s\n%s", code, err, stdout, stderr)
	}
	if rep.N != 14 || rep.Comparison.Results != 42 || !rep.Comparison.Repeated || rep.Baseline.Repeated || rep.McNemarP != nil || rep.Same != 14 {
		t.Errorf("report %+v", rep)
	}
}
