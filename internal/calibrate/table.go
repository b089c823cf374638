package calibrate

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// maxReasons bounds the unscored reasons the table lists.
const maxReasons = 5

// WriteTable writes the report for a person to read.
func WriteTable(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "Judge %s (%s) on %s\n", cmp.Or(r.Judge, "(none named)"), r.Type, r.Dataset)
	fmt.Fprintf(w, "%s items, %s labels; intervals at %g%%\n\n", r.Kind, r.Labels, r.Level*100)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(name, value string) { fmt.Fprintf(tw, "%s\t%s\n", name, value) }
	row("Items", fmt.Sprintf("%d (%d scored, %d unscored)", r.Items, r.Scored, r.Unscored))
	switch {
	case r.Binary != nil:
		b := r.Binary
		c := b.Confusion
		row("Accuracy", interval(b.Accuracy))
		row("Cohen's kappa", interval(b.Kappa))
		row("Sensitivity (TPR)", fmt.Sprintf("%s   %d of %d human passes", interval(b.Sensitivity), c.TP, c.TP+c.FN))
		row("Specificity (TNR)", fmt.Sprintf("%s   %d of %d human fails", interval(b.Specificity), c.TN, c.TN+c.FP))
		row("Confusion", fmt.Sprintf("human pass: judge pass %d, judge fail %d; human fail: judge pass %d, judge fail %d", c.TP, c.FN, c.FP, c.TN))
	case r.Numeric != nil:
		rho := "n/a (fewer than two pairs, or constant scores)"
		if r.Numeric.Spearman != nil {
			rho = fmt.Sprintf("%.3f", *r.Numeric.Spearman)
		}
		row("Spearman's rho", fmt.Sprintf("%s   over %d pairs", rho, r.Numeric.Pairs))
	case r.Pairwise != nil:
		p := r.Pairwise
		row("Agreement with ties", interval(p.AgreementWithTies))
		row("Agreement without ties", fmt.Sprintf("%s   over %d items where neither called a tie", interval(p.AgreementWithoutTies), p.WithoutTiesItems))
		row("Cohen's kappa", interval(p.Kappa))
		row("Position consistency", fmt.Sprintf("%s   over %d verdicts that say", interval(p.PositionConsistency), p.PositionKnown))
		row("Confusion (human→judge)", pairsText(p))
	}
	row("Judge cost", fmt.Sprintf("$%.4f", r.CostUSD))
	if err := tw.Flush(); err != nil {
		return err
	}
	writeReasons(w, r.UnscoredReasons)
	if c := r.Correction; c != nil {
		writeCorrection(w, c)
		if len(c.Judges) > 0 && !slices.Contains(c.Judges, r.Judge) {
			fmt.Fprintf(w, "Warning: the run's verdicts name the judge %s, this calibration measured %s; the correction holds only for the same judge, type and prompt.\n",
				strings.Join(c.Judges, ", "), r.Judge)
		}
	}
	return nil
}

func writeReasons(w io.Writer, reasons []Reason) {
	if len(reasons) == 0 {
		return
	}
	fmt.Fprintln(w, "\nUnscored verdicts (left out of every statistic):")
	for i, re := range reasons {
		if i == maxReasons {
			fmt.Fprintf(w, "  … %d more reasons (see --json)\n", len(reasons)-maxReasons)
			break
		}
		fmt.Fprintf(w, "  %d× %s (first: item %s)\n", re.Count, oneLine(re.Reason, 120), re.FirstItem)
	}
}

func writeCorrection(w io.Writer, c *RunCorrection) {
	fmt.Fprintf(w, "\nPass rate of run %s, metric %s: %d results, %d scored, %d unscored, %d without the metric\n",
		c.Run, c.Metric, c.Results, c.Scored, c.Unscored, c.Missing)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\trate [interval]")
	fmt.Fprintf(tw, "Naive (as the judge scored it)\t%s\n", interval(&c.Naive))
	fmt.Fprintf(tw, "Corrected for the judge's error\t%s\n", interval(&c.Corrected))
	_ = tw.Flush()
	fmt.Fprintf(w, "%s\n", c.Method)
	if c.Unidentified > 0 {
		fmt.Fprintf(w, "%d of %d draws had a judge no better than chance: the interval is wide for a reason.\n", c.Unidentified, c.Draws)
	}
}

func interval(i *Interval) string {
	if i == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.3f [%.3f, %.3f]", i.Value, i.Lo, i.Hi)
}

func pairsText(p *PairwiseReport) string {
	var b strings.Builder
	for i, h := range p.Order {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: ", h)
		for j, jd := range p.Order {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", jd, p.Confusion[i][j])
		}
	}
	return b.String()
}

// oneLine flattens s to one line of at most n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
