package cli_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// echoSuite's cases all pass against a model that echoes the prompt.
const echoSuite = `name: words
test_cases:
  - {id: a, prompt: alpha, assert: [{type: equals, value: alpha}]}
  - {id: b, prompt: beta, assert: [{type: equals, value: beta}]}
  - {id: c, prompt: gamma, assert: [{type: equals, value: gamma}]}
`

// changedSuite flips case a's verdict, keeps b's and drops case c.
const changedSuite = `name: words
test_cases:
  - {id: a, prompt: alpha, assert: [{type: equals, value: ALPHA}]}
  - {id: b, prompt: beta, assert: [{type: equals, value: beta}]}
  - {id: d, prompt: delta, assert: [{type: equals, value: delta}]}
`

var runLine = regexp.MustCompile(`Run ([0-9a-f-]{36}) (\w+): `)

// runResults reads a run and its results by case id from the store.
func runResults(t *testing.T, e *env, id string) (bench.Run, map[string]bench.Result) {
	t.Helper()
	var run bench.Run
	out := map[string]bench.Result{}
	e.seed(func(ctx context.Context, st store.Store) {
		r, err := st.GetRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		run = *r
		for res, err := range st.Results(ctx, id, store.ResultFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			out[res.CaseID+"/"+res.Provider] = res
		}
	})
	return run, out
}

// TestEvalRunRescoresWithoutCallingTheModel benches a suite against a
// counting server, changes the suite's assertions and re-scores the run:
// the verdicts follow the new assertions, the answers are the old ones, the
// server gets no call, and the old run is left as it was.
func TestEvalRunRescoresWithoutCallingTheModel(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, simulator.Config{Policy: simulator.PolicyEcho, Seed: 1})
	e := newEnv(t, "OPENAI_API_KEY=sk-test-not-a-real-key", "LTB_PROVIDERS__OPENAI__BASE_URL="+srv.URL+"/v1")
	suite := e.write("words.yaml", echoSuite)
	const prov = "openai:gpt-4o-mini"
	code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", suite, "--providers", prov, "--no-cache")
	if code != 0 {
		t.Fatalf("bench: exit %d\n%s\n%s", code, stdout, stderr)
	}
	oldID := runLine.FindStringSubmatch(stdout)[1]
	calls := srv.requests()
	// A failed call in the old run: copied, never scored.
	e.seed(func(ctx context.Context, st store.Store) {
		err := st.WriteResults(ctx, []bench.Result{{ID: "failed-1", RunID: oldID, CaseID: "b", PromptID: "default", Provider: "openai:other",
			Status: bench.StatusError, Error: &bench.ErrorInfo{Kind: "transient", Message: "boom"}, CreatedAt: store.Now()}})
		if err != nil {
			t.Fatal(err)
		}
	})
	_, before := runResults(t, e, oldID)

	// The suite changes in place: the run's saved dataset is read again.
	e.write("words.yaml", changedSuite)
	code, stdout, stderr = e.run(t.Context(), "eval", "--run", "#1")
	if code != 100 {
		t.Fatalf("eval: exit %d, want 100 (case a now fails)\n%s\n%s", code, stdout, stderr)
	}
	if n := srv.requests(); n != calls {
		t.Errorf("eval made %d model calls", n-calls)
	}
	if !strings.Contains(stdout, "Scored 2 answers; copied 1 failed calls unscored; 1 answers have no case") {
		t.Errorf("eval does not account for every answer:\n%s", stdout)
	}
	m := runLine.FindStringSubmatch(stdout)
	if m == nil || m[2] != "completed" {
		t.Fatalf("no completed run in:\n%s", stdout)
	}
	run, got := runResults(t, e, m[1])
	if run.Name != "eval of #1" || run.Tags["rescored_from"] != oldID {
		t.Errorf("new run %q tags %v, want its source named", run.Name, run.Tags)
	}
	if tt := run.Totals; tt.Results != 4 || tt.Passed != 2 || tt.Failed != 2 || tt.Errored != 1 || tt.CostUSD != 0 {
		t.Errorf("new run totals %+v, want 4 results: b and the copied c pass, a and the failed call do not, no cost", tt)
	}
	for key, want := range map[string]bool{"a/" + prov: false, "b/" + prov: true, "c/" + prov: true, "b/openai:other": false} {
		r, ok := got[key]
		old := before[key]
		switch {
		case !ok:
			t.Errorf("%s: not in the new run", key)
		case r.Passed != want:
			t.Errorf("%s: passed %v, want %v (scores %v)", key, r.Passed, want, r.Scores)
		case r.ID == old.ID || r.Metadata["rescored_from"] != old.ID:
			t.Errorf("%s: id %s metadata %v, want a new id recording %s", key, r.ID, r.Metadata, old.ID)
		case r.Response != old.Response || r.LatencyMs != old.LatencyMs || r.Tokens != old.Tokens || r.Prompt != old.Prompt:
			t.Errorf("%s: the answer changed: %+v, was %+v", key, r, old)
		case r.Cost.Total != 0:
			t.Errorf("%s: cost %v, want 0: no model was called", key, r.Cost.Total)
		}
	}
	if s := got["a/"+prov].Scores["equals"]; s.Pass {
		t.Errorf("a's verdict %+v, want the new assertion's", s)
	}
	if got["c/"+prov].Metadata["rescore_no_case"] != true {
		t.Errorf("c: metadata %v, want it marked as having no case", got["c/"+prov].Metadata)
	}
	if got["b/openai:other"].Status != bench.StatusError || len(got["b/openai:other"].Scores) != 0 {
		t.Errorf("failed call: %+v, want it copied unscored", got["b/openai:other"])
	}
	oldRun, after := runResults(t, e, oldID)
	if len(after) != len(before) || !after["a/"+prov].Passed || oldRun.Totals.Passed != 3 {
		t.Errorf("the old run changed: %+v, %v", oldRun.Totals, after)
	}

	// --dataset points at another file: the original assertions pass again.
	orig := e.write("moved.yaml", echoSuite)
	code, stdout, stderr = e.run(t.Context(), "eval", "--run", oldID, "--dataset", orig, "--name", "moved")
	if code != 100 || !strings.Contains(stdout, "Scored 3 answers; copied 1 failed calls unscored\n") {
		t.Errorf("eval --dataset: exit %d, want 100 (the failed call), every answer scored\n%s\n%s", code, stdout, stderr)
	}
}

// TestEvalOutputs scores answers produced elsewhere; a bad line stops it
// before anything is stored and names the line.
func TestEvalOutputs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	suite := e.write("words.yaml", echoSuite)
	bad := e.write("bad.jsonl", `{"case_id": "a", "output": "alpha"}
{"case_id": "b", "output": "beta", "provider": "mine", "latency_ms": 12}

{"case_id": "zeta", "output": "x"}
{"case_id": "c", "answer": "gamma"}
{"case_id": "a", "output": "again"}
`)
	code, stdout, stderr := e.run(t.Context(), "eval", "--outputs", bad, "--dataset", suite)
	if code != 4 {
		t.Fatalf("bad outputs: exit %d, want 4\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{`bad.jsonl:4: case "zeta" is not in the datasets`, `bad.jsonl:5: not an answer line`, "bad.jsonl:6: the same case, prompt, provider and repetition as line 1"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	e.seed(func(ctx context.Context, st store.Store) {
		if runs, err := st.ListRuns(ctx, store.RunFilter{}); err != nil || len(runs) != 0 {
			t.Errorf("a bad outputs file stored runs %v (%v)", runs, err)
		}
	})

	good := e.write("answers.jsonl", `{"case_id": "a", "output": "alpha"}
{"case_id": "b", "output": "beta", "provider": "mine", "latency_ms": 12}
{"case_id": "c", "output": "not gamma", "repetition": 1}
`)
	code, stdout, stderr = e.run(t.Context(), "eval", "--outputs", good, "--dataset", suite)
	if code != 100 {
		t.Fatalf("outputs: exit %d, want 100 (c fails)\n%s\n%s", code, stdout, stderr)
	}
	m := runLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no run in:\n%s", stdout)
	}
	run, got := runResults(t, e, m[1])
	if run.Name != "eval of answers.jsonl" || run.Totals.Results != 3 || run.Totals.Passed != 2 {
		t.Errorf("run %q totals %+v", run.Name, run.Totals)
	}
	for key, want := range map[string]bool{"a/external": true, "b/mine": true, "c/external": false} {
		r, ok := got[key]
		if !ok || r.Passed != want || r.Status != bench.StatusSuccess || r.Prompt == "" {
			t.Errorf("%s: %+v, want passed %v with its rendered prompt", key, r, want)
		}
	}
	if r := got["b/mine"]; r.LatencyMs != 12 || r.Metadata["outputs_line"] != "answers.jsonl:2" {
		t.Errorf("b: latency %v metadata %v", r.LatencyMs, r.Metadata)
	}
	if got["c/external"].Repetition != 1 {
		t.Errorf("c: repetition %d, want 1", got["c/external"].Repetition)
	}
}

func TestEvalFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	suite := e.write("words.yaml", echoSuite)
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"eval"}, 3},
		{[]string{"eval", "--run", "1", "--outputs", "x.jsonl"}, 3},
		{[]string{"eval", "--run", "1", "--provider", "p"}, 3},
		{[]string{"eval", "--outputs", "x.jsonl"}, 3},
		{[]string{"eval", "--run", "#9"}, 4},
		{[]string{"eval", "--outputs", filepath.Join(e.dir, "missing.jsonl"), "--dataset", suite}, 4},
		{[]string{"eval", "--outputs", suite, "--dataset", filepath.Join(e.dir, "missing.yaml")}, 4},
	} {
		if code, stdout, stderr := e.run(t.Context(), tc.args...); code != tc.want {
			t.Errorf("%v: exit %d, want %d\n%s\n%s", tc.args, code, tc.want, stdout, stderr)
		}
	}
}

// judgedBench is the judges suite's rubric and side-by-side cases with no
// assertion: the run the judges will later score.
const judgedBench = `name: judges
test_cases:
  - {id: rubric-ok, prompt: "#case-rubric-ok Capital of France?", expected: Paris}
  - {id: best, prompt: "#case-best Capital of France?", expected: Paris}
`

// TestEvalRunCallsJudges re-scores a run with model-graded assertions
// added since: the scripted simulator judge grades the stored answers, one
// judged alone and one side by side, and its calls are recorded.
func TestEvalRunCallsJudges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.write("judges.toml", judgeConfig)
	suite := e.write("judges.yaml", judgedBench)
	code, stdout, stderr := e.run(t.Context(), "--config", cfg, "bench", "--dataset", suite, "--providers", "simulator:good,simulator:echo")
	if code != 0 {
		t.Fatalf("bench: exit %d\n%s\n%s", code, stdout, stderr)
	}
	e.write("judges.yaml", judgedBench[:strings.Index(judgedBench, "test_cases")]+`test_cases:
  - {id: rubric-ok, prompt: "#case-rubric-ok Capital of France?", expected: Paris, assert: [{type: llm-rubric, value: names the capital}]}
  - {id: best, prompt: "#case-best Capital of France?", expected: Paris, assert: [{type: select-best, value: names the capital}]}
`)
	code, stdout, stderr = e.run(t.Context(), "--config", cfg, "eval", "--run", "1")
	if code != 100 {
		t.Fatalf("eval: exit %d, want 100 (echo loses)\n%s\n%s", code, stdout, stderr)
	}
	m := runLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no run in:\n%s", stdout)
	}
	run, got := runResults(t, e, m[1])
	const good, echo = "simulator:good", "simulator:echo"
	if s := got["rubric-ok/"+good].Scores["llm-rubric"]; !s.Pass || s.Judge == nil || s.Judge.Provider != "judge:j" {
		t.Errorf("rubric: %+v, want the judge's pass", s)
	}
	if n, _ := got["rubric-ok/"+good].Metadata["judge_calls"].(float64); n != 1 {
		t.Errorf("rubric metadata %v, want one judge call", got["rubric-ok/"+good].Metadata)
	}
	if w, l := got["best/"+good].Scores["select-best"], got["best/"+echo].Scores["select-best"]; w.Score != 1 || !w.Pass || l.Score != 0 {
		t.Errorf("select-best: winner %+v, loser %+v", w, l)
	}
	if run.Totals.JudgeCalls < 3 || run.Totals.Passed != 3 {
		t.Errorf("totals %+v, want the judge calls counted and 3 passes", run.Totals)
	}
}
