package report

import (
	"cmp"
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

// markdownOutput writes the run header, the per-provider table, the
// judges' usage, the repeated cases' pass^k and flaky cases, and the per-assertion table (all from the summary given up
// front), the failing results as they stream (at most maxMarkdownFailures,
// then a count) and the cost line.
type markdownOutput struct {
	w      io.Writer
	s      *Summary
	listed int
}

var _ Output = (*markdownOutput)(nil)

func newMarkdownOutput(w io.Writer) Output { return &markdownOutput{w: w} }

// Begin writes everything that comes before the failing results.
func (o *markdownOutput) Begin(_ bench.Run, s *Summary) error {
	o.s = s
	writeMarkdownHeader(o.w, s)
	writeMarkdownProviders(o.w, s)
	writeMarkdownJudges(o.w, s)
	writeMarkdownFlakiness(o.w, s)
	writeMarkdownAssertions(o.w, s.Assertions)
	_, err := fmt.Fprintf(o.w, "\n## Failing results (%d)\n\n", s.Failed)
	return err
}

// Add lists r if it did not pass and the list is not full.
func (o *markdownOutput) Add(r *bench.Result) error {
	if r.Passed && r.Status == bench.StatusSuccess {
		return nil
	}
	if o.listed++; o.listed > maxMarkdownFailures {
		return nil
	}
	_, err := fmt.Fprintf(o.w, "- **%s** · %s · %s — %s\n", md(caseName(r)), md(r.Provider), md(outcome(r)),
		md(truncate(FailureReason(r), maxReason)))
	return err
}

// End closes the list and writes the cost line and any warnings. Write
// errors stick in the caller's buffer, which reports the first one.
func (o *markdownOutput) End() error {
	switch {
	case o.listed == 0:
		fmt.Fprint(o.w, "None: every result passed.\n")
	case o.listed > maxMarkdownFailures:
		fmt.Fprintf(o.w, "- … and %d more\n", o.listed-maxMarkdownFailures)
	}
	s := o.s
	fmt.Fprintf(o.w, "\n**Total cost:** %s for %s results (%s tokens).\n", FormatCost(s.CostUSD, s.Unpriced), fmtInt(s.Total), fmtInt(s.Tokens))
	if s.PricesAsOf != "" {
		fmt.Fprintf(o.w, "Costs use the pricing table as of %s.\n", md(s.PricesAsOf))
	}
	for _, w := range s.Warnings() {
		fmt.Fprintf(o.w, "\n> **Warning:** %s\n", md(w))
	}
	return nil
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
		fmtInt(s.Total), fmtInt(s.Passed), fmtInt(s.Failed-s.Errored), fmtInt(s.Errored), fmtPctCI(s.PassRate, s.PassRateCI))
	if s.Unscored > 0 {
		fmt.Fprintf(w, "- **Unscored:** %s\n", md(s.unscoredCounts()))
	}
}

// writeMarkdownProviders writes the per-provider summary table, pass
// rates with their Wilson intervals and mean scores with their standard
// errors.
func writeMarkdownProviders(w io.Writer, s *Summary) {
	fmt.Fprint(w, "\n## Providers\n\n")
	if len(s.Providers) == 0 {
		fmt.Fprint(w, "No results.\n")
		return
	}
	fmt.Fprint(w, "| Provider | Model | Results | Pass rate [95% CI] | Mean score ± SE | Errors | p50 ms | p95 ms | TTFT p50 ms | Tokens | Tokens/s | Cost |\n")
	fmt.Fprint(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, p := range s.Providers {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			md(p.Provider), md(p.Model), fmtInt(p.Results), fmtPctCI(p.PassRate, p.PassRateCI), fmtScoreSE(p), fmtInt(p.Errored),
			fmtMs(p.Latency.P50), fmtMs(p.Latency.P95), fmtTTFT(p.TTFT, p.TTFT.P50), fmtInt(p.TokensTotal),
			fmtRate(p.TokensPerSec), FormatCost(p.CostUSD, p.Unpriced))
	}
	if notes := tableNotes(s, true); len(notes) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(notes, " "))
	}
}

// writeMarkdownJudges writes the judges' usage, run-wide and per provider,
// when any judge was called.
func writeMarkdownJudges(w io.Writer, s *Summary) {
	line := s.JudgeLine()
	if line == "" {
		return
	}
	fmt.Fprintf(w, "\n## Judges\n\n%s\n", md(capitalize(line)))
	fmt.Fprint(w, "\n| Provider | Judge calls | From cache | Judge tokens | Judge cost | Models under test |\n")
	fmt.Fprint(w, "|---|--:|--:|--:|--:|--:|\n")
	for _, p := range s.Providers {
		if p.JudgeCalls == 0 {
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", md(p.Provider), fmtInt(p.JudgeCalls), fmtInt(p.JudgeCached),
			fmtInt(p.JudgeTokens), FormatCost(p.JudgeCostUSD, p.JudgeUnpriced), FormatCost(p.ModelCostUSD, p.Unpriced))
	}
}

// writeMarkdownAssertions writes the per-assertion table, when any result
// carries verdicts.
func writeMarkdownAssertions(w io.Writer, b AssertionBreakdown) {
	if len(b.Rows) == 0 {
		return
	}
	fmt.Fprint(w, "\n## Assertions\n\n")
	fmt.Fprint(w, "| Assertion | Verdicts | Passed | Failed | Unscored | Mean score | Position consistency | Note |\n")
	fmt.Fprint(w, "|---|--:|--:|--:|--:|--:|--:|---|\n")
	for _, a := range b.Rows {
		note := ""
		if a.Unscored > 0 {
			note = md(unscoredText(a.UnscoredReason))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", md(a.Name), fmtInt(a.Verdicts), fmtInt(a.Passed),
			fmtInt(a.Failed), fmtInt(a.Unscored), fmtMean(a.MeanScore), fmtConsistency(a), note)
	}
	if b.Truncated {
		fmt.Fprintf(w, "\nTable truncated to %s assertions; %s verdicts of the others are not shown.\n", fmtInt(len(b.Rows)), fmtInt(b.OmittedVerdicts))
	}
}
