package cli

import (
	"cmp"
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
	bases, err := collectSides(ctx, cmd, open, "--baseline", g.ref, opt.Metric)
	if err != nil {
		return false, err
	}
	comps, err := analysis.CollectEach(ctx, "this run", st.Results(ctx, s.Run.ID, store.ResultFilter{}), opt.Metric)
	if err != nil {
		return false, analysisErr(err)
	}
	regressed := false
	for _, comp := range comps {
		comp.Source = "this run, " + comp.Provider
		base := baselineOf(bases, comp.Provider)
		if base == nil {
			// The error analyze gives for a provider the baseline lacks.
			_, err := collectSide(ctx, cmd, open, "--baseline", g.ref, comp.Provider, opt.Metric)
			return false, cmp.Or(err, fmt.Errorf("--baseline has no results of %s", comp.Provider))
		}
		rep, err := analysis.Compare(base, comp, opt)
		if err != nil {
			return false, analysisErr(err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "\nAgainst the baseline (%s):\n", comp.Provider)
		if err := analysis.WriteTable(cmd.OutOrStdout(), rep); err != nil {
			return false, err
		}
		regressed = regressed || rep.Regression()
	}
	return regressed, nil
}

// baselineOf is the baseline side to compare provider with: the
// baseline's only provider, or its provider of the same id (nil if none).
func baselineOf(bases []*analysis.Side, provider string) *analysis.Side {
	if len(bases) == 1 {
		return bases[0]
	}
	for _, b := range bases {
		if b.Provider == provider {
			return b
		}
	}
	return nil
}
