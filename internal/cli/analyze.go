package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// analyzeFlags are the options of `analyze`.
type analyzeFlags struct {
	baseline, comparison         string
	baseProvider, compProvider   string
	metrics                      []string
	correction                   string
	margin, alpha                float64
	failOnRegression, jsonOutput bool
	// --power: cases needed, from the baseline's spread.
	power             bool
	drop, probability float64
}

func (a *app) analyzeCommand() *cobra.Command {
	var f analyzeFlags
	cmd := &cobra.Command{
		Use:   "analyze --baseline RUN|FILE --comparison RUN|FILE",
		Short: "Regression gate: is the comparison no worse than the baseline on the same cases?",
		Long: `Pairs the results of two runs on their cases and runs a one-sided paired
non-inferiority t-test: the comparison passes when the lower confidence bound
of mean(comparison - baseline) is above -margin, and is a regression
otherwise. Repetitions of a case are averaged first, so n is the number of
cases both sides ran. Also shown: both means, the difference with its
two-sided (1-2*alpha) interval, and McNemar's exact p-value (pass/fail, one
result per case) or the Wilcoxon signed-rank p-value.

--metric is passed (default), score, or an assertion's name. The margin is in
the metric's units: 0.02 tolerates a 2-point loss of pass rate that the data
cannot rule out; --margin 0 tolerates none, so the comparison must be shown
better (two identical runs fail).

Several metrics (--metric passed,score,rouge-l) are each gated with the same
margin, and the comparison is a regression when any of them is; their tests of
a difference are adjusted across the metrics by --correction (Holm by
default) and marked * when significant after it. With --json, one metric
prints the report, several print {"correction", "alpha", "reports", "verdict"}.

A FILE is a JSONL file of results (runs export RUN, or bench --output x.jsonl);
any other argument is a run. ` + refHelp + `

With --fail-on-regression a regression exits 2.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.analyze(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.baseline, "baseline", "", "the reference: RUN or results FILE (.jsonl)")
	fl.StringVar(&f.comparison, "comparison", "", "the candidate checked against it: RUN or results FILE (.jsonl)")
	fl.StringSliceVar(&f.metrics, "metric", []string{string(analysis.MetricPassed)}, "passed, score, or an assertion name; several, comma-separated, are each gated")
	fl.StringVar(&f.correction, "correction", analysis.CorrectionHolm, "with several metrics: adjustment of their tests of a difference: holm, fdr_bh or none")
	fl.Float64Var(&f.margin, "margin", analysis.DefaultMargin, "largest tolerated loss, in metric units (0 = none)")
	fl.Float64Var(&f.alpha, "alpha", analysis.DefaultAlpha, "one-sided significance level")
	fl.StringVar(&f.baseProvider, "baseline-provider", "", "provider to use from the baseline (required when it holds several)")
	fl.StringVar(&f.compProvider, "comparison-provider", "", "provider to use from the comparison (required when it holds several)")
	fl.BoolVar(&f.failOnRegression, "fail-on-regression", false, "exit 2 when the verdict is a regression")
	fl.BoolVar(&f.jsonOutput, "json", false, "print the report as JSON")
	fl.BoolVar(&f.power, "power", false, "instead of comparing: the cases the gate needs, from the baseline's spread (no --comparison)")
	fl.Float64Var(&f.drop, "drop", 0.10, "with --power: the real loss the gate should catch")
	fl.Float64Var(&f.probability, "probability", 0.8, "with --power: the chance wanted of passing an unchanged model and of catching the drop")
	_ = cmd.MarkFlagRequired("baseline")
	return cmd
}

func (a *app) analyze(cmd *cobra.Command, f analyzeFlags) error {
	ctx := cmd.Context()
	if f.comparison == "" && !f.power {
		return configErr("--comparison is required (or --power, which needs only --baseline)")
	}
	metrics, err := f.metricList()
	if err != nil {
		return err
	}
	opt := analysis.Options{Metric: metrics[0], Margin: f.margin, Alpha: f.alpha}
	for _, m := range metrics {
		opt.Metric = m
		if err := opt.Validate(); err != nil {
			return configErr("--%v", err)
		}
	}
	if err := (analysis.MatrixOptions{Metric: metrics[0], Correction: f.correction, Alpha: f.alpha}).Validate(); err != nil {
		return configErr("--%v", err)
	}
	if f.power && len(metrics) > 1 {
		return configErr("--power takes one --metric, got %d", len(metrics))
	}
	var st store.Store
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	open := func() (store.Store, error) {
		if st == nil {
			s, err := a.openStore(ctx)
			if err != nil {
				return nil, err
			}
			st = s
		}
		return st, nil
	}
	if f.power {
		base, err := collectSide(ctx, cmd, open, "--baseline", f.baseline, f.baseProvider, metrics[0])
		if err != nil {
			return err
		}
		return a.analyzePower(cmd, base, f)
	}
	bases, comps := make([]*analysis.Side, len(metrics)), make([]*analysis.Side, len(metrics))
	for i, m := range metrics {
		if bases[i], err = collectSide(ctx, cmd, open, "--baseline", f.baseline, f.baseProvider, m); err != nil {
			return err
		}
		if comps[i], err = collectSide(ctx, cmd, open, "--comparison", f.comparison, f.compProvider, m); err != nil {
			return err
		}
	}
	regression, err := writeGate(cmd, metrics, bases, comps, opt, f)
	if err != nil {
		return err
	}
	if f.failOnRegression && regression {
		return silentExit(ExitRegression)
	}
	return nil
}

// metricList returns the --metric names, each once, in the order given.
func (f *analyzeFlags) metricList() ([]analysis.Metric, error) {
	var out []analysis.Metric
	seen := map[string]bool{}
	for _, m := range f.metrics {
		m = strings.TrimSpace(m)
		switch {
		case m == "":
			return nil, configErr("--metric: an empty name in %q", strings.Join(f.metrics, ","))
		case seen[m]:
			return nil, configErr("--metric: %s given twice", m)
		}
		seen[m] = true
		out = append(out, analysis.Metric(m))
	}
	if len(out) == 0 {
		return nil, configErr("--metric: want at least one metric")
	}
	return out, nil
}

// writeGate compares the sides, one metric or several, prints the outcome
// and reports whether it is a regression.
func writeGate(cmd *cobra.Command, metrics []analysis.Metric, bases, comps []*analysis.Side, opt analysis.Options, f analyzeFlags) (bool, error) {
	if len(metrics) == 1 {
		rep, err := analysis.Compare(bases[0], comps[0], opt)
		if err != nil {
			return false, analysisErr(err)
		}
		return rep.Regression(), writeAnalysis(cmd, rep, f.jsonOutput)
	}
	g, err := analysis.CompareMetrics(metrics, bases, comps, opt, f.correction)
	if err != nil {
		return false, analysisErr(err)
	}
	if f.jsonOutput {
		return g.Regression(), writeJSON(cmd, g)
	}
	return g.Regression(), analysis.WriteGate(cmd.OutOrStdout(), g)
}

// analyzePower prints the cases the gate needs, from the baseline's spread.
func (a *app) analyzePower(cmd *cobra.Command, base *analysis.Side, f analyzeFlags) error {
	p, err := analysis.PowerOf(base, analysis.PowerOptions{Margin: f.margin, Alpha: f.alpha, Drop: f.drop, Power: f.probability})
	if analysis.IsInputError(err) {
		return inputErr(err)
	}
	if err != nil {
		return configErr("--power: %v", err)
	}
	if f.jsonOutput {
		return writeJSON(cmd, p)
	}
	return analysis.WritePower(cmd.OutOrStdout(), p)
}

// collectSide reads one side: a results file when ref names one, else a
// stored run.
func collectSide(ctx context.Context, cmd *cobra.Command, open func() (store.Store, error), flag, ref, provider string, m analysis.Metric) (*analysis.Side, error) {
	var side *analysis.Side
	err := readSide(ctx, cmd, open, flag, ref, func(source string, rs iter.Seq2[bench.Result, error]) (err error) {
		side, err = analysis.Collect(ctx, source, rs, m, provider)
		var pe *analysis.ProviderError
		if errors.As(err, &pe) {
			err = fmt.Errorf("%s: %w; set %s-provider", flag, err, flag)
		}
		return analysisErr(err)
	})
	return side, err
}

// collectSides reads every provider's side of ref in one pass.
func collectSides(ctx context.Context, cmd *cobra.Command, open func() (store.Store, error), flag, ref string, m analysis.Metric) ([]*analysis.Side, error) {
	var sides []*analysis.Side
	err := readSide(ctx, cmd, open, flag, ref, func(source string, rs iter.Seq2[bench.Result, error]) (err error) {
		sides, err = analysis.CollectEach(ctx, source, rs, m)
		return analysisErr(err)
	})
	return sides, err
}

// readSide calls f with the results ref names and a name for them: a
// results file when ref names one, else a stored run.
func readSide(ctx context.Context, cmd *cobra.Command, open func() (store.Store, error), flag, ref string,
	f func(source string, rs iter.Seq2[bench.Result, error]) error) error {
	isFile, err := resultsFile(ref)
	if err != nil {
		return inputErr(fmt.Errorf("%s: %w", flag, err))
	}
	if isFile {
		file, err := os.Open(ref)
		if err != nil {
			return inputErr(err)
		}
		defer file.Close()
		return f(ref, analysis.ReadResults(file, ref))
	}
	st, err := open()
	if err != nil {
		return err
	}
	run, err := getRun(cmd, st, ref)
	if err != nil {
		return fmt.Errorf("%s: %w", flag, err)
	}
	return f("run "+runNumber(run.Seq)+" "+run.ID, st.Results(ctx, run.ID, store.ResultFilter{}))
}

// resultsFile tells a FILE from a RUN: an existing file is a FILE; a
// missing path that looks like one (a separator or a .jsonl/.json
// extension) is an error rather than a run reference.
func resultsFile(ref string) (bool, error) {
	fi, err := os.Stat(ref)
	switch {
	case err == nil && fi.IsDir():
		return false, fmt.Errorf("%s is a directory, not a results file", ref)
	case err == nil:
		return true, nil
	case !errors.Is(err, fs.ErrNotExist):
		return false, err
	}
	ext := strings.ToLower(filepath.Ext(ref))
	if strings.ContainsRune(ref, filepath.Separator) || strings.ContainsRune(ref, '/') || ext == ".jsonl" || ext == ".json" {
		return false, fmt.Errorf("results file %s not found", ref)
	}
	return false, nil
}

// analysisErr marks errors about the given results as input errors.
func analysisErr(err error) error {
	if analysis.IsInputError(err) {
		return inputErr(err)
	}
	return err
}

func writeAnalysis(cmd *cobra.Command, rep *analysis.Report, asJSON bool) error {
	if !asJSON {
		return analysis.WriteTable(cmd.OutOrStdout(), rep)
	}
	return writeJSON(cmd, rep)
}

// writeJSON prints v as indented JSON on standard output.
func writeJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
