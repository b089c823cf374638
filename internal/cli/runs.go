package cli

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/backend"
)

// refHelp says what a RUN argument may be.
const refHelp = "RUN is a run id, a unique prefix of at least 6 characters, or the run number shown by `runs list` (12, or '#12' quoted: a shell takes a bare # for a comment)."

func (a *app) runsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "runs", Short: "List, show, export and delete stored runs", Long: "List, show, export and delete stored runs.\n\n" + refHelp}
	cmd.AddCommand(a.runsListCommand(), a.runsShowCommand(), a.runsExportCommand(), a.runsDeleteCommand())
	return cmd
}

func (a *app) runsListCommand() *cobra.Command {
	var limit int
	var status, suite, name string
	list := &cobra.Command{
		Use: "list", Short: "List runs, newest first", Args: cobra.NoArgs,
		Long: "List runs, newest first. A run shown as interrupted was running when its process\nstopped (killed, crashed, machine lost); resume it with the command printed below the table.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			runs, err := pageRuns(cmd, st, store.RunQuery{Status: bench.RunStatus(status), Suite: suite, Name: name}, limit, nil)
			if err != nil {
				return err
			}
			// A finished run's totals were counted from its results when it
			// finished; a running or interrupted run's are counted now, in
			// one query for all of them.
			var open []string
			for _, r := range runs {
				if r.Status == bench.RunRunning || r.Status == bench.RunInterrupted {
					open = append(open, r.ID)
				}
			}
			counted, err := st.Totals(ctx, open...)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tRUN\tNAME\tSTATUS\tCREATED\tRESULTS\tPASSED\tERRORS\tCOST")
			var interrupted []bench.Run
			for _, r := range runs {
				t := r.Totals
				if c, ok := counted[r.ID]; ok || r.Status == bench.RunRunning || r.Status == bench.RunInterrupted {
					t = c
				}
				if r.Status == bench.RunInterrupted {
					interrupted = append(interrupted, r)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d/%d\t%d\t%d\t%s\n", r.ID, runNumber(r.Seq), r.Name, r.Status,
					r.CreatedAt.Local().Format("2006-01-02 15:04"), t.Results, r.Total, t.Passed, t.Errored, report.FormatUSD(t.CostUSD))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, r := range interrupted {
				fmt.Fprintf(w, "\nRun %s was interrupted; resume it with:\n  %s\n", runNumber(r.Seq), a.resumeCommand(r.ID))
			}
			return nil
		},
	}
	list.Flags().IntVar(&limit, "limit", 50, "most runs to list")
	list.Flags().StringVar(&status, "status", "", "only runs with this status (running, interrupted, completed, failed, cancelled, cost_limit)")
	list.Flags().StringVar(&suite, "suite", "", "only runs of this dataset (builtin:NAME, NAME, or a file path or its end)")
	list.Flags().StringVar(&name, "name", "", "only runs whose name contains this text (case-insensitive)")
	return list
}

func (a *app) runsShowCommand() *cobra.Command {
	return &cobra.Command{
		Use: "show RUN", Short: "Show a run's summary per provider", Args: cobra.ExactArgs(1), Long: "Show a run's summary per provider.\n\n" + refHelp,
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
			sum, err := report.Summarize(ctx, *run, st.Results(ctx, run.ID, store.ResultFilter{}))
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Run %s %s  %q  %s  %d/%d results  created %s\n", run.ID, runNumber(run.Seq), run.Name, run.Status,
				sum.Total, run.Total, run.CreatedAt.Local().Format("2006-01-02 15:04:05"))
			if run.Status == bench.RunInterrupted {
				fmt.Fprintf(w, "Interrupted (no sign of life since %s); resume it with:\n  %s\n",
					store.LastSeen(run).Local().Format("2006-01-02 15:04:05"), a.resumeCommand(run.ID))
			}
			fmt.Fprintln(w)
			return report.WriteTable(w, sum, a.color())
		},
	}
}

func (a *app) runsExportCommand() *cobra.Command {
	var outputs []string
	export := &cobra.Command{
		Use: "export RUN", Short: "Write a run's results to files (format from the extension) or JSONL on stdout", Args: cobra.ExactArgs(1),
		Long: "Write a run's results to files (format from the extension) or JSONL on stdout.\n\n" + refHelp,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := a.checkOutputs(ctx, outputs); err != nil {
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
			results := func() iter.Seq2[bench.Result, error] { return st.Results(ctx, run.ID, store.ResultFilter{}) }
			if len(outputs) == 0 {
				// JSONL reads no summary: one pass straight to stdout.
				return report.Render(ctx, cmd.OutOrStdout(), report.FormatJSONL, *run, &report.Summary{Run: *run}, results())
			}
			s, err := report.Summarize(ctx, *run, results())
			if err != nil {
				return err
			}
			err = report.WriteAll(ctx, outputs, *run, s, results())
			failed := report.Failed(err)
			for _, o := range outputs {
				if !failed[o] {
					fmt.Fprintf(cmd.ErrOrStderr(), "Wrote %s\n", o)
				}
			}
			return err
		},
	}
	export.Flags().StringArrayVar(&outputs, "output", nil, "file to write: .json .jsonl .csv .xml .html .md, or plugin:NAME=FILE for an exporter plugin (repeatable)")
	return export
}

func (a *app) runsDeleteCommand() *cobra.Command {
	return &cobra.Command{
		Use: "delete RUN...", Short: "Delete runs and their results", Args: cobra.MinimumNArgs(1), Long: "Delete runs and their results.\n\n" + refHelp,
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
				fmt.Fprintf(cmd.OutOrStdout(), "Deleted run %s %s\n", run.ID, runNumber(run.Seq))
			}
			return nil
		},
	}
}

// getRun resolves a run reference; a reference that names no run, or
// several, is an input error that says why.
func getRun(cmd *cobra.Command, st store.RunStore, ref string) (*bench.Run, error) {
	run, err := st.GetRun(cmd.Context(), ref)
	if err == nil {
		return run, nil
	}
	var re *store.RefError
	switch {
	case errors.Is(err, store.ErrAmbiguous), errors.Is(err, store.ErrRefTooShort):
		return nil, inputErr(err)
	case errors.As(err, &re):
		return nil, inputErr(fmt.Errorf("%w; see `llm-test-bench runs list`", err))
	case errors.Is(err, store.ErrNotFound):
		return nil, inputErr(fmt.Errorf("run %q not found; see `llm-test-bench runs list`", ref))
	}
	return nil, err
}

// runNumber formats a run's number ("#12"), or "-" for a run stored by a
// version without numbers.
func runNumber(seq int64) string {
	if seq <= 0 {
		return "-"
	}
	return fmt.Sprintf("#%d", seq)
}

// resumeCommand is the command that resumes runID, with --db when the
// store was chosen by --db (without it the command would open the default
// store and not find the run). A password in the URL is masked, never
// printed.
func (a *app) resumeCommand(runID string) string {
	c := "llm-test-bench bench --resume " + runID
	if a.dbURL != "" {
		c += " --db " + shellQuote(backend.Redact(a.dbURL))
	}
	return c
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// characters that are safe bare.
func shellQuote(s string) string {
	safe := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r)
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !safe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (a *app) migrateCommand() *cobra.Command {
	return &cobra.Command{
		Use: "migrate", Short: "Apply database migrations (also applied on start unless [storage] enable_migrations = false)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// migrate is how a store opened with migrations off is brought
			// up to date, so it always migrates.
			a.cfg.Storage.EnableMigrations = true
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Database is up to date.")
			return st.Close()
		},
	}
}
