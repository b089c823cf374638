package analysis_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

// CollectEach in one pass gives every provider the Side that Collect gives
// it alone, sorted by provider; errors are Collect's.
func TestCollectEachMatchesCollect(t *testing.T) {
	t.Parallel()
	unscored := res("sim:b", "c3", 0, false)
	unscored.Scores = map[string]bench.Score{"judge": {Unscored: true}}
	errored := res("sim:a", "c2", 1, false)
	errored.Status = bench.StatusError
	rs := []bench.Result{
		res("sim:b", "c1", 0, true), res("sim:a", "c1", 0, true), res("sim:a", "c2", 0, true), errored,
		res("sim:b", "c2", 0, false), unscored, res("sim:a", "c3", 0, false),
	}
	for _, m := range []analysis.Metric{analysis.MetricPassed, analysis.MetricScore} {
		got, err := analysis.CollectEach(context.Background(), "src", seq(rs...), m)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		want := []*analysis.Side{collect(t, m, "sim:a", rs...), collect(t, m, "sim:b", rs...)}
		if d := cmp.Diff(want, got, cmpopts.IgnoreUnexported(analysis.Side{})); d != "" {
			t.Errorf("%s (-Collect +CollectEach):\n%s", m, d)
		}
		// The per-case sums are the same too: the matrix built from them is.
		labels := []string{"a", "b"}
		opt := analysis.MatrixOptions{Metric: m, Correction: analysis.CorrectionHolm, Alpha: 0.05}
		mw, errW := analysis.CompareMatrix(want, labels, opt)
		mg, errG := analysis.CompareMatrix(got, labels, opt)
		if d := cmp.Diff(mw, mg); d != "" || (errW == nil) != (errG == nil) {
			t.Errorf("%s matrix (-Collect +CollectEach):\n%s %v %v", m, d, errW, errG)
		}
	}
}

func TestCollectEachErrors(t *testing.T) {
	t.Parallel()
	var ie *analysis.InputError
	if _, err := analysis.CollectEach(context.Background(), "run #1", seq(), analysis.MetricPassed); !errors.As(err, &ie) {
		t.Errorf("no results: %v, want an InputError", err)
	}
	_, err := analysis.CollectEach(context.Background(), "run #1", seq(res("sim:a", "c1", 0, true), res("sim:b", "c1", 0, true)), "judge")
	if !errors.As(err, &ie) || !analysis.IsInputError(err) {
		t.Errorf("no value for the metric: %v, want an InputError", err)
	}
	if _, err := analysis.CollectEach(context.Background(), "run #1", seq(), ""); err == nil {
		t.Error("empty metric accepted")
	}
}
