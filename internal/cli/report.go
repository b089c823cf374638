package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// reportFlags are the options of `report`.
type reportFlags struct {
	output     string
	format     string
	metric     string
	correction string
	alpha      float64
	suite      string
	name       string
	last       int
}

// defaultTrendRuns is how many runs --suite and --name select by default.
const defaultTrendRuns = 10

func (a *app) reportCommand() *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report [RUN...] --output FILE.html|FILE.md",
		Short: "Comparison report of stored runs: matrix with intervals, cost/latency frontier, trends",
		Long: `Writes one report comparing stored runs: a self-contained HTML page (inline
CSS and SVG, no external resources) or GitHub-flavoured Markdown for a
pull-request comment, chosen by the extension of --output (or --format with
--output -).

Every (run, provider) is a column, labelled "provider (#N)", as in compare:
its mean on --metric with a 95% interval drawn as a bar, the paired
differences of every pair of columns with their tests (significant pairs
marked *, p-values adjusted by --correction) and a winner only when one
column is significantly better than every other. Each column also shows its
cost, cost per result, tokens/s and p50/p95 latency, and a scatter of cost
per result against median latency marks the Pareto frontier of quality,
cost and latency. With two runs or more, each provider's mean and interval
is drawn over the runs in creation order.

--suite and --name select the latest --last ended runs of a dataset (as
given to bench --dataset: builtin:NAME or NAME for a built-in, or a file
path or its end) and whose name contains the text; the RUNs given are added
to them. Each run is read once, whatever its size. ` + refHelp,
		Example: `  llm-test-bench report 12 13 --output report.html
  llm-test-bench report --suite builtin:reasoning --last 5 --output trend.md
  llm-test-bench report 12 13 --metric score --output - --format md`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return a.report(cmd, &f, args) },
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "", "report file: .html or .md (a relative path goes under [benchmarks] output_dir when set); - for standard output (with --format)")
	fl.StringVar(&f.format, "format", "", "with --output -: html or md")
	fl.StringVar(&f.metric, "metric", string(analysis.MetricPassed), "passed, score, or an assertion name")
	fl.StringVar(&f.correction, "correction", analysis.CorrectionHolm, "multiple-testing correction across pairs: holm, fdr_bh or none")
	fl.Float64Var(&f.alpha, "alpha", analysis.DefaultAlpha, "significance level of the adjusted p-values")
	fl.StringVar(&f.suite, "suite", "", "select the runs of this dataset (builtin:NAME, NAME, or a file path or its end)")
	fl.StringVar(&f.name, "name", "", "select the runs whose name contains this text (case-insensitive)")
	fl.IntVar(&f.last, "last", defaultTrendRuns, "with --suite or --name: the most recent runs to select")
	return cmd
}

func (a *app) report(cmd *cobra.Command, f *reportFlags, refs []string) error {
	ctx := cmd.Context()
	opt := analysis.MatrixOptions{Metric: analysis.Metric(f.metric), Correction: f.correction, Alpha: f.alpha}
	if err := opt.Validate(); err != nil {
		return configErr("--%v", err)
	}
	format, err := f.check(cmd, refs)
	if err != nil {
		return err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, err := selectReportRuns(cmd, st, f, refs)
	if err != nil {
		return err
	}
	in := make([]report.ComparisonRun, len(runs))
	for i, r := range runs {
		in[i] = report.ComparisonRun{Run: *r, Results: st.Results(ctx, r.ID, store.ResultFilter{})}
	}
	c, err := report.BuildComparison(ctx, in, opt)
	if err != nil {
		return analysisErr(err)
	}
	if f.output == "-" {
		return report.WriteComparison(cmd.OutOrStdout(), format, c)
	}
	out := a.outputPaths([]string{f.output})[0] // under [benchmarks] output_dir, as bench's
	if err := writeFileAtomic(out, func(w io.Writer) error { return report.WriteComparison(w, format, c) }); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "Wrote %s (%d runs, %d columns)\n", out, len(c.Runs), len(c.Matrix.Columns))
	return nil
}

// check validates the flags before the store is opened and returns the
// report's format.
func (f *reportFlags) check(cmd *cobra.Command, refs []string) (string, error) {
	filtered := f.suite != "" || f.name != ""
	switch {
	case f.output == "":
		return "", configErr("--output is required: a .html or .md file, or - with --format html|md")
	case len(refs) == 0 && !filtered:
		return "", configErr("nothing to report: give RUNs, or select runs with --suite or --name")
	case cmd.Flags().Changed("last") && !filtered:
		return "", configErr("--last only applies with --suite or --name")
	case f.last < 1:
		return "", configErr("--last must be at least 1, got %d", f.last)
	case f.output == "-":
		switch f.format {
		case report.ComparisonHTML, report.ComparisonMarkdown:
			return f.format, nil
		case "":
			return "", configErr("--output - needs --format html or md")
		}
		return "", configErr("--format %q: want html or md", f.format)
	case f.format != "":
		return "", configErr("--format only applies with --output -; the file's extension chooses the format")
	}
	format, err := report.ComparisonFormat(f.output)
	if err != nil {
		return "", configErr("--output %s: %v", f.output, err)
	}
	return format, nil
}

// writeFileAtomic writes path through a temporary file in its directory,
// renamed into place once complete, so a failed report leaves no partial
// file behind.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp's 0600 would hide a report from its readers
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}
