package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// baselineGate is bench --baseline: the finished run checked against a
// baseline as `analyze --fail-on-regression` would, one provider at a time.
type baselineGate struct {
	ref    string  // RUN or results FILE
	margin float64 // --margin
}

// check tells, before anything is called, that the baseline exists.
func (g *baselineGate) check(cmd *cobra.Command, a *app, st store.Store) error {
	if g == nil {
		return nil
	}
	opt := analysis.Options{Metric: analysis.MetricPassed, Margin: g.margin, Alpha: analysis.DefaultAlpha}
	if err := opt.Validate(); err != nil {
		return configErr("--%v", err)
	}
	isFile, err := resultsFile(g.ref)
	if err != nil {
		return inputErr(fmt.Errorf("--baseline: %w", err))
	}
	if !isFile {
		if _, err := getRun(cmd, st, g.ref); err != nil {
			return fmt.Errorf("--baseline: %w", err)
		}
	}
	return nil
}

// regressed compares each provider of the finished run with the baseline
// (its provider of the same id, or its only one), prints each report, and
// tells whether any is a regression.
func (g *baselineGate) regressed(ctx context.Context, cmd *cobra.Command, a *app, s *report.Summary) (bool, error) {
	st, err := a.openStore(ctx)
	if err != nil {
		return false, err
	}
	defer st.Close()
	open := func() (store.Store, error) { return st, nil }
	opt := analysis.Options{Metric: analysis.MetricPassed, Margin: g.margin, Alpha: analysis.DefaultAlpha}
	regressed := false
	for _, p := range s.Providers {
		base, err := collectSide(ctx, cmd, open, "--baseline", g.ref, "", opt.Metric)
		if err != nil {
			// A baseline of several providers: take the one of this id.
			if base, err = collectSide(ctx, cmd, open, "--baseline", g.ref, p.Provider, opt.Metric); err != nil {
				return false, err
			}
		}
		comp, err := analysis.Collect(ctx, "this run, "+p.Provider, st.Results(ctx, s.Run.ID, store.ResultFilter{}), opt.Metric, p.Provider)
		if err != nil {
			return false, analysisErr(err)
		}
		rep, err := analysis.Compare(base, comp, opt)
		if err != nil {
			return false, analysisErr(err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "\nAgainst the baseline (%s):\n", p.Provider)
		if err := analysis.WriteTable(cmd.OutOrStdout(), rep); err != nil {
			return false, err
		}
		regressed = regressed || rep.Regression()
	}
	return regressed, nil
}
