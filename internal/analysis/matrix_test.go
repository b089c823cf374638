package analysis_test

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

// mxPassing is a column of provider p over cases c0..c(n−1) that passes
// the cases for which pass is true.
func mxPassing(t *testing.T, p string, n int, pass func(int) bool) *analysis.Side {
	t.Helper()
	rs := make([]bench.Result, n)
	for i := range rs {
		rs[i] = res(p, "c"+strconv.Itoa(i), 0, pass(i))
	}
	return collect(t, analysis.MetricPassed, "", rs...)
}

func mxCompare(t *testing.T, metric analysis.Metric, correction string, sides ...*analysis.Side) *analysis.Matrix {
	t.Helper()
	labels := make([]string, len(sides))
	for i, s := range sides {
		labels[i] = s.Provider
	}
	m, err := analysis.CompareMatrix(sides, labels, analysis.MatrixOptions{Metric: metric, Correction: correction, Alpha: 0.05})
	if err != nil {
		t.Fatalf("CompareMatrix: %v", err)
	}
	return m
}

// One column passes all 12 cases, the other two only c0 and c1. Each
// strong–weak pair has 10 discordant cases, all one way: McNemar's exact
// p = 2·0.5^10 = 1/512; the weak pair has none: p = 1. Holm: 3/512 for the
// smaller two (3·p, then the running maximum of 2·p), 1 for the last.
func TestMatrixNamesAClearWinner(t *testing.T) {
	t.Parallel()
	strong := mxPassing(t, "sim:strong", 12, func(int) bool { return true })
	weak1 := mxPassing(t, "sim:weak1", 12, func(i int) bool { return i < 2 })
	weak2 := mxPassing(t, "sim:weak2", 12, func(i int) bool { return i < 2 })
	m := mxCompare(t, analysis.MetricPassed, analysis.CorrectionHolm, weak1, strong, weak2)
	if m.Winner != 1 || m.Verdict != "winner: sim:strong" {
		t.Fatalf("winner %d %q, want 1 (sim:strong)", m.Winner, m.Verdict)
	}
	want := []struct {
		a, b     int
		diff, p  float64
		adj      float64
		sig      bool
		better   int
		testName string
	}{
		{0, 1, -10.0 / 12, 1.0 / 512, 3.0 / 512, true, 1, analysis.TestMcNemar},
		{0, 2, 0, 1, 1, false, -1, analysis.TestMcNemar},
		{1, 2, 10.0 / 12, 1.0 / 512, 3.0 / 512, true, 1, analysis.TestMcNemar},
	}
	if len(m.Pairs) != len(want) {
		t.Fatalf("%d pairs, want %d", len(m.Pairs), len(want))
	}
	for i, w := range want {
		p := m.Pairs[i]
		if p.A != w.a || p.B != w.b || p.N != 12 || !near(p.MeanDiff, w.diff) || !near(p.PValue, w.p) || !near(p.Adjusted, w.adj) ||
			p.Significant != w.sig || p.Better != w.better || p.Test != w.testName || p.CohenD != nil {
			t.Errorf("pair %d = %+v, want %+v", i, p, w)
		}
	}
	// Wilson with every case passed: [n/(n+z²), 1].
	z := 1.959963984540054
	c := m.Columns[1]
	if c.Interval != analysis.IntervalWilson || c.N != 12 || c.Mean != 1 || !near(*c.CILow, 12/(12+z*z)) || !near(*c.CIHigh, 1) {
		t.Errorf("strong column %+v [%v, %v]", c, *c.CILow, *c.CIHigh)
	}
	ci, _ := inference.ProportionCI(2, 12, 0.05)
	if c := m.Columns[0]; !near(c.Mean, 2.0/12) || *c.CILow != ci.Wilson[0] || *c.CIHigh != ci.Wilson[1] {
		t.Errorf("weak column %+v", c)
	}
}

// Two columns tied at the top (10 of 12 each, on different cases) both
// beat a third that passes nothing, but neither beats the other: no
// winner.
func TestMatrixTiedLeadersHaveNoWinner(t *testing.T) {
	t.Parallel()
	a := mxPassing(t, "sim:a", 12, func(i int) bool { return i < 10 })
	b := mxPassing(t, "sim:b", 12, func(i int) bool { return i >= 2 })
	none := mxPassing(t, "sim:none", 12, func(int) bool { return false })
	m := mxCompare(t, analysis.MetricPassed, analysis.CorrectionHolm, a, b, none)
	if m.Winner != -1 || m.Verdict != analysis.NoWinner {
		t.Fatalf("winner %d %q, want none", m.Winner, m.Verdict)
	}
	sig := []bool{false, true, true} // a–b, a–none, b–none
	for i, p := range m.Pairs {
		if p.Significant != sig[i] {
			t.Errorf("pair %d significant %v, want %v: %+v", i, p.Significant, sig[i], p)
		}
	}
	if p := m.Pairs[0]; p.PValue != 1 || p.MeanDiff != 0 || p.Better != -1 {
		t.Errorf("tied pair %+v", p)
	}
}

// A marginal difference that only survives without a correction. a passes
// c0..c9, b c2..c11, c c0..c1. Raw exact p: a–b 1 (2 and 2 discordant),
// a–c 2·0.5^8 = 1/128, b–c 2·P(X ≤ 2 | 12, ½) = 2·79/4096 = 158/4096.
// Holm: a–c 3/128, b–c max(2·158/4096, 3/128) = 316/4096 > 0.05.
// Benjamini–Hochberg: b–c 158/4096·3/2 = 237/4096 > 0.05.
func TestMatrixCorrectionChangesAMarginalResult(t *testing.T) {
	t.Parallel()
	a := mxPassing(t, "sim:a", 12, func(i int) bool { return i < 10 })
	b := mxPassing(t, "sim:b", 12, func(i int) bool { return i >= 2 })
	c := mxPassing(t, "sim:c", 12, func(i int) bool { return i < 2 })
	tests := []struct {
		correction string
		adj        []float64
		sig        []bool
	}{
		{analysis.CorrectionNone, []float64{1, 1.0 / 128, 158.0 / 4096}, []bool{false, true, true}},
		{analysis.CorrectionHolm, []float64{1, 3.0 / 128, 316.0 / 4096}, []bool{false, true, false}},
		{analysis.CorrectionBH, []float64{1, 3.0 / 128, 237.0 / 4096}, []bool{false, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.correction, func(t *testing.T) {
			t.Parallel()
			m := mxCompare(t, analysis.MetricPassed, tt.correction, a, b, c)
			for i, p := range m.Pairs {
				if !near(p.Adjusted, tt.adj[i]) || p.Significant != tt.sig[i] {
					t.Errorf("pair %d: adjusted %v significant %v, want %v %v", i, p.Adjusted, p.Significant, tt.adj[i], tt.sig[i])
				}
			}
			if m.Winner != -1 {
				t.Errorf("winner %d, want none", m.Winner)
			}
		})
	}
}

// Graded scores: Wilcoxon, the paired Cohen's d and t intervals. a scores
// 0.5..1.0 in steps of 0.1, b 0.4 on every case: d = 0.1..0.6, all
// positive, so the exact two-sided p = 2/2⁶ = 1/32; mean(d) = 0.35,
// sd(d) = √0.035, d = 0.35/√0.035. a's interval: 0.75 ± t_{.975,5}·√(0.035/6).
func TestMatrixGradedScores(t *testing.T) {
	t.Parallel()
	var ra, rb []bench.Result
	for i := range 6 {
		c := "c" + strconv.Itoa(i)
		ra = append(ra, scored(c, 0.5+0.1*float64(i), nil))
		rb = append(rb, scored(c, 0.4, nil))
	}
	for i := range rb {
		ra[i].Provider, rb[i].Provider = "sim:a", "sim:b"
	}
	sa := collect(t, analysis.MetricScore, "", ra...)
	sb := collect(t, analysis.MetricScore, "", rb...)
	m := mxCompare(t, analysis.MetricScore, analysis.CorrectionHolm, sb, sa)
	p := m.Pairs[0]
	if p.Test != analysis.TestWilcoxon || !near(p.PValue, 1.0/32) || !near(p.MeanDiff, -0.35) || p.Better != 1 || m.Winner != 1 {
		t.Errorf("pair %+v, winner %d", p, m.Winner)
	}
	if p.CohenD == nil || !near(*p.CohenD, -0.35/math.Sqrt(0.035)) {
		t.Errorf("Cohen's d %v, want %v", p.CohenD, -0.35/math.Sqrt(0.035))
	}
	half := 2.570581835636314 * math.Sqrt(0.035/6)
	if c := m.Columns[1]; c.Interval != analysis.IntervalT || !near(c.Mean, 0.75) || !near(*c.CILow, 0.75-half) || !near(*c.CIHigh, 0.75+half) {
		t.Errorf("column a %+v [%v, %v], want 0.75 ± %v", c, *c.CILow, *c.CIHigh, half)
	}
	if c := m.Columns[0]; !near(*c.CILow, 0.4) || !near(*c.CIHigh, 0.4) {
		t.Errorf("a constant column's interval [%v, %v], want [0.4, 0.4]", *c.CILow, *c.CIHigh)
	}
}

// Repetitions make "passed" graded per case: a t interval and Wilcoxon;
// identical columns have nothing to test.
func TestMatrixRepetitionsAndIdenticalColumns(t *testing.T) {
	t.Parallel()
	var rs []bench.Result
	for i := range 4 {
		c := "c" + strconv.Itoa(i)
		rs = append(rs, res("sim:a", c, 0, true), res("sim:a", c, 1, i%2 == 0))
	}
	a := collect(t, analysis.MetricPassed, "", rs...)
	b := collect(t, analysis.MetricPassed, "", rs...)
	m := mxCompare(t, analysis.MetricPassed, analysis.CorrectionHolm, a, b)
	if c := m.Columns[0]; c.Interval != analysis.IntervalT || !c.Repeated || c.N != 4 || !near(c.Mean, 0.75) {
		t.Errorf("column %+v", c)
	}
	if p := m.Pairs[0]; p.Test != analysis.TestNone || p.PValue != 1 || p.Significant || m.Winner != -1 {
		t.Errorf("pair %+v winner %d", p, m.Winner)
	}
}

func TestMatrixRefusesBadInput(t *testing.T) {
	t.Parallel()
	a := mxPassing(t, "sim:a", 3, func(int) bool { return true })
	b := mxPassing(t, "sim:b", 3, func(int) bool { return false })
	one := collect(t, analysis.MetricPassed, "", res("sim:c", "c0", 0, true), res("sim:c", "other", 0, true))
	good := analysis.MatrixOptions{Metric: analysis.MetricPassed, Correction: analysis.CorrectionHolm, Alpha: 0.05}
	tests := []struct {
		name  string
		sides []*analysis.Side
		opt   analysis.MatrixOptions
		input bool
		msg   string
	}{
		{"one column", []*analysis.Side{a}, good, true, "at least 2"},
		{"one case in common", []*analysis.Side{a, b, one}, good, true, "1 case(s) in common between sim:a (3 cases) and sim:c (2 cases)"},
		{"unknown correction", []*analysis.Side{a, b}, analysis.MatrixOptions{Metric: "passed", Correction: "bonferroni", Alpha: 0.05}, false, "correction: want holm, fdr_bh or none"},
		{"alpha 1", []*analysis.Side{a, b}, analysis.MatrixOptions{Metric: "passed", Correction: "holm", Alpha: 1}, false, "alpha:"},
		{"no metric", []*analysis.Side{a, b}, analysis.MatrixOptions{Correction: "holm", Alpha: 0.05}, false, "metric: empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			labels := make([]string, len(tt.sides))
			for i, s := range tt.sides {
				labels[i] = s.Provider
			}
			_, err := analysis.CompareMatrix(tt.sides, labels, tt.opt)
			var ie *analysis.InputError
			if err == nil || errors.As(err, &ie) != tt.input || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v (input error: %v), want %q", err, errors.As(err, &ie), tt.msg)
			}
		})
	}
}

func TestWriteMatrix(t *testing.T) {
	t.Parallel()
	strong := mxPassing(t, "sim:strong", 12, func(int) bool { return true })
	weak := mxPassing(t, "sim:weak", 12, func(i int) bool { return i < 2 })
	var b strings.Builder
	if err := analysis.WriteMatrix(&b, mxCompare(t, analysis.MetricPassed, analysis.CorrectionHolm, weak, strong)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Metric passed; 95% intervals; pairs on their common cases, p-values Holm-adjusted, alpha 0.05",
		"[2]  sim:strong  12  1.0000  [0.7575, 1.0000] wilson",
		"[1]           .         -0.8333*",
		"[1] vs [2]  12  -0.8333  -  mcnemar_exact  0.0020  0.0020  * [2] better",
		"Winner: [2] sim:strong, significantly better than every other column.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
