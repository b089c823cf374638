package report

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strings"
)

// Formats of a comparison report.
const (
	ComparisonHTML     = "html"
	ComparisonMarkdown = "md"
)

// comparisonTemplate is parsed once; html/template escapes every run name,
// provider, label and note.
var comparisonTemplate = template.Must(template.New("comparison").
	ParseFS(templateFS, "templates/comparison.html.tmpl", "templates/style.html.tmpl"))

// ComparisonFormat is the format a comparison report file's extension
// names: ComparisonHTML for .html or .htm, ComparisonMarkdown for .md or
// .markdown (case-insensitive).
func ComparisonFormat(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return ComparisonHTML, nil
	case ".md", ".markdown":
		return ComparisonMarkdown, nil
	}
	return "", fmt.Errorf("unsupported extension %q: a comparison report is .html or .md", filepath.Ext(path))
}

// WriteComparison writes the report in format (ComparisonHTML or
// ComparisonMarkdown): a self-contained page with inline CSS and SVG, or
// GitHub-flavoured Markdown for a pull-request comment.
func WriteComparison(w io.Writer, format string, c *Comparison) error {
	if format != ComparisonHTML && format != ComparisonMarkdown {
		return fmt.Errorf("comparison format %q: want %s or %s", format, ComparisonHTML, ComparisonMarkdown)
	}
	v := newCmpView(c)
	bw := bufio.NewWriter(w)
	switch format {
	case ComparisonHTML:
		if err := comparisonTemplate.ExecuteTemplate(bw, "comparison", v); err != nil {
			return fmt.Errorf("render comparison page: %w", err)
		}
	default:
		writeCmpMarkdown(bw, v)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write comparison report: %w", err)
	}
	return nil
}

// writeCmpMarkdown writes the view as GitHub-flavoured Markdown: every cell
// of user text escaped, one line each (md). Write errors stick in the
// buffered writer, which its Flush reports.
func writeCmpMarkdown(w io.Writer, v *cmpView) {
	fmt.Fprintf(w, "# %s\n\n%s\n\n**%s**\n\n", md(v.Title), md(v.Method), md(v.Verdict))
	fmt.Fprint(w, "## Runs\n\n| Run | Name | Suites | Status | Created | ID |\n|---|---|---|---|---|---|\n")
	for _, r := range v.Runs {
		mdRow(w, r.Ref, r.Name, r.Suites, r.Status, r.Created, r.ID)
	}
	fmt.Fprint(w, "\n## Comparison matrix\n\n| # | Column | Model | Cases | Mean | 95% CI | Cost | Cost / result | Tok/s | p50 ms | p95 ms |\n")
	fmt.Fprint(w, "|--:|---|---|--:|--:|---|--:|--:|--:|--:|--:|\n")
	for _, c := range v.Columns {
		label := md(c.Label)
		if c.Win {
			label = "**" + label + "** (winner)"
		}
		if c.Frontier {
			label += " (frontier)"
		}
		if c.Note != "" {
			label += " — " + md(c.Note)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", md(c.Index), label, md(c.Model), md(c.Cases),
			md(c.Mean), md(c.CI), md(c.Cost), md(c.CostPerResult), md(c.TokPerSec), md(c.P50), md(c.P95))
	}
	fmt.Fprint(w, "\n## Paired differences\n\nMean paired difference (row − column) on the cases both columns ran; \\* marks a significant difference after the correction.\n\n")
	mdRow(w, append([]string{"row − column"}, v.GridHead...)...)
	fmt.Fprint(w, "|---|"+strings.Repeat("--:|", len(v.GridHead))+"\n")
	for _, g := range v.Grid {
		cells := []string{md(g.Index)}
		for _, c := range g.Cells {
			cells = append(cells, md(c.Text))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprint(w, "\n| Pair | Cases | Diff | d | Test | p | adj. p | |\n|---|--:|--:|--:|---|--:|--:|---|\n")
	for _, p := range v.Pairs {
		mdRow(w, p.Pair, p.N, p.Diff, p.D, p.Test, p.P, p.Adjusted, p.Mark)
	}
	writeCmpMarkdownTail(w, v)
}

// writeCmpMarkdownTail writes the frontier and the trends.
func writeCmpMarkdownTail(w io.Writer, v *cmpView) {
	fmt.Fprint(w, "\n## Cost and latency\n\n")
	if len(v.Frontier) > 0 {
		fmt.Fprintf(w, "Pareto frontier of quality (the mean), cost per result and median latency: %s.\n", md(strings.Join(v.Frontier, ", ")))
	} else {
		fmt.Fprint(w, "No column has both a known cost and a measured latency: there is no frontier.\n")
	}
	if len(v.Unplotted) > 0 {
		fmt.Fprintf(w, "\nCost or latency unknown: %s.\n", md(strings.Join(v.Unplotted, ", ")))
	}
	fmt.Fprint(w, "\n## Trends\n\n")
	if len(v.TrendRows) == 0 {
		fmt.Fprint(w, "Trends need at least two runs.\n")
		return
	}
	fmt.Fprint(w, "Each provider's mean [95% interval] per run, in creation order.\n\n| Provider |")
	for _, h := range v.TrendHead {
		fmt.Fprintf(w, " %s |", md(h))
	}
	fmt.Fprint(w, "\n|---|"+strings.Repeat("---|", len(v.TrendHead))+"\n")
	for _, r := range v.TrendRows {
		mdRow(w, append([]string{r.Provider}, r.Cells...)...)
	}
}

// mdRow writes one table row of escaped cells (it escapes cells in place).
func mdRow(w io.Writer, cells ...string) {
	for i, c := range cells {
		cells[i] = md(c)
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}
