package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/calibrate"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// echoContains is a judge-graded assertion type for these tests: it sends
// the expected answer and the answer to its judge and passes when the
// judge's reply (the built-in simulator's echo model sends it back) has
// the expected text in the answer. An empty answer is unscored. So its
// verdicts come from real judge calls, through the session's judges, and
// are known in advance.
const echoContains = "calibtest-echo-contains"

const echoSep = "\n<<answer>>\n"

type echoContainsType struct{}

func (echoContainsType) Uses() eval.Uses { return eval.UsesJudge }

func (echoContainsType) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if in.Output == "" {
		return bench.Unscored("nothing to grade: the answer is empty", ""), nil
	}
	if in.Judges == nil {
		return bench.Unscored("no judges", ""), nil
	}
	j, err := in.Judges.Judge(ctx, a.Provider)
	if err != nil {
		return bench.Unscored(err.Error(), ""), nil
	}
	r, err := j.Complete(ctx, provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: in.Case.Expected + echoSep + in.Output}}})
	if err != nil {
		return bench.Unscored(err.Error(), ""), nil
	}
	info := &bench.JudgeInfo{Provider: j.ID(), Calls: 1}
	exp, out, ok := strings.Cut(r.Text, echoSep)
	if !ok {
		return bench.Score{Unscored: true, Reason: "unreadable reply", Raw: r.Text, Judge: info}, nil
	}
	pass := strings.Contains(strings.ToLower(out), strings.ToLower(exp))
	return bench.Score{Score: map[bool]float64{true: 1}[pass], Pass: pass, Judge: info}, nil
}

func init() { eval.Register(echoContains, echoContainsType{}) }

// fastSimulator makes the simulator answer at once.
const fastSimulator = "[providers.simulator.options]\nttft = \"none\"\ntokens_per_sec = 1000000\n"

func calibrateJSON(t *testing.T, stdout string) calibrate.Report {
	t.Helper()
	var r calibrate.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("--json output is not a report: %v\n%s", err, stdout)
	}
	return r
}

// TestJudgeCalibrateEndToEnd grades the shipped graded set with the
// simulator's echo model as the judge, then corrects a stored run's pass
// rate. The judge passes 9 of the 11 human passes and 2 of the 8 human
// fails and cannot grade the empty answer (see internal/calibrate).
func TestJudgeCalibrateEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.write("ltb.toml", fastSimulator)
	set := e.write("graded.jsonl", string(readFile(t, "../calibrate/testdata/graded.jsonl")))
	base := []string{"--config", cfg, "judge", "calibrate", "--dataset", set, "--judge", "simulator:echo", "--type", echoContains, "--no-cache"}

	code, stdout, stderr := e.run(t.Context(), append(base, "--json")...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	r := calibrateJSON(t, stdout)
	if r.Items != 20 || r.Scored != 19 || r.Unscored != 1 || r.Judge != "simulator:echo" || r.Type != echoContains || r.Binary == nil {
		t.Fatalf("report %+v", r)
	}
	if diff := cmp.Diff(calibrate.Binary{TP: 9, FN: 2, FP: 2, TN: 6}, r.Binary.Confusion); diff != "" {
		t.Errorf("confusion (-want +got):\n%s", diff)
	}
	if k := r.Binary.Kappa; k == nil || math.Abs(k.Value-0.5681818181818182) > 1e-9 {
		t.Errorf("kappa %+v, want 0.568 (statsmodels)", k)
	}
	if len(r.UnscoredReasons) != 1 || r.UnscoredReasons[0].FirstItem != "river" {
		t.Errorf("unscored reasons %+v", r.UnscoredReasons)
	}

	// A run judged by the same type and judge: 7 of its 10 answers (the
	// echo model repeats the prompt) contain the expected text.
	var cases strings.Builder
	for i := range 10 {
		answer := fmt.Sprintf("the code is %d", 100+i)
		if i >= 7 {
			answer = "no idea"
		}
		fmt.Fprintf(&cases, "  - {id: c%d, prompt: %q, expected: \"%d\", assert: [{type: %s, provider: \"simulator:echo\"}]}\n", i, answer, 100+i, echoContains)
	}
	suite := e.write("suite.yaml", "name: judged\ntest_cases:\n"+cases.String())
	code, stdout, stderr = e.run(t.Context(), "--config", cfg, "bench", "--dataset", suite, "--providers", "simulator:echo", "--no-cache")
	if code != 100 {
		t.Fatalf("bench: exit %d, want 100 (three cases fail)\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	m := regexp.MustCompile(`Run (\S+) completed: 10 results, 7 passed`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no run summary in:\n%s", stdout)
	}

	code, stdout, stderr = e.run(t.Context(), append(base, "--json", "--run", m[1], "--seed", "5")...)
	if code != 0 {
		t.Fatalf("with --run: exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	c := calibrateJSON(t, stdout).Correction
	if c == nil {
		t.Fatalf("no correction in %s", stdout)
	}
	// q = 0.7, Se = 9/11, Sp = 6/8: p = (0.7 + 0.75 − 1) / (9/11 + 0.75 − 1) = 0.792.
	if c.Run != m[1] || c.Metric != echoContains || c.Scored != 10 || c.Passed != 7 || c.Unscored != 0 ||
		math.Abs(c.Naive.Value-0.7) > 1e-12 || math.Abs(c.Corrected.Value-0.45/(9.0/11-0.25)) > 1e-12 ||
		c.Corrected.Lo >= c.Corrected.Value || c.Corrected.Hi <= c.Corrected.Value || c.Seed != 5 ||
		!slices.Contains(c.Judges, "simulator:echo") {
		t.Errorf("correction %+v", c)
	}

	// The table shows the same, naive and corrected side by side.
	code, stdout, _ = e.run(t.Context(), append(base, "--run", m[1])...)
	for _, want := range []string{"Judge simulator:echo (" + echoContains + ")", "Items              20 (19 scored, 1 unscored)",
		"Sensitivity (TPR)  0.818 [0.523, 0.949]", "1× nothing to grade: the answer is empty (first: item river)",
		"Naive (as the judge scored it)   0.700 [", "Corrected for the judge's error  0.792 ["} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("exit %d; table lacks %q:\n%s", code, want, stdout)
		}
	}
}

// TestJudgeCalibrateRefuses checks the exit codes and messages of what
// cannot be calibrated, and that nothing is reported for them.
func TestJudgeCalibrateRefuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.write("ltb.toml", fastSimulator)
	graded := e.write("graded.jsonl", string(readFile(t, "../calibrate/testdata/graded.jsonl")))
	pairwise := e.write("pairwise.json", string(readFile(t, "../calibrate/testdata/pairwise.json")))
	scores := e.write("scores.jsonl", string(readFile(t, "../calibrate/testdata/scores.jsonl")))
	bad := e.write("bad.jsonl", `{"input":"q","output":"o","label":true}`+"\n"+`{"input":"q","output":"o","label":"yes"}`+"\n")
	// The judge passes the first and third, whatever the label: no better than chance.
	chance := e.write("chance.jsonl", `{"input":"q","expected":"a","output":"a","label":true}
{"input":"q","expected":"a","output":"b","label":true}
{"input":"q","expected":"a","output":"a","label":false}
{"input":"q","expected":"a","output":"b","label":false}
`)
	judge := []string{"--judge", "simulator:echo", "--type", echoContains, "--no-cache"}
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		stderr     string
		wantStdout string // "" : nothing on stdout
	}{
		{"no dataset", []string{}, 3, `required flag(s) "dataset" not set`, ""},
		{"malformed set", []string{"--dataset", bad}, 4, bad + `:2: "label" must be true, false or a number, not "yes"`, ""},
		{"missing set", []string{"--dataset", e.dir + "/none.jsonl"}, 4, "none.jsonl", ""},
		{"unknown type", []string{"--dataset", graded, "--type", "no-such"}, 3, `unknown assertion type "no-such"`, ""},
		{"one-answer type on pairs", []string{"--dataset", pairwise, "--type", echoContains}, 3, "needs a type that compares answers", ""},
		{"judge that cannot be built", []string{"--dataset", graded, "--type", echoContains, "--judge", "nosuchvendor:x"}, 3, `--judge: judge nosuchvendor:x`, ""},
		{"bad concurrency", append([]string{"--dataset", graded, "--concurrency", "0"}, judge...), 3, "concurrency: must be at least 1, got 0", ""},
		{"metric without run", append([]string{"--dataset", graded, "--metric", "x"}, judge...), 3, "--metric names a score of the run", ""},
		{"run with numeric labels", append([]string{"--dataset", scores, "--run", "x"}, judge...), 3, "correcting a pass rate needs a set with true/false labels", ""},
		{"unknown run", append([]string{"--dataset", graded, "--run", "zzzzzzzz"}, judge...), 4, `run reference "zzzzzzzz": not found`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := e.run(t.Context(), append([]string{"--config", cfg, "judge", "calibrate"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) || stdout != "" {
				t.Errorf("exit %d, want %d; stderr %q, want it to contain %q; stdout %q", code, tc.code, stderr, tc.stderr, stdout)
			}
		})
	}

	// A judge no better than chance: the calibration is reported, the
	// correction refused.
	code, stdout, _ := e.run(t.Context(), "--config", cfg, "bench", "--dataset", "builtin:reasoning", "--providers", "simulator:echo", "--no-cache")
	m := regexp.MustCompile(`Run (\S+) `).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("bench exit %d, no run in:\n%s", code, stdout)
	}
	metric := firstMetric(t, e, cfg, m[1])
	code, stdout, stderr := e.run(t.Context(), append([]string{"--config", cfg, "judge", "calibrate", "--dataset", chance, "--run", m[1], "--metric", metric}, judge...)...)
	if code != 4 || !strings.Contains(stderr, "judge no better than chance") || !strings.Contains(stdout, "Specificity (TNR)  0.500") {
		t.Errorf("chance judge: exit %d, want 4\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
}

// firstMetric is the name of a score of the run's first result.
func firstMetric(t *testing.T, e *env, cfg, run string) string {
	t.Helper()
	code, stdout, stderr := e.run(t.Context(), "--config", cfg, "runs", "export", run)
	if code != 0 {
		t.Fatalf("runs export: exit %d: %s", code, stderr)
	}
	var r bench.Result
	if err := json.Unmarshal([]byte(strings.SplitN(stdout, "\n", 2)[0]), &r); err != nil {
		t.Fatal(err)
	}
	for name := range r.Scores {
		return name
	}
	t.Fatal(errors.New("the run's first result has no scores"))
	return ""
}

// TestJudgeCalibrateSimulate checks that --simulate needs no key: the
// judge's calls go to the built-in simulator.
func TestJudgeCalibrateSimulate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.write("ltb.toml", fastSimulator)
	graded := e.write("graded.jsonl", string(readFile(t, "../calibrate/testdata/graded.jsonl")))
	code, stdout, stderr := e.run(t.Context(), "--config", cfg, "judge", "calibrate", "--dataset", graded, "--judge", "openai:gpt-4o-mini",
		"--type", echoContains, "--simulate", "--json")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	if r := calibrateJSON(t, stdout); r.Items != 20 || r.Scored+r.Unscored != 20 {
		t.Errorf("report %+v", r)
	}
}
