package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// resultsCommand searches stored results across runs, newest first: by
// run, trace id (a traced run's, seen in a tracing backend), provider,
// case or status.
func (a *app) resultsCommand() *cobra.Command {
	var q store.ResultQuery
	var run, traceID, status string
	var jsonl bool
	cmd := &cobra.Command{
		Use: "results", Short: "Search stored results across runs, newest first", Args: cobra.NoArgs,
		Long: "Search stored results across runs, newest first. --trace-id finds the results of a\n" +
			"traced run ([monitoring] enable_tracing) from a trace id seen in a tracing backend.\n\n" + refHelp,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if q.Limit < 1 || q.Limit > store.MaxPage {
				return configErr("--limit %d: want 1 to %d", q.Limit, store.MaxPage)
			}
			if traceID != "" {
				id, err := trace.TraceIDFromHex(strings.ToLower(traceID))
				if err != nil {
					return configErr("--trace-id %q: want a W3C trace id, 32 hex digits, not all zero", traceID)
				}
				q.TraceID = id.String()
			}
			q.Status = bench.Status(status)
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			if run != "" {
				r, err := getRun(cmd, st, run)
				if err != nil {
					return err
				}
				q.RunID = r.ID
			}
			items, _, err := st.QueryResults(ctx, q)
			if err != nil {
				return fmt.Errorf("search results: %w", err)
			}
			if jsonl {
				enc := json.NewEncoder(cmd.OutOrStdout())
				for i := range items {
					if err := enc.Encode(&items[i]); err != nil {
						return err
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tRUN\tCASE\tPROVIDER\tSTATUS\tPASSED\tSCORE\tTRACE\tSPAN")
			for _, r := range items {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\t%.3g\t%s\t%s\n", r.ID, r.RunID, r.CaseID, r.Provider, r.Status, r.Passed, r.Score,
					dash(r.TraceID), dash(r.SpanID))
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&run, "run", "", "only this run's results (RUN)")
	f.StringVar(&traceID, "trace-id", "", "only the results of this trace (32 hex digits)")
	f.StringVar(&q.Provider, "provider", "", "only this provider's results (vendor:model or label)")
	f.StringVar(&q.CaseID, "case", "", "only this case's results")
	f.StringVar(&status, "status", "", "only results with this status (success, error, timeout, skipped, cancelled)")
	f.IntVar(&q.Limit, "limit", 50, "most results to show")
	f.BoolVar(&jsonl, "jsonl", false, "print the result records as JSON lines")
	return cmd
}

// dash shows an empty value as "-".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
