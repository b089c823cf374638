package analysis

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the report as a short table for people.
func WriteTable(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Baseline\t%s\t%s\n", r.Baseline.Source, sideNote(&r.Baseline))
	fmt.Fprintf(tw, "Comparison\t%s\t%s\n", r.Comparison.Source, sideNote(&r.Comparison))
	fmt.Fprintf(tw, "Metric\t%s\t\n", r.Metric)
	fmt.Fprintf(tw, "Paired cases\t%d\t(only in baseline %d, only in comparison %d)\n", r.N, r.Baseline.Unpaired, r.Comparison.Unpaired)
	fmt.Fprintf(tw, "Mean\t%s -> %s\t(baseline -> comparison)\n", num(r.Baseline.Mean), num(r.Comparison.Mean))
	fmt.Fprintf(tw, "Difference\t%s [%s, %s]\t(%s CI, SE %s)\n", signed(r.MeanDiff), signed(r.CILow), signed(r.CIHigh), percent(r.Confidence), num(r.SE))
	fmt.Fprintf(tw, "Lower bound\t%s vs -margin %s\t(one-sided, alpha %s, p %s)\n", signed(r.LowerBound), signed(-r.Margin), trim(r.Alpha), pval(&r.NonInferiorityP))
	fmt.Fprintf(tw, "Cases\t%d worse, %d better, %d same\t\n", r.Worse, r.Better, r.Same)
	if r.CohenD != nil {
		fmt.Fprintf(tw, "Effect size\t%+.2f\t(paired Cohen's d)\n", *r.CohenD)
	}
	tests := []string{"paired t " + pval(r.PairedTP)}
	if r.McNemarP != nil {
		tests = append(tests, "McNemar exact "+pval(r.McNemarP))
	}
	if r.WilcoxonP != nil {
		tests = append(tests, "Wilcoxon "+pval(r.WilcoxonP))
	}
	fmt.Fprintf(tw, "Two-sided p\t%s\t\n", strings.Join(tests, ", "))
	fmt.Fprintf(tw, "Verdict\t%s\t%s\n", strings.ToUpper(r.Verdict), r.Reason)
	return tw.Flush()
}

// sideNote says which provider a side used and what it left out.
func sideNote(s *Side) string {
	note := fmt.Sprintf("%s, %d results, %d cases", s.Provider, s.Results, s.Cases)
	if s.Repeated {
		note += " (repetitions averaged)"
	}
	if s.Errored > 0 {
		note += fmt.Sprintf(", %d errored", s.Errored)
	}
	if s.Unscored > 0 {
		note += fmt.Sprintf(", %d unscored left out", s.Unscored)
	}
	if s.Missing > 0 {
		note += fmt.Sprintf(", %d without the metric left out", s.Missing)
	}
	return note
}

func num(x float64) string    { return strconv.FormatFloat(x, 'f', 4, 64) }
func signed(x float64) string { return fmt.Sprintf("%+.4f", x) }
func trim(x float64) string   { return strconv.FormatFloat(x, 'g', -1, 64) }
func percent(x float64) string {
	return strconv.FormatFloat(100*x, 'g', 4, 64) + "%"
}

// pval formats a p-value; nil is undefined.
func pval(p *float64) string {
	switch {
	case p == nil:
		return "undefined"
	case *p == 0:
		return "0"
	case *p < 1e-4:
		return strconv.FormatFloat(*p, 'e', 2, 64)
	}
	return strconv.FormatFloat(*p, 'f', 4, 64)
}
