package report

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// maxMarkdownFailures caps the failing results listed in Markdown.
const maxMarkdownFailures = 50

// mdEscaper backslash-escapes the characters Markdown would interpret.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "#", `\#`,
)

// md makes user text safe for one line of Markdown, including table cells.
func md(s string) string { return mdEscaper.Replace(oneLine(s)) }

// writeMarkdown writes the run header, the per-provider table, the failing
// results (at most maxMarkdownFailures, then a count) and the cost line.
func writeMarkdown(ctx context.Context, w io.Writer, run bench.Run, results Results) error {
	sum, err := Summarize(ctx, run, results)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	writeMarkdownHeader(bw, sum)
	writeMarkdownProviders(bw, sum)
	fmt.Fprintf(bw, "\n## Failing results (%d)\n\n", sum.Failed)
	listed := 0
	err = each(ctx, results, func(r *bench.Result) error {
		if r.Passed && r.Status == bench.StatusSuccess {
			return nil
		}
		if listed++; listed <= maxMarkdownFailures {
			fmt.Fprintf(bw, "- **%s** · %s · %s — %s\n", md(caseName(r)), md(r.Provider), md(outcome(r)),
				md(truncate(FailureReason(r), maxReason)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case listed == 0:
		bw.WriteString("None: every result passed.\n")
	case listed > maxMarkdownFailures:
		fmt.Fprintf(bw, "- … and %d more\n", listed-maxMarkdownFailures)
	}
	fmt.Fprintf(bw, "\n**Total cost:** %s for %s results (%s tokens).\n", fmtUSD(sum.CostUSD), fmtInt(sum.Total), fmtInt(sum.Tokens))
	return bw.Flush()
}

// writeMarkdownHeader writes the title and the run's facts.
func writeMarkdownHeader(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "# LLM Test Bench report: %s\n\n", md(cmp.Or(s.Run.Name, s.Run.ID, "unnamed run")))
	if s.Run.Description != "" {
		fmt.Fprintf(w, "%s\n\n", md(s.Run.Description))
	}
	fmt.Fprintf(w, "- **Run:** %s (%s)\n", md(s.Run.ID), md(string(s.Run.Status)))
	fmt.Fprintf(w, "- **Started:** %s\n", fmtTime(cmp.Or(s.Run.CreatedAt, s.FirstAt)))
	fmt.Fprintf(w, "- **Results:** %s: %s passed, %s failed assertions, %s errors (pass rate %s)\n",
		fmtInt(s.Total), fmtInt(s.Passed), fmtInt(s.Failed-s.Errored), fmtInt(s.Errored), fmtPct(s.PassRate))
}

// writeMarkdownProviders writes the per-provider summary table.
func writeMarkdownProviders(w io.Writer, s *Summary) {
	fmt.Fprint(w, "\n## Providers\n\n")
	if len(s.Providers) == 0 {
		fmt.Fprint(w, "No results.\n")
		return
	}
	fmt.Fprint(w, "| Provider | Model | Results | Pass rate | Errors | p50 ms | p95 ms | TTFT p50 ms | Tokens | Tokens/s | Cost |\n")
	fmt.Fprint(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, p := range s.Providers {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			md(p.Provider), md(p.Model), fmtInt(p.Results), fmtPct(p.PassRate), fmtInt(p.Errored),
			fmtMs(p.Latency.P50), fmtMs(p.Latency.P95), fmtMs(p.TTFT.P50), fmtInt(p.TokensTotal),
			fmtRate(p.TokensPerSec), fmtUSD(p.CostUSD))
	}
}
