package report

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

// cmpView is a comparison pre-formatted for the HTML and Markdown pages;
// its strings are raw text, escaped by each format.
type cmpView struct {
	Title, Method, Verdict string
	Winner                 bool
	Runs                   []cmpRunRow
	Columns                []cmpColRow
	GridHead               []string
	Grid                   []cmpGridRow
	Pairs                  []cmpPairRow
	Frontier, Unplotted    []string
	TrendHead              []string
	TrendRows              []cmpTrendRow
	Intervals              *svgIntervals
	Scatter                *svgScatter
	Trend                  *svgTrend
}

// cmpRunRow is one run compared.
type cmpRunRow struct{ Ref, ID, Name, Status, Created, Suites, Results string }

// cmpColRow is one column of the matrix with its run's figures for it.
type cmpColRow struct {
	Index, Label, Model, Cases, Mean, CI, Note string
	Cost, CostPerResult, TokPerSec, P50, P95   string
	Win, Frontier                              bool
}

// cmpGridRow is one row of the differences grid.
type cmpGridRow struct {
	Index string
	Cells []cmpGridCell
}

// cmpGridCell is one difference, row − column.
type cmpGridCell struct {
	Text             string
	Significant, Own bool
}

// cmpPairRow is one pair's test.
type cmpPairRow struct{ Pair, N, Diff, D, Test, P, Adjusted, Mark string }

// cmpTrendRow is one provider's means over the runs.
type cmpTrendRow struct {
	Provider string
	Cells    []string
}

// correctionText says how p-values were adjusted.
var correctionText = map[string]string{
	analysis.CorrectionHolm: "Holm-adjusted",
	analysis.CorrectionBH:   "Benjamini–Hochberg-adjusted",
	analysis.CorrectionNone: "unadjusted",
}

// newCmpView formats a comparison.
func newCmpView(c *Comparison) *cmpView {
	m := c.Matrix
	v := &cmpView{
		Title: fmt.Sprintf("Comparison of %s", plural(len(c.Runs), "run", "runs")),
		Method: fmt.Sprintf("Metric %s; %g%% intervals; pairs compared on their common cases, p-values %s, alpha %g.",
			m.Metric, m.Confidence*100, correctionText[m.Correction], m.Alpha),
		Verdict:   "No significant winner: no column is significantly better than every other.",
		Winner:    m.Winner >= 0,
		Intervals: newIntervalChart(c), Scatter: newScatter(c), Trend: newTrendChart(c),
	}
	if m.Winner >= 0 {
		v.Verdict = fmt.Sprintf("Winner: %d. %s, significantly better than every other column.", m.Winner+1, m.Columns[m.Winner].Label)
	}
	for _, r := range c.Runs {
		v.Runs = append(v.Runs, cmpRunRow{Ref: runTick(r.Seq), ID: r.ID, Name: cmp.Or(r.Name, noValue), Status: string(r.Status),
			Created: fmtTime(r.CreatedAt), Suites: cmp.Or(strings.Join(runDatasets(r), ", "), noValue)})
	}
	for i := range m.Columns {
		v.Columns = append(v.Columns, newCmpColRow(c, i))
		if c.Columns[i].OnFrontier {
			v.Frontier = append(v.Frontier, strconv.Itoa(i+1)+". "+m.Columns[i].Label)
		}
		if col := &c.Columns[i]; math.IsNaN(col.CostPerResult()) || math.IsNaN(col.MedianLatency()) {
			v.Unplotted = append(v.Unplotted, strconv.Itoa(i+1)+". "+m.Columns[i].Label)
		}
	}
	v.grid(m)
	for _, p := range m.Pairs {
		row := cmpPairRow{Pair: fmt.Sprintf("%d vs %d", p.A+1, p.B+1), N: fmtInt(p.N), Diff: signed(p.MeanDiff), D: noValue,
			Test: p.Test, P: pvalue(p.PValue), Adjusted: pvalue(p.Adjusted)}
		if p.CohenD != nil {
			row.D = fmt.Sprintf("%+.2f", *p.CohenD)
		}
		if p.Better >= 0 {
			row.Mark = fmt.Sprintf("* %d better", p.Better+1)
		}
		v.Pairs = append(v.Pairs, row)
	}
	v.trendTable(c)
	return v
}

// newCmpColRow formats column i.
func newCmpColRow(c *Comparison, i int) cmpColRow {
	mc, col := &c.Matrix.Columns[i], &c.Columns[i]
	row := cmpColRow{
		Index: strconv.Itoa(i + 1), Label: mc.Label, Model: col.Model, Cases: fmtInt(mc.N), Mean: fmtFixed(mc.Mean, 3),
		CI: "undefined", Note: columnNotes(mc), Cost: FormatCost(col.CostUSD, col.Unpriced), CostPerResult: noValue,
		TokPerSec: fmtRate(col.TokensPerSec), P50: fmtMs(col.Latency.P50), P95: fmtMs(col.Latency.P95),
		Win: i == c.Matrix.Winner, Frontier: col.OnFrontier,
	}
	if mc.CILow != nil && mc.CIHigh != nil {
		row.CI = "[" + fmtFixed(*mc.CILow, 3) + ", " + fmtFixed(*mc.CIHigh, 3) + "] " + mc.Interval
	}
	if cpr := col.CostPerResult(); !math.IsNaN(cpr) {
		row.CostPerResult = FormatUSD(cpr)
	}
	return row
}

// grid fills the differences row − column, marking significant pairs.
func (v *cmpView) grid(m *analysis.Matrix) {
	n := len(m.Columns)
	v.Grid = make([]cmpGridRow, n)
	for i := range v.Grid {
		v.GridHead = append(v.GridHead, strconv.Itoa(i+1))
		v.Grid[i] = cmpGridRow{Index: strconv.Itoa(i + 1), Cells: make([]cmpGridCell, n)}
		v.Grid[i].Cells[i] = cmpGridCell{Text: "·", Own: true}
	}
	for _, p := range m.Pairs {
		star := ""
		if p.Significant {
			star = "*"
		}
		v.Grid[p.A].Cells[p.B] = cmpGridCell{Text: signed(p.MeanDiff) + star, Significant: p.Significant}
		v.Grid[p.B].Cells[p.A] = cmpGridCell{Text: signed(0-p.MeanDiff+0) + star, Significant: p.Significant}
	}
}

// trendTable lays the trends out as providers by runs.
func (v *cmpView) trendTable(c *Comparison) {
	if len(c.Trends) == 0 {
		return
	}
	for _, r := range c.Runs {
		v.TrendHead = append(v.TrendHead, runTick(r.Seq))
	}
	for _, t := range c.Trends {
		row := cmpTrendRow{Provider: t.Provider, Cells: make([]string, len(c.Runs))}
		for k := range row.Cells {
			row.Cells[k] = noValue
		}
		for _, i := range t.Points {
			row.Cells[c.Columns[i].Run] = intervalText(&c.Matrix.Columns[i])
		}
		v.TrendRows = append(v.TrendRows, row)
	}
}

// columnNotes says what a column averaged or left out.
func columnNotes(c *analysis.Column) string {
	var notes []string
	if c.Repeated {
		notes = append(notes, "repetitions averaged")
	}
	if c.Errored > 0 {
		notes = append(notes, fmtInt(c.Errored)+" errored")
	}
	if c.Unscored > 0 {
		notes = append(notes, fmtInt(c.Unscored)+" unscored left out")
	}
	if c.Missing > 0 {
		notes = append(notes, fmtInt(c.Missing)+" without the metric left out")
	}
	return strings.Join(notes, ", ")
}

// runDatasets lists the datasets a run's saved options name.
func runDatasets(r bench.Run) []string {
	b, _ := r.Config["bench"].(map[string]any)
	var out []string
	switch ds := b["datasets"].(type) {
	case []any:
		for _, d := range ds {
			if s, ok := d.(string); ok {
				out = append(out, s)
			}
		}
	case []string:
		out = ds
	}
	return out
}

// signed formats a difference with its sign and four decimals.
func signed(f float64) string { return fmt.Sprintf("%+.4f", f) }

// pvalue formats a p-value: four significant digits, or "<1e-6".
func pvalue(p float64) string {
	if p < 1e-6 {
		return "<1e-6"
	}
	return strconv.FormatFloat(p, 'g', 4, 64)
}
