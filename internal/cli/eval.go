package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

type evalFlags struct {
	run     string
	outputs string
	opts    session.EvalOptions
	tags    []string
}

func (a *app) evalCommand() *cobra.Command {
	f := &evalFlags{}
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score answers again with the suite's current assertions, without calling the models",
		Long: `Score answers already given, into a new run, with the suites' current assertions.

--run RUN re-scores a stored run: its datasets as saved, or --dataset for moved
or changed files. The old run is left as it was; the new one is tagged
rescored_from=RUN. Answers whose call failed are copied unscored; answers whose
case is no longer in the datasets are copied with their old verdict and counted.

--outputs FILE scores answers produced elsewhere: JSON lines
{"case_id": ..., "output": ..., "prompt_id", "provider", "repetition", "latency_ms"}
(the last four optional). Every line is checked before anything is stored.

No model under test is called; model-graded assertions call their judges, as
in a run (cached). The new run's cost is what the judges cost.`,
		Example: `  llm-test-bench eval --run 12
  llm-test-bench eval --run 12 --dataset suite.yaml
  llm-test-bench eval --outputs answers.jsonl --dataset suite.yaml --provider my-model`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runEval(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.run, "run", "", "stored run to re-score (id, id prefix or #N)")
	fl.StringVar(&f.outputs, "outputs", "", "JSON-lines file of answers produced elsewhere")
	fl.StringArrayVar(&f.opts.Datasets, "dataset", nil, "suite whose assertions score the answers (repeatable; with --run, replaces the run's saved datasets)")
	fl.StringVar(&f.opts.Provider, "provider", "", "with --outputs: the provider of lines without one (default \"external\")")
	fl.StringVar(&f.opts.Name, "name", "", "name of the new run (default \"eval of #N\")")
	fl.StringArrayVar(&f.tags, "tag", nil, "tag the new run, k=v (repeatable)")
	fl.BoolVar(&f.opts.NoCache, "no-cache", false, "do not read or write the judge cache")
	fl.BoolVar(&f.opts.Simulate, "simulate", false, "send the judges' calls to the built-in simulator (a simulated run's judges stay simulated)")
	return cmd
}

func (a *app) runEval(cmd *cobra.Command, f *evalFlags) error {
	switch {
	case (f.run == "") == (f.outputs == ""):
		return configErr("pass either --run RUN or --outputs FILE --dataset FILE")
	case f.run != "" && f.opts.Provider != "":
		return configErr("--provider names the answers of --outputs; a stored run's answers keep their providers")
	}
	tags, err := parseTags(f.tags)
	if err != nil {
		return err
	}
	f.opts.Tags = tags
	ctx := cmd.Context()
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := a.session(st)
	defer func() { _ = svc.Close() }()
	var res session.EvalResult
	if f.run != "" {
		res, err = svc.Rescore(ctx, f.run, f.opts)
	} else {
		res, err = svc.ScoreOutputs(ctx, f.outputs, f.opts)
	}
	if res.Summary == nil {
		return a.sessionErr(err)
	}
	w := cmd.OutOrStdout()
	s := res.Summary
	if werr := report.WriteTable(w, s, a.color()); werr != nil {
		return werr
	}
	fmt.Fprintf(w, "\nRun %s %s: %d results, %d passed, %d failed, %d errors, %s\n", res.Run.ID, res.Run.Status, s.Total, s.Passed, s.Failed-s.Errored, s.Errored, report.FormatCost(s.CostUSD, s.Unpriced))
	fmt.Fprintf(w, "Scored %d answers; copied %d failed calls unscored", res.Scored, res.Errored)
	if res.NoCase > 0 {
		fmt.Fprintf(w, "; %d answers have no case in the datasets and keep their old verdict", res.NoCase)
	}
	fmt.Fprintln(w)
	return a.exitFor(&res.Run, s, a.sessionErr(err), session.Options{}, false)
}
