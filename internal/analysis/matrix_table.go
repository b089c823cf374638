package analysis

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// correctionNames are how the table names a correction.
var correctionNames = map[string]string{
	CorrectionHolm: "Holm-adjusted",
	CorrectionBH:   "Benjamini-Hochberg-adjusted",
	CorrectionNone: "unadjusted",
}

// WriteMatrix writes the matrix for people: the columns with their
// intervals, the grid of differences (row − column, * where significant),
// every pair's test, and the verdict.
func WriteMatrix(w io.Writer, m *Matrix) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Metric %s; %s intervals; pairs on their common cases, p-values %s, alpha %s\n\n",
		m.Metric, percent(m.Confidence), correctionNames[m.Correction], trim(m.Alpha))
	fmt.Fprintf(tw, "\tColumn\tn\tMean\t%s CI\t\n", percent(m.Confidence))
	for i, c := range m.Columns {
		fmt.Fprintf(tw, "[%d]\t%s\t%d\t%s\t%s\t%s\n", i+1, c.Label, c.N, num(c.Mean), interval(&c), columnNote(&c))
	}
	fmt.Fprintln(tw)
	writeGrid(tw, m)
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "Pair\tn\tDiff\td\tTest\tp\tadj. p\t\n")
	for _, p := range m.Pairs {
		mark := ""
		if p.Better >= 0 {
			mark = fmt.Sprintf("* [%d] better", p.Better+1)
		}
		d := "-"
		if p.CohenD != nil {
			d = fmt.Sprintf("%+.2f", *p.CohenD)
		}
		fmt.Fprintf(tw, "[%d] vs [%d]\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", p.A+1, p.B+1, p.N, signed(p.MeanDiff), d, p.Test, pval(&p.PValue), pval(&p.Adjusted), mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	verdict := "No significant winner: no column is significantly better than every other."
	if m.Winner >= 0 {
		verdict = fmt.Sprintf("Winner: [%d] %s, significantly better than every other column.", m.Winner+1, m.Columns[m.Winner].Label)
	}
	_, err := fmt.Fprintf(w, "\n%s\n", verdict)
	return err
}

// writeGrid writes the differences row − column, with * where the pair is
// significant.
func writeGrid(tw io.Writer, m *Matrix) {
	n := len(m.Columns)
	cells := make([][]string, n)
	for i := range cells {
		cells[i] = make([]string, n)
		cells[i][i] = "."
	}
	for _, p := range m.Pairs {
		star := ""
		if p.Significant {
			star = "*"
		}
		cells[p.A][p.B] = signed(p.MeanDiff) + star
		cells[p.B][p.A] = signed(0-p.MeanDiff+0) + star // +0: no "-0.0000"
	}
	var head strings.Builder
	head.WriteString("row - column")
	for j := range n {
		fmt.Fprintf(&head, "\t[%d]", j+1)
	}
	fmt.Fprintln(tw, head.String()+"\t")
	for i, row := range cells {
		fmt.Fprintf(tw, "[%d]\t%s\t\n", i+1, strings.Join(row, "\t"))
	}
}

// interval formats a column's interval.
func interval(c *Column) string {
	if c.CILow == nil || c.CIHigh == nil {
		return "undefined"
	}
	return fmt.Sprintf("[%s, %s] %s", num(*c.CILow), num(*c.CIHigh), c.Interval)
}

// columnNote says what a column averaged or left out.
func columnNote(c *Column) string {
	var notes []string
	if c.Repeated {
		notes = append(notes, "repetitions averaged")
	}
	if c.Errored > 0 {
		notes = append(notes, fmt.Sprintf("%d errored", c.Errored))
	}
	if c.Unscored > 0 {
		notes = append(notes, fmt.Sprintf("%d unscored left out", c.Unscored))
	}
	if c.Missing > 0 {
		notes = append(notes, fmt.Sprintf("%d without the metric left out", c.Missing))
	}
	return strings.Join(notes, ", ")
}
