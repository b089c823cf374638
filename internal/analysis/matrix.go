package analysis

import (
	"fmt"
	"math"

	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

// Corrections for the pairs of a matrix.
const (
	CorrectionHolm = "holm"
	CorrectionBH   = "fdr_bh"
	CorrectionNone = "none"
)

// Tests a pair can be judged by.
const (
	TestMcNemar  = "mcnemar_exact"
	TestWilcoxon = "wilcoxon"
	// TestNone: every paired difference is 0, so there is nothing to test;
	// the p-value is 1.
	TestNone = "none"
)

// Intervals a column's mean can carry.
const (
	IntervalWilson = "wilson"
	IntervalT      = "t"
)

// MatrixConfidence is the level of every column's interval.
const MatrixConfidence = 0.95

// MatrixOptions set a side-by-side comparison. Alpha is the level at which
// an adjusted p-value is significant, in (0, 1).
type MatrixOptions struct {
	Metric     Metric
	Correction string
	Alpha      float64
}

// Validate checks the options; its errors name the flag-like field.
func (o MatrixOptions) Validate() error {
	if err := o.Metric.check(); err != nil {
		return err
	}
	switch o.Correction {
	case CorrectionHolm, CorrectionBH, CorrectionNone:
	default:
		return fmt.Errorf("correction: want holm, fdr_bh or none, got %q", o.Correction)
	}
	if !(o.Alpha > 0 && o.Alpha < 1) {
		return fmt.Errorf("alpha: want a number between 0 and 1 (exclusive), got %v", o.Alpha)
	}
	return nil
}

// Column is one (source, provider) of the matrix: its per-case mean with a
// MatrixConfidence interval over all its cases.
type Column struct {
	Label    string `json:"label"`
	Source   string `json:"source"`
	Provider string `json:"provider"`
	Results  int    `json:"results"`
	Errored  int    `json:"errored"`
	Unscored int    `json:"unscored"`
	Missing  int    `json:"missing"`
	// N counts the column's cases; Repeated is set when some case ran more
	// than once (its values are averaged first).
	N        int     `json:"n"`
	Repeated bool    `json:"repeated"`
	Mean     float64 `json:"mean"`
	// Interval is IntervalWilson (passed, one result per case) or
	// IntervalT (mean ± t·SE over the cases); CILow and CIHigh are nil when
	// it is undefined (a t interval of one case).
	Interval string   `json:"interval"`
	CILow    *float64 `json:"ci_low"`
	CIHigh   *float64 `json:"ci_high"`
}

// Pair compares columns A and B (indexes into Columns, A < B) on their
// paired cases.
type Pair struct {
	A int `json:"a"`
	B int `json:"b"`
	// N counts the cases both columns have.
	N int `json:"n"`
	// MeanDiff is mean(A − B) over the paired cases: positive when A is
	// ahead.
	MeanDiff float64 `json:"mean_diff"`
	// CohenD is the paired Cohen's d, mean/sd of the differences, for graded
	// metrics (nil for passed, or when the differences do not vary).
	CohenD *float64 `json:"cohen_d"`
	// Test names how PValue was found (TestMcNemar, TestWilcoxon, TestNone).
	Test   string  `json:"test"`
	PValue float64 `json:"pvalue"`
	// Adjusted is PValue adjusted across all pairs by the correction;
	// Significant says Adjusted ≤ alpha (the correction's own rule).
	Adjusted    float64 `json:"adjusted_pvalue"`
	Significant bool    `json:"significant"`
	// Better is the index of the significantly better column (the one the
	// mean difference favours), -1 when the difference is not significant.
	Better int `json:"better"`
}

// Matrix is a side-by-side comparison of several columns. Its JSON keys
// are stable.
type Matrix struct {
	Metric     Metric   `json:"metric"`
	Correction string   `json:"correction"`
	Alpha      float64  `json:"alpha"`
	Confidence float64  `json:"confidence"`
	Columns    []Column `json:"columns"`
	Pairs      []Pair   `json:"pairs"`
	// Winner is the index of the column significantly better than every
	// other, -1 when there is none.
	Winner  int    `json:"winner"`
	Verdict string `json:"verdict"`
}

// NoWinner is the verdict when no column beats every other significantly.
const NoWinner = "no significant winner"

// CompareMatrix compares every pair of sides on their paired cases and
// names a winner only where the data show one. labels name the sides, one
// each. Fewer than two sides, or a pair with fewer than two cases in
// common, is an *InputError.
func CompareMatrix(sides []*Side, labels []string, opt MatrixOptions) (*Matrix, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if len(labels) != len(sides) {
		return nil, fmt.Errorf("compare: %d labels for %d sides", len(labels), len(sides))
	}
	if len(sides) < 2 {
		return nil, &InputError{Msg: fmt.Sprintf("%d column(s) to compare; a comparison needs at least 2 (runs × providers)", len(sides))}
	}
	m := &Matrix{Metric: opt.Metric, Correction: opt.Correction, Alpha: opt.Alpha, Confidence: MatrixConfidence, Winner: -1, Verdict: NoWinner}
	for i, s := range sides {
		c, err := column(s, labels[i], opt.Metric)
		if err != nil {
			return nil, err
		}
		m.Columns = append(m.Columns, c)
	}
	for i := range sides {
		for j := i + 1; j < len(sides); j++ {
			p, err := comparePair(sides, labels, i, j, opt.Metric)
			if err != nil {
				return nil, err
			}
			m.Pairs = append(m.Pairs, p)
		}
	}
	if err := m.adjust(); err != nil {
		return nil, err
	}
	m.crown()
	return m, nil
}

// column summarises one side over all its cases.
func column(s *Side, label string, metric Metric) (Column, error) {
	c := Column{Label: label, Source: s.Source, Provider: s.Provider, Results: s.Results, Errored: s.Errored,
		Unscored: s.Unscored, Missing: s.Missing, N: len(s.cells), Repeated: s.Repeated}
	xs := make([]float64, 0, len(s.cells))
	for _, k := range sortedKeys(s) {
		cl := s.cells[k]
		xs = append(xs, cl.sum/float64(cl.n))
	}
	c.Mean = mean(xs)
	if metric == MetricPassed && !s.Repeated {
		ci, err := inference.ProportionCI(int(math.Round(c.Mean*float64(c.N))), c.N, 1-MatrixConfidence)
		if err != nil {
			return Column{}, fmt.Errorf("%s: Wilson interval: %w", label, err)
		}
		c.Interval, c.CILow, c.CIHigh = IntervalWilson, &ci.Wilson[0], &ci.Wilson[1]
		return c, nil
	}
	c.Interval = IntervalT
	if c.N < 2 {
		return c, nil
	}
	q, err := inference.TQuantile(0.5+MatrixConfidence/2, float64(c.N-1))
	if err != nil {
		return Column{}, fmt.Errorf("%s: t quantile: %w", label, err)
	}
	half := q.Value * math.Sqrt(sampleVariance(xs, c.Mean)/float64(c.N))
	lo, hi := c.Mean-half, c.Mean+half
	c.CILow, c.CIHigh = &lo, &hi
	return c, nil
}

// comparePair pairs sides i and j on their common cases and tests them.
func comparePair(sides []*Side, labels []string, i, j int, metric Metric) (Pair, error) {
	a, b := sides[i], sides[j]
	keys := pairedKeys(a, b)
	p := Pair{A: i, B: j, N: len(keys), Better: -1}
	if p.N < 2 {
		return Pair{}, &InputError{Msg: fmt.Sprintf("%d case(s) in common between %s (%d cases) and %s (%d cases); a comparison needs at least 2",
			p.N, labels[i], len(a.cells), labels[j], len(b.cells))}
	}
	xa, xb, d := make([]float64, p.N), make([]float64, p.N), make([]float64, p.N)
	binary := metric == MetricPassed
	allZero := true
	for n, k := range keys {
		ca, cb := a.cells[k], b.cells[k]
		xa[n], xb[n] = ca.sum/float64(ca.n), cb.sum/float64(cb.n)
		d[n] = xa[n] - xb[n]
		binary = binary && ca.n == 1 && cb.n == 1
		allZero = allZero && d[n] == 0
	}
	p.MeanDiff = mean(d)
	p.CohenD = cohenD(d, p.MeanDiff, metric)
	switch {
	case binary:
		mc, err := inference.McNemar(xa, xb)
		if err != nil {
			return Pair{}, fmt.Errorf("%s vs %s: exact McNemar test: %w", labels[i], labels[j], err)
		}
		p.Test, p.PValue = TestMcNemar, mc.ExactPValue
	case allZero:
		p.Test, p.PValue = TestNone, 1
	default:
		w, err := inference.Wilcoxon(d, inference.WilcoxonOptions{})
		if err != nil {
			return Pair{}, fmt.Errorf("%s vs %s: signed-rank test: %w", labels[i], labels[j], err)
		}
		p.Test, p.PValue = TestWilcoxon, w.PValue
	}
	return p, nil
}

// adjust corrects the pairs' p-values for their number and marks the
// significant ones.
func (m *Matrix) adjust() error {
	ps := make([]float64, len(m.Pairs))
	for i, p := range m.Pairs {
		ps[i] = p.PValue
	}
	adj, err := adjustP(ps, m.Correction, m.Alpha)
	if err != nil {
		return err
	}
	for i := range m.Pairs {
		p := &m.Pairs[i]
		p.Adjusted, p.Significant = adj.Adjusted[i], adj.Reject[i]
		switch {
		case !p.Significant || p.MeanDiff == 0:
		case p.MeanDiff > 0:
			p.Better = p.A
		default:
			p.Better = p.B
		}
	}
	return nil
}

// cohenD is the paired Cohen's d of the differences d with mean m, for
// graded metrics; nil for passed, or when the differences do not vary.
func cohenD(d []float64, m float64, metric Metric) *float64 {
	if metric == MetricPassed {
		return nil
	}
	sd := math.Sqrt(sampleVariance(d, m))
	if sd == 0 {
		return nil
	}
	es := m / sd
	return &es
}

// adjustP adjusts p-values for their number by the correction and marks
// those significant at alpha.
func adjustP(ps []float64, correction string, alpha float64) (inference.Adjusted, error) {
	if correction == CorrectionNone {
		adj := inference.Adjusted{Adjusted: ps, Reject: make([]bool, len(ps))}
		for i, p := range ps {
			adj.Reject[i] = p <= alpha
		}
		return adj, nil
	}
	mt, err := inference.MultipleTests(ps, alpha)
	if err != nil {
		return inference.Adjusted{}, fmt.Errorf("multiple-testing correction: %w", err)
	}
	if correction == CorrectionBH {
		return mt.FDRBH, nil
	}
	return mt.Holm, nil
}

// crown names the column with the highest mean the winner when it is
// significantly better than every other column.
func (m *Matrix) crown() {
	best := 0
	for i, c := range m.Columns {
		if c.Mean > m.Columns[best].Mean {
			best = i
		}
	}
	for _, p := range m.Pairs {
		if (p.A == best || p.B == best) && p.Better != best {
			return
		}
	}
	m.Winner = best
	m.Verdict = "winner: " + m.Columns[best].Label
}

// sortedKeys returns a side's keys in a fixed order, so sums are added in
// the same order on every run.
func sortedKeys(s *Side) []Key { return pairedKeys(s, s) }

// sampleVariance is the variance with n−1 in the denominator.
func sampleVariance(xs []float64, m float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return ss / float64(len(xs)-1)
}
