package cli

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/calibrate"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// calibrationDraws is how many Monte Carlo draws make the corrected
// rate's interval: enough that its ends move by well under 0.005 from
// one seed to another.
const calibrationDraws = 10000

func (a *app) judgeCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "judge", Short: "Measure LLM judges against human labels"}
	cmd.AddCommand(a.judgeCalibrateCommand())
	return cmd
}

type calibrateFlags struct {
	dataset, judge, typ, rubric string
	concurrency                 int
	json                        bool
	maxCost                     float64
	noCache, simulate           bool
	seed                        uint64
	run, metric                 string
}

const calibrateLong = `Grade a labelled set with a judge and measure how often it agrees with the
humans, then (with --run) correct a run's judge-scored pass rate for the
judge's measured error.

The set is JSON lines (.jsonl), a JSON array (.json) or a YAML list (.yaml),
all graded or all pairwise:
  graded    {"id"?, "input", "output", "expected"?, "context"?, "rubric"|"criteria"?, "label"}
            label true/false (the answer passes) or a number (the human's score)
  pairwise  {"id"?, "input", "output_1", "output_2", "rubric"|"criteria"?, "label"}
            label 1 or 2 (the better answer) or 0 (a tie): LLMBar's format
A "metadata" field may hold anything; any other field is an error.

Graded items are scored by --type (default llm-rubric) with the item's rubric,
else --rubric, as its value; pairwise items by --type (default pairwise), which
compares output_1 with the baseline output_2 in both orders and takes no rubric
(select-best takes its criteria from the rubric). Unscored verdicts are counted
apart and left out of every statistic.

Reported, with 95% intervals: accuracy, sensitivity and specificity (Wilson),
Cohen's kappa (large-sample standard error of Fleiss, Cohen and Everitt),
Spearman's rho for numeric labels (average ranks for ties), and for pairwise
sets agreement with and without ties and position consistency.

--run RUN --metric NAME reads the share of the run's results whose score NAME
passed (unscored left out; NAME defaults to the type) and corrects it with
Rogan–Gladen, p = (q + Sp − 1) / (Se + Sp − 1) clipped to [0, 1]. The interval
is the percentile interval over draws of q, Se and Sp from their Jeffreys
Beta distributions (seeded by --seed), so it carries the uncertainty of the
labelled set as well as of the run. It refuses when Se + Sp − 1 ≤ 0.05.

Exit codes: 3 bad flags or a type that does not fit the set, 4 a bad set, an
unknown run or a correction that cannot be made, 6 --max-cost reached.`

func (a *app) judgeCalibrateCommand() *cobra.Command {
	f := &calibrateFlags{}
	cmd := &cobra.Command{
		Use:   "calibrate",
		Short: "Measure a judge against human labels; correct a run's judge-scored pass rate",
		Long:  calibrateLong + "\n\n" + refHelp,
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runCalibrate(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.dataset, "dataset", "", "labelled set: .jsonl, .json or .yaml (required)")
	fl.StringVar(&f.judge, "judge", "", "judge provider, vendor:model or a configured provider (default: [evaluation] judge_provider)")
	fl.StringVar(&f.typ, "type", "", "assertion type that grades (default: llm-rubric for graded sets, pairwise for pairwise sets)")
	fl.StringVar(&f.rubric, "rubric", "", "rubric or criteria for items without their own")
	fl.IntVar(&f.concurrency, "concurrency", 4, "items graded at once")
	fl.BoolVar(&f.json, "json", false, "print the report as JSON")
	fl.Float64Var(&f.maxCost, "max-cost", 0, "stop when the judge has spent this many USD (0: no cap)")
	fl.BoolVar(&f.noCache, "no-cache", false, "do not use or fill the judge cache")
	fl.BoolVar(&f.simulate, "simulate", false, "send the judge's calls to the built-in simulator (checks the wiring, not the judge)")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the corrected rate's interval")
	fl.StringVar(&f.run, "run", "", "run whose judge-scored pass rate to correct")
	fl.StringVar(&f.metric, "metric", "", "score of the run to correct (default: the type)")
	_ = cmd.MarkFlagRequired("dataset")
	return cmd
}

func (a *app) runCalibrate(cmd *cobra.Command, f *calibrateFlags) error {
	ctx := cmd.Context()
	switch {
	case f.concurrency < 1:
		return configErr("--concurrency %d: want at least 1", f.concurrency)
	case f.maxCost < 0:
		return configErr("--max-cost %g: want 0 (no cap) or more", f.maxCost)
	case f.metric != "" && f.run == "":
		return configErr("--metric names a score of the run given with --run")
	}
	set, err := calibrate.Load(f.dataset)
	if err != nil {
		return inputErr(err)
	}
	g, err := calibrate.NewGrader(set, calibrate.Options{Type: f.typ, Judge: f.judge, Rubric: f.rubric, Concurrency: f.concurrency, MaxCost: f.maxCost})
	if err != nil {
		return withCode(ExitConfig, err)
	}
	var rate *calibrate.RunRate
	if f.run != "" {
		if set.Labels != calibrate.BinaryLabels {
			return configErr("--run: correcting a pass rate needs a set with true/false labels; %s has %s labels", set.File, set.Labels)
		}
		if rate, err = a.runRate(cmd, f.run, cmp.Or(f.metric, g.Type())); err != nil {
			return err
		}
	}
	svc := a.session(nil)
	defer func() { _ = svc.Close() }()
	judges := svc.Judges(session.JudgeOptions{NoCache: f.noCache, Simulate: f.simulate, MaxCost: f.maxCost})
	defer func() { _ = judges.Close() }()
	if eval.UsesOf(g.Type())&eval.UsesJudge != 0 {
		// Resolve the judge once before grading: a judge that cannot be
		// built (unknown vendor, no key) is the operator's to fix, not
		// twenty unscored verdicts.
		if _, err := judges.For("").Judge(ctx, f.judge); err != nil {
			return configErr("--judge: %v", err)
		}
	}
	verdicts, err := g.Grade(ctx, calibrationJudges{judges})
	if errors.Is(err, calibrate.ErrCostLimit) {
		return withCode(ExitCostLimit, fmt.Errorf("%w; nothing is reported for a set graded in part: raise --max-cost", err))
	}
	if err != nil {
		return err
	}
	r := calibrate.Build(set, verdicts, g.Type(), cmp.Or(f.judge, a.cfg.Evaluation.JudgeProvider), judges.Spent())
	var correctErr error
	if rate != nil {
		if err := r.Correct(rate, calibrationDraws, f.seed); err != nil {
			correctErr = inputErr(fmt.Errorf("cannot correct the pass rate of run %s: %w", rate.Run, err))
		}
	}
	if err := a.writeCalibration(cmd, r, f.json); err != nil {
		return err
	}
	return correctErr
}

// runRate reads the judge-scored pass rate of a stored run.
func (a *app) runRate(cmd *cobra.Command, ref, metric string) (*calibrate.RunRate, error) {
	st, err := a.openStore(cmd.Context())
	if err != nil {
		return nil, err
	}
	defer st.Close()
	run, err := getRun(cmd, st, ref)
	if err != nil {
		return nil, err
	}
	rate, err := calibrate.ReadRunRate(cmd.Context(), st, run.ID, metric)
	if err != nil {
		return nil, inputErr(fmt.Errorf("--run %s --metric %s: %w", ref, metric, err))
	}
	return rate, nil
}

func (a *app) writeCalibration(cmd *cobra.Command, r *calibrate.Report, asJSON bool) error {
	w := cmd.OutOrStdout()
	if !asJSON {
		return calibrate.WriteTable(w, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// calibrationJudges gives each item the session's metered judges.
type calibrationJudges struct{ *session.Judges }

func (j calibrationJudges) For(item string) eval.Judges { return j.Judges.For(item) }
