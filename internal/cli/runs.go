package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

func (a *app) runsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "runs", Short: "List, show, export and delete stored runs"}
	var limit int
	var status string
	list := &cobra.Command{
		Use: "list", Short: "List runs, newest first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			runs, err := st.ListRuns(cmd.Context(), store.RunFilter{Limit: limit, Status: bench.RunStatus(status)})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tCREATED\tRESULTS\tPASSED\tERRORS\tCOST")
			for _, r := range runs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%d\t%d\t$%.4f\n", r.ID, r.Name, r.Status,
					r.CreatedAt.Local().Format("2006-01-02 15:04"), r.Totals.Results, r.Total, r.Totals.Passed, r.Totals.Errored, r.Totals.CostUSD)
			}
			return tw.Flush()
		},
	}
	list.Flags().IntVar(&limit, "limit", 50, "most runs to list")
	list.Flags().StringVar(&status, "status", "", "only runs with this status")

	show := &cobra.Command{
		Use: "show RUN_ID", Short: "Show a run's summary per provider", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			run, err := getRun(cmd, st, args[0])
			if err != nil {
				return err
			}
			agg := report.NewAggregator(*run)
			for r, err := range st.Results(ctx, run.ID, store.ResultFilter{}) {
				if err != nil {
					return err
				}
				agg.Add(&r)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Run %s  %q  %s  created %s\n\n", run.ID, run.Name, run.Status, run.CreatedAt.Local().Format("2006-01-02 15:04:05"))
			return report.WriteTable(w, agg.Summary(), a.color())
		},
	}
	var outputs []string
	export := &cobra.Command{
		Use: "export RUN_ID", Short: "Write a run's results to files (format from the extension) or JSONL on stdout", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := checkOutputs(outputs); err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			run, err := getRun(cmd, st, args[0])
			if err != nil {
				return err
			}
			results := resultsOf(ctx, st, run.ID)
			if len(outputs) == 0 {
				return report.Write(ctx, cmd.OutOrStdout(), "jsonl", *run, results)
			}
			for _, o := range outputs {
				if err := report.WriteFile(ctx, o, *run, results); err != nil {
					return fmt.Errorf("write %s: %w", o, err)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "Wrote %s\n", o)
			}
			return nil
		},
	}
	export.Flags().StringArrayVar(&outputs, "output", nil, "file to write: .json .jsonl .csv .xml .html .md (repeatable)")
	del := &cobra.Command{
		Use: "delete RUN_ID...", Short: "Delete runs and their results", Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			for _, id := range args {
				run, err := getRun(cmd, st, id)
				if err != nil {
					return err
				}
				if err := st.DeleteRun(cmd.Context(), run.ID); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Deleted run %s\n", run.ID)
			}
			return nil
		},
	}
	cmd.AddCommand(list, show, export, del)
	return cmd
}

func getRun(cmd *cobra.Command, st store.Store, id string) (*bench.Run, error) {
	run, err := st.GetRun(cmd.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, inputErr(fmt.Errorf("run %q not found; see `llm-test-bench runs list`", id))
	}
	return run, err
}

func (a *app) migrateCommand() *cobra.Command {
	return &cobra.Command{
		Use: "migrate", Short: "Apply database migrations (also applied automatically on start)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Database is up to date.")
			return st.Close()
		},
	}
}
