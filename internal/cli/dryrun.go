package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// printEstimate prints a dry run's table.
func printEstimate(w io.Writer, est *session.Estimate) error {
	fmt.Fprintf(w, "Dry run: %d cases, nothing was called.\n\n", est.Cases)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "provider\tcalls\tprompt tokens\test. output tokens\test. cost (USD)\t")
	row := func(label string, r session.EstimateRow) {
		cost := "unpriced"
		if r.Priced {
			cost = strings.TrimPrefix(report.FormatUSD(r.CostUSD), "$")
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t\n", label, r.Calls, r.PromptTokens, r.OutputTokens, cost)
	}
	for _, r := range est.Rows {
		row(r.Provider, r)
	}
	for _, r := range est.Judges {
		row("judge "+r.Provider, r)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEstimated total: %s (prompt tokens counted with o200k_base; output estimated from max_tokens, the expected answer, or %d tokens", report.FormatUSD(est.TotalUSD), session.DefaultOutputTokens)
	if len(est.Judges) > 0 {
		fmt.Fprint(w, "; judge calls as if none were cached")
	}
	fmt.Fprintln(w, ")")
	return nil
}
