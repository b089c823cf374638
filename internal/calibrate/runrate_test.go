package calibrate

import (
	"context"
	"errors"
	"iter"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// fakeResults is a store.ResultReader over results in memory.
type fakeResults struct {
	results []bench.Result
	err     error // returned after the results
}

func (f fakeResults) Results(_ context.Context, runID string, _ store.ResultFilter) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		for _, r := range f.results {
			if r.RunID == runID && !yield(r, nil) {
				return
			}
		}
		if f.err != nil {
			yield(bench.Result{}, f.err)
		}
	}
}

func (fakeResults) Keys(context.Context, string, ...bench.Status) iter.Seq2[bench.Key, error] {
	return func(func(bench.Key, error) bool) {}
}

func (fakeResults) Totals(context.Context, ...string) (map[string]bench.Totals, error) {
	return nil, nil
}

var _ store.ResultReader = fakeResults{}

func result(run string, scores map[string]bench.Score) bench.Result {
	return bench.Result{RunID: run, Scores: scores}
}

func TestReadRunRate(t *testing.T) {
	t.Parallel()
	judged := func(pass bool, judge string) bench.Score {
		return bench.Score{Score: map[bool]float64{true: 1}[pass], Pass: pass, Judge: &bench.JudgeInfo{Provider: judge}}
	}
	rs := fakeResults{results: []bench.Result{
		result("r1", map[string]bench.Score{"llm-rubric": judged(true, "openai:gpt-x"), "contains": {Pass: false}}),
		result("r1", map[string]bench.Score{"llm-rubric": judged(false, "openai:gpt-x")}),
		result("r1", map[string]bench.Score{"llm-rubric": judged(true, "anthropic:claude-y")}),
		result("r1", map[string]bench.Score{"llm-rubric": bench.Unscored("judge reply unreadable", "??")}),
		result("r1", nil), // a failed call: no scores
		result("r2", map[string]bench.Score{"llm-rubric": judged(true, "openai:gpt-x")}),
	}}
	got, err := ReadRunRate(t.Context(), rs, "r1", "llm-rubric")
	if err != nil {
		t.Fatal(err)
	}
	want := &RunRate{Run: "r1", Metric: "llm-rubric", Results: 5, Missing: 1, Passed: 2, Scored: 3, Unscored: 1,
		Judges: []string{"anthropic:claude-y", "openai:gpt-x"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rate (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		name, run, metric, want string
		rs                      fakeResults
	}{
		{"no such metric", "r1", "g-eval", `run r1 has no score named "g-eval" in its 5 results (scores it has: contains, llm-rubric)`, rs},
		{"empty run", "r9", "llm-rubric", "scores it has: none", rs},
		{"all unscored", "r1", "x", `all 1 verdicts of "x" are unscored`, fakeResults{results: []bench.Result{result("r1", map[string]bench.Score{"x": bench.Unscored("no", "")})}}},
		{"store fails", "r1", "llm-rubric", "read results of run r1: disk gone", fakeResults{results: rs.results, err: errors.New("disk gone")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadRunRate(t.Context(), tc.rs, tc.run, tc.metric)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestReportCorrect checks the correction of a report, its refusals, and
// that the table shows naive and corrected rates side by side.
func TestReportCorrect(t *testing.T) {
	t.Parallel()
	set := &Set{File: "x.jsonl", Kind: Graded, Labels: BinaryLabels}
	var verdicts []bench.Score
	addItems := func(label float64, pass bool, n int) {
		for range n {
			set.Items = append(set.Items, Item{ID: "i", Kind: Graded, Labels: BinaryLabels, Label: label})
			verdicts = append(verdicts, bench.Score{Pass: pass})
		}
	}
	addItems(1, true, 153)
	addItems(1, false, 27)
	addItems(0, false, 90)
	addItems(0, true, 30)
	r := Build(set, verdicts, "llm-rubric", "openai:gpt-x", 0)
	rate := &RunRate{Run: "r1", Metric: "llm-rubric", Results: 1000, Passed: 610, Scored: 1000, Judges: []string{"openai:gpt-y"}}
	if err := r.Correct(rate, 4000, 3); err != nil {
		t.Fatal(err)
	}
	c := r.Correction
	if !near(c.Corrected.Value, 0.6, 1e-12) || !near(c.Naive.Value, 0.61, 1e-12) || c.Run != "r1" || c.Draws != 4000 {
		t.Fatalf("correction %+v", c)
	}
	var b strings.Builder
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Naive (as the judge scored it)   0.610 [",
		"Corrected for the judge's error  0.600 [",
		"Sensitivity (TPR)  0.850 [", "153 of 180 human passes",
		"Warning: the run's verdicts name the judge openai:gpt-y, this calibration measured openai:gpt-x",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}

	numeric := &Report{Labels: NumericLabels, Numeric: &NumericReport{}}
	if err := numeric.Correct(rate, 4000, 1); err == nil || !strings.Contains(err.Error(), "needs true/false labels") {
		t.Errorf("numeric labels: %v", err)
	}
	chance := Build(&Set{Kind: Graded, Labels: BinaryLabels, Items: set.Items[:2]}, []bench.Score{{Pass: true}, {Pass: false}}, "t", "j", 0)
	chance.Binary.Confusion = Binary{TP: 5, FN: 5, FP: 5, TN: 5}
	if err := chance.Correct(rate, 4000, 1); !errors.Is(err, ErrChanceJudge) {
		t.Errorf("chance judge: %v", err)
	}
}
