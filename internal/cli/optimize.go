package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/optimize"
	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
	"github.com/llm-test-bench/llm-test-bench/internal/profile"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// optimizeFlags are the options of `optimize`.
type optimizeFlags struct {
	quality         float64
	maxLatency      string
	monthlyRequests int64
	metric          string
	rebuild         bool
	jsonOutput      bool
}

func (a *app) optimizeCommand() *cobra.Command {
	var f optimizeFlags
	cmd := &cobra.Command{
		Use:   "optimize [RUN...] --quality-threshold Q [--max-latency D] [--monthly-requests N]",
		Short: "Pick the cheapest model that meets a quality and latency bar, from measured runs",
		Long: `Reads the model profiles (the sums of every finished run, per provider and
model, kept current as runs end), or with RUN arguments only those runs, and
shows for each model its quality (pass rate with a 95% Wilson interval, or
--metric score for the mean score), p95 latency and cost per request: the
measured mean tokens at the pricing table's current price, or the runs'
recorded mean cost for a model the table does not price (the COST FROM
column says which). Then the Pareto frontier of quality, cost and latency,
and the cheapest model whose quality is at least --quality-threshold and
whose p95 latency is at most --max-latency, with its monthly cost for
--monthly-requests requests. Models with fewer than 30 results are flagged
"few samples".

--rebuild first re-derives every profile from the stored runs (after runs
were deleted, or to repair a profile a failed update left behind).

When no model qualifies the reasons are printed and the exit code is 100,
as for a run whose cases failed: the data did not meet the bar. ` + refHelp,
		RunE: func(cmd *cobra.Command, args []string) error { return a.optimize(cmd, args, f) },
	}
	fl := cmd.Flags()
	fl.Float64Var(&f.quality, "quality-threshold", 0, "least quality in [0, 1] (pass rate, or mean score with --metric score)")
	fl.StringVar(&f.maxLatency, "max-latency", "", "largest p95 latency: a duration (2s, 1500ms) or milliseconds; empty for none")
	fl.Int64Var(&f.monthlyRequests, "monthly-requests", 100000, "requests a month, for the monthly cost")
	fl.StringVar(&f.metric, "metric", string(optimize.MetricPassed), "quality: passed (pass rate) or score (mean score)")
	fl.BoolVar(&f.rebuild, "rebuild", false, "re-derive every profile from the stored runs first")
	fl.BoolVar(&f.jsonOutput, "json", false, "print the result as JSON")
	return cmd
}

func (a *app) optimize(cmd *cobra.Command, args []string, f optimizeFlags) error {
	ctx := cmd.Context()
	lat, err := optimize.ParseLatency(f.maxLatency)
	if err != nil {
		return configErr("--max-latency: %v", err)
	}
	if f.rebuild && len(args) > 0 {
		return configErr("--rebuild re-derives the stored profiles; it takes no RUN arguments")
	}
	over, err := pricing.ConfigOverrides(a.cfg)
	if err != nil {
		return configErr("%v", err)
	}
	o := optimize.Options{
		Metric: optimize.Metric(f.metric), QualityThreshold: f.quality, MaxLatency: lat,
		MonthlyRequests: f.monthlyRequests, Prices: pricing.Default().WithOverrides(over), Vendor: a.vendorOf,
	}
	if err := o.Validate(); err != nil {
		return configErr("%v", err)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	profiles, err := a.optimizeInput(cmd, st, args, f.rebuild)
	if err != nil {
		return err
	}
	if len(profiles) == 0 {
		return inputErr(fmt.Errorf("no model profiles yet: run `llm-test-bench bench` (profiles are kept from every finished run), or `optimize --rebuild` to derive them from stored runs"))
	}
	res, err := optimize.Optimize(profiles, o)
	if err != nil {
		return err
	}
	if f.jsonOutput {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	} else {
		err = optimize.WriteText(cmd.OutOrStdout(), res)
	}
	if err != nil {
		return err
	}
	if res.Choice == nil {
		return silentExit(ExitCasesFailed)
	}
	return nil
}

// optimizeInput is what to optimise over: the stored profiles (rebuilt
// first with rebuild), or the given runs' results summed the same way.
func (a *app) optimizeInput(cmd *cobra.Command, st store.Store, refs []string, rebuild bool) ([]store.ModelProfile, error) {
	ctx := cmd.Context()
	if rebuild {
		n, err := profile.Rebuild(ctx, st)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "Rebuilt the model profiles from %d runs (%d results).\n", n.Runs, n.Results)
	}
	if len(refs) == 0 {
		return st.Profiles(ctx)
	}
	return runProfiles(ctx, cmd, st, refs)
}

// runProfiles sums the results of the given runs per (provider, model),
// one run at a time.
func runProfiles(ctx context.Context, cmd *cobra.Command, st store.Store, refs []string) ([]store.ModelProfile, error) {
	byKey := map[store.ProfileKey]*store.ModelProfile{}
	var order []store.ProfileKey
	seen := map[string]bool{}
	for _, ref := range refs {
		run, err := getRun(cmd, st, ref)
		if err != nil {
			return nil, err
		}
		if seen[run.ID] {
			continue
		}
		seen[run.ID] = true
		var b profile.Builder
		for r, err := range st.Results(ctx, run.ID, store.ResultFilter{}) {
			if err != nil {
				return nil, fmt.Errorf("read results of run %s: %w", run.ID, err)
			}
			b.Add(&r)
		}
		parts, err := b.Parts()
		if err != nil {
			return nil, err
		}
		for i := range parts {
			k := store.ProfileKey{Provider: parts[i].Provider, Model: parts[i].Model}
			p := byKey[k]
			if p == nil {
				p = &store.ModelProfile{ProfileStats: store.ProfileStats{Provider: k.Provider, Model: k.Model}}
				byKey[k] = p
				order = append(order, k)
			}
			if err := p.Add(&parts[i]); err != nil {
				return nil, err
			}
			p.Runs++
			p.LastRunID = run.ID
		}
	}
	out := make([]store.ModelProfile, len(order))
	for i, k := range order {
		out[i] = *byKey[k]
	}
	return out, nil
}

// vendorOf is the pricing vendor of a provider id: the type of the
// configured provider its name (before ":") names, as the run resolved it.
func (a *app) vendorOf(provider string) string {
	name, _, _ := strings.Cut(provider, ":")
	return a.cfg.Provider(name).Type
}
