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
	for _, r := range est.Rows {
		cost := "unpriced"
		if r.Priced {
			cost = strings.TrimPrefix(report.FormatUSD(r.CostUSD), "$")
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t\n", r.Provider, r.Calls, r.PromptTokens, r.OutputTokens, cost)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEstimated total: %s (prompt tokens counted with o200k_base; output estimated from max_tokens, the expected answer, or %d tokens)\n", report.FormatUSD(est.TotalUSD), session.DefaultOutputTokens)
	return nil
}
