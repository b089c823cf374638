package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// compareFlags are the options of `compare`.
type compareFlags struct {
	models      []string
	datasets    []string
	concurrency int
	repeat      int
	noCache     bool
	metric      string
	correction  string
	alpha       float64
	jsonOutput  bool
	sequential  bool
	batch       int
	seed        uint64
}

func (a *app) compareCommand() *cobra.Command {
	var f compareFlags
	cmd := &cobra.Command{
		Use:   "compare RUN RUN [RUN...] | compare --models P:M,P:M[,...] --dataset FILE",
		Short: "Side-by-side matrix of runs or models: intervals, paired tests, a winner only where significant",
		Long: `Compares every provider of the given runs (each (run, provider) is a column,
labelled "provider (#N)"), or runs --models on --dataset in one run and
compares them.

Each column shows its number of cases and the metric's mean with a 95%
interval (Wilson for --metric passed with one result per case; otherwise
mean +- t*SE over the cases, repetitions of a case averaged first). Every
pair of columns is compared on the cases both have: the mean difference
(row - column in the grid), the paired Cohen's d for graded metrics, and a
two-sided p-value (McNemar's exact test for pass/fail with one result per
case, else the Wilcoxon signed-rank test), adjusted across all pairs by
--correction. Significant pairs are marked *. A column is named the winner
only when it is significantly better than every other column.

--metric is passed (default), score, or an assertion's name.` + sequentialHelp + `

` + refHelp,
		Example: `  llm-test-bench compare --models simulator:sim-large,simulator:echo --dataset builtin:reasoning
  llm-test-bench compare 12 13 14 --metric score --correction fdr_bh --json
  llm-test-bench compare --models simulator:sim-large,simulator:echo --dataset builtin:reasoning --sequential --batch 5`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return a.compare(cmd, &f, args) },
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.models, "models", nil, "providers to run and compare in one run, vendor:model,... (at least 2)")
	fl.StringArrayVar(&f.datasets, "dataset", nil, "with --models: suite or dataset file, or a built-in name (repeatable)")
	fl.IntVar(&f.concurrency, "concurrency", 0, "with --models: calls in flight per provider (default from config: 8)")
	fl.IntVar(&f.repeat, "repeat", 0, "with --models: repetitions of every case (default 1)")
	fl.BoolVar(&f.noCache, "no-cache", false, "with --models: do not read or write the response cache")
	fl.StringVar(&f.metric, "metric", string(analysis.MetricPassed), "passed, score, or an assertion name")
	fl.StringVar(&f.correction, "correction", analysis.CorrectionHolm, "multiple-testing correction across pairs: holm, fdr_bh or none")
	fl.Float64Var(&f.alpha, "alpha", analysis.DefaultAlpha, "significance level of the adjusted p-values")
	fl.BoolVar(&f.jsonOutput, "json", false, "print the matrix as JSON (with --models the run's summary goes to standard error)")
	fl.BoolVar(&f.sequential, "sequential", false, "exactly 2 columns: an anytime-valid test looked at every --batch pairs; with --models, stop the run once it rejects")
	fl.IntVar(&f.batch, "batch", defaultSeqBatch, "with --sequential: new pairs between two looks at the test")
	fl.Uint64Var(&f.seed, "seed", 1, "with --sequential --models: seed of the random order of the cases")
	return cmd
}

func (a *app) compare(cmd *cobra.Command, f *compareFlags, refs []string) error {
	ctx := cmd.Context()
	opt := analysis.MatrixOptions{Metric: analysis.Metric(f.metric), Correction: f.correction, Alpha: f.alpha}
	if err := opt.Validate(); err != nil {
		return configErr("--%v", err)
	}
	if err := f.check(cmd, refs); err != nil {
		return err
	}
	if err := f.checkSequential(cmd, refs); err != nil {
		return err
	}
	var pairer *seqPairer
	if len(f.models) > 0 {
		id, p, err := a.runModels(cmd, f)
		if err != nil {
			return err
		}
		refs, pairer = []string{id}, p
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var sides []*analysis.Side
	var labels []string
	seen := map[string]string{}
	for _, ref := range refs {
		run, err := getRun(cmd, st, ref)
		if err != nil {
			return err
		}
		if prev, ok := seen[run.ID]; ok {
			return configErr("%s and %s name the same run %s", prev, ref, runNumber(run.Seq))
		}
		seen[run.ID] = ref
		s, l, err := runColumns(ctx, st, run, opt.Metric)
		if err != nil {
			return err
		}
		sides, labels = append(sides, s...), append(labels, l...)
	}
	m, err := analysis.CompareMatrix(sides, labels, opt)
	if err != nil {
		return analysisErr(err)
	}
	seq, err := sequentialReport(pairer, sides, labels, f)
	if err != nil {
		return err
	}
	return writeCompare(cmd.OutOrStdout(), m, seq, f.jsonOutput)
}

// sequentialReport is the --sequential section: the live run's, or a
// replay of the stored columns; nil without --sequential.
func sequentialReport(pairer *seqPairer, sides []*analysis.Side, labels []string, f *compareFlags) (*SequentialReport, error) {
	switch {
	case !f.sequential:
		return nil, nil
	case pairer == nil:
		return replaySequential(sides, labels, f)
	}
	rep, err := pairer.finish()
	if err != nil {
		return nil, withCode(ExitInput, err)
	}
	return &rep, nil
}

// writeCompare prints the matrix, and the sequential section when there
// is one; as JSON, the matrix alone, or {"matrix", "sequential"}.
func writeCompare(w io.Writer, m *analysis.Matrix, seq *SequentialReport, asJSON bool) error {
	if !asJSON {
		if err := analysis.WriteMatrix(w, m); err != nil {
			return err
		}
		if seq == nil {
			return nil
		}
		return writeSequential(w, seq)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if seq == nil {
		return enc.Encode(m)
	}
	return enc.Encode(struct {
		Matrix     *analysis.Matrix  `json:"matrix"`
		Sequential *SequentialReport `json:"sequential"`
	}{m, seq})
}

// check tells the two forms apart and refuses a mix of them.
func (f *compareFlags) check(cmd *cobra.Command, refs []string) error {
	runFlags := []string{"dataset", "concurrency", "repeat", "no-cache"}
	switch {
	case len(f.models) > 0 && len(refs) > 0:
		return configErr("give stored RUNs or --models, not both")
	case len(f.models) == 1:
		return configErr("--models: want at least 2 providers to compare, got %s", f.models[0])
	case len(f.models) > 0 && len(f.datasets) == 0:
		return configErr("--models needs --dataset FILE or builtin:NAME")
	case len(f.models) > 0:
		return nil
	case len(refs) == 0:
		return configErr("nothing to compare: give two or more RUNs (or one run of several providers), or --models P:M,P:M --dataset FILE")
	}
	for _, name := range runFlags {
		if cmd.Flags().Changed(name) {
			return configErr("--%s only applies with --models", name)
		}
	}
	return nil
}

// runModels runs the --models on the --dataset in one run, through the
// same session as bench, prints the run's summary, and returns its id.
// Failed cases are what a comparison measures, so they do not end it; a
// run that could not finish (an error, a cancel, the cost limit, no call
// succeeding) does.
//
// With --sequential it also returns the pairer that watched the run and
// may have stopped it: a run stopped so is finished, not cancelled.
func (a *app) runModels(cmd *cobra.Command, f *compareFlags) (string, *seqPairer, error) {
	ctx := cmd.Context()
	o := session.Options{Datasets: f.datasets, Providers: f.models, Concurrency: f.concurrency, Repeat: f.repeat,
		NoCache: f.noCache, Stream: a.cfg.Benchmarks.Stream, Seed: 1}
	watch, pairer, err := f.sequentialWatch(&o)
	if err != nil {
		return "", nil, err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return "", nil, err
	}
	defer st.Close()
	svc := a.session(st)
	defer func() { _ = svc.Close() }()
	p, err := svc.Plan(ctx, o, session.ModeRun)
	if err != nil {
		return "", nil, a.sessionErr(err)
	}
	defer func() { _ = p.Close() }()
	var prepare []func(*session.Run)
	if watch != nil {
		pairer.reps = max(p.Options().Repeat, 1) // the configuration's when --repeat is not given
		prepare = append(prepare, watch)
	}
	run, res, err := a.runPlan(cmd, p, "", nil, prepare...)
	if err != nil {
		return "", nil, err
	}
	if f.jsonOutput {
		// Standard output carries the matrix alone.
		cmd.SetOut(a.io.Stderr)
		defer cmd.SetOut(nil)
	}
	err = a.finish(cmd, run, res, p.Options(), nil, nil)
	if s := silentExit(0); errors.As(err, &s) && int(s) == ExitCasesFailed {
		err = nil
	}
	if res.StoppedBy == session.StopEarly && res.Err == nil {
		err = nil // the test stopped it: stored cancelled, with the reason
	}
	if err != nil {
		return "", nil, err
	}
	fmt.Fprintln(cmd.OutOrStdout())
	return run.ID(), pairer, nil
}

// runColumns collects one column per provider of a stored run, in one
// pass over its results.
func runColumns(ctx context.Context, st store.Store, run *bench.Run, m analysis.Metric) ([]*analysis.Side, []string, error) {
	source := "run " + runNumber(run.Seq) + " " + run.ID
	sides, err := analysis.CollectEach(ctx, source, st.Results(ctx, run.ID, store.ResultFilter{}), m)
	if err != nil {
		return nil, nil, analysisErr(err)
	}
	labels := make([]string, len(sides))
	for i, side := range sides {
		labels[i] = report.ColumnLabel(side.Provider, run.Seq)
	}
	return sides, labels, nil
}
