package analysis_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

// Two metrics: one shows a loss, one does not. The gate is a regression
// because one metric is, and the tests of a difference are adjusted by
// Holm's step-down rule, computed here by hand.
func TestCompareMetricsGatesEachAndAdjustsAcross(t *testing.T) {
	t.Parallel()
	all := func(int) bool { return true }
	bLoss, cLoss := pairs(t, bools(30, all), bools(30, func(i int) bool { return i%3 != 0 }))
	bSame, cSame := pairs(t, bools(30, all), bools(30, func(i int) bool { return i != 7 }))
	metrics := []analysis.Metric{analysis.MetricPassed, analysis.MetricPassed}
	g, err := analysis.CompareMetrics(metrics, []*analysis.Side{bLoss, bSame}, []*analysis.Side{cLoss, cSame}, opts, analysis.CorrectionHolm)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Regression() || g.Reports[0].Verdict != analysis.VerdictRegression {
		t.Fatalf("gate %s, first metric %s: want both regressions", g.Verdict, g.Reports[0].Verdict)
	}
	p0, p1 := g.Reports[0].DifferenceP(), g.Reports[1].DifferenceP()
	if !(p0 < p1) {
		t.Fatalf("p-values %v, %v: want the loss's smaller", p0, p1)
	}
	want0, want1 := min(1, 2*p0), min(1, max(2*p0, p1))
	if !near(*g.Reports[0].AdjustedP, want0) || !near(*g.Reports[1].AdjustedP, want1) {
		t.Errorf("adjusted %v, %v; want Holm's %v, %v", *g.Reports[0].AdjustedP, *g.Reports[1].AdjustedP, want0, want1)
	}
	if !*g.Reports[0].Significant || *g.Reports[1].Significant {
		t.Errorf("significant %v, %v; want the loss only", *g.Reports[0].Significant, *g.Reports[1].Significant)
	}
	var buf bytes.Buffer
	if err := analysis.WriteGate(&buf, g); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, "ADJUSTED P (holm)") || !strings.Contains(out, " *") || !strings.Contains(out, "REGRESSION") {
		t.Errorf("table:\n%s", out)
	}

	// Without the loss, the gate passes: non-inferiority needs every metric.
	g, err = analysis.CompareMetrics(metrics, []*analysis.Side{bSame, bSame}, []*analysis.Side{bSame, bSame}, opts, analysis.CorrectionNone)
	if err != nil || g.Regression() {
		t.Errorf("identical sides: %v, %+v", err, g)
	}
	if _, err := analysis.CompareMetrics(metrics, []*analysis.Side{bSame}, []*analysis.Side{cSame, cSame}, opts, analysis.CorrectionHolm); err == nil {
		t.Error("one baseline for two metrics: want an error")
	}
	if _, err := analysis.CompareMetrics(metrics, []*analysis.Side{bSame, bSame}, []*analysis.Side{cSame, cSame}, opts, "bonferroni"); err == nil {
		t.Error("an unknown correction: want an error")
	}
}

// A graded metric's report carries the paired Cohen's d of the per-case
// differences (mean/sd, by hand here); pass/fail has none.
func TestCompareEffectSize(t *testing.T) {
	t.Parallel()
	base := []float64{0.9, 0.8, 0.7, 0.6}
	comp := []float64{0.8, 0.8, 0.5, 0.6} // differences −0.1, 0, −0.2, 0
	var rb, rc []bench.Result
	for i := range base {
		c := string(rune('a' + i))
		rb, rc = append(rb, scored(c, base[i], nil)), append(rc, scored(c, comp[i], nil))
	}
	o := opts
	o.Metric = analysis.MetricScore
	r, err := analysis.Compare(collect(t, o.Metric, "", rb...), collect(t, o.Metric, "", rc...), o)
	if err != nil {
		t.Fatal(err)
	}
	m := -0.075
	sd := math.Sqrt((0.025*0.025 + 0.075*0.075 + 0.125*0.125 + 0.075*0.075) / 3)
	if r.CohenD == nil || !near(*r.CohenD, m/sd) {
		t.Errorf("Cohen's d %v, want %v", r.CohenD, m/sd)
	}
	b, c := pairs(t, bools(10, func(int) bool { return true }), bools(10, func(i int) bool { return i > 2 }))
	if r, err := analysis.Compare(b, c, opts); err != nil || r.CohenD != nil {
		t.Errorf("passed: Cohen's d %v (%v), want none", r.CohenD, err)
	}
}
