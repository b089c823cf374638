package analysis

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Gate is the regression gate over several metrics of the same two runs.
// Its JSON keys are stable.
//
// The verdict is a regression when any metric's is: every metric must be
// shown non-inferior, an intersection–union test, whose level is each
// test's level with no adjustment. The two-sided tests of a difference are
// a family, so their p-values are adjusted across the metrics by the
// correction (Holm by default): a metric is marked significantly different
// only after it.
type Gate struct {
	Correction string    `json:"correction"`
	Alpha      float64   `json:"alpha"`
	Reports    []*Report `json:"reports"`
	Verdict    string    `json:"verdict"`
}

// Regression reports whether any metric failed the gate.
func (g *Gate) Regression() bool { return g.Verdict == VerdictRegression }

// CompareMetrics runs Compare on each metric's pair of sides (bases[i] and
// comps[i], collected with metrics[i]) and adjusts the tests of a
// difference across the metrics.
func CompareMetrics(metrics []Metric, bases, comps []*Side, opt Options, correction string) (*Gate, error) {
	if len(metrics) == 0 || len(bases) != len(metrics) || len(comps) != len(metrics) {
		return nil, fmt.Errorf("compare metrics: %d metrics, %d baselines, %d comparisons", len(metrics), len(bases), len(comps))
	}
	if err := (MatrixOptions{Metric: metrics[0], Correction: correction, Alpha: opt.Alpha}).Validate(); err != nil {
		return nil, err
	}
	g := &Gate{Correction: correction, Alpha: opt.Alpha, Verdict: VerdictNonInferior}
	ps := make([]float64, len(metrics))
	for i, m := range metrics {
		o := opt
		o.Metric = m
		r, err := Compare(bases[i], comps[i], o)
		if err != nil {
			return nil, fmt.Errorf("metric %s: %w", m, err)
		}
		if r.Regression() {
			g.Verdict = VerdictRegression
		}
		g.Reports = append(g.Reports, r)
		ps[i] = r.DifferenceP()
	}
	adj, err := adjustP(ps, correction, opt.Alpha)
	if err != nil {
		return nil, err
	}
	for i, r := range g.Reports {
		r.AdjustedP, r.Significant = &adj.Adjusted[i], &adj.Reject[i]
	}
	return g, nil
}

// WriteGate writes every metric's table, then a line per metric with its
// verdict and adjusted p-value, and the overall verdict.
func WriteGate(w io.Writer, g *Gate) error {
	for _, r := range g.Reports {
		if err := WriteTable(w, r); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "METRIC\tDIFFERENCE\tVERDICT\tADJUSTED P (%s)\t\n", g.Correction)
	for _, r := range g.Reports {
		mark := ""
		if r.Significant != nil && *r.Significant {
			mark = " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\t\n", r.Metric, signed(r.MeanDiff), r.Verdict, pval(r.AdjustedP), mark)
	}
	fmt.Fprintf(tw, "Overall\t\t%s\t\t\n", strings.ToUpper(g.Verdict))
	return tw.Flush()
}
