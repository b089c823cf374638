package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// defaultSeqBatch is how many new pairs come between two looks at the
// sequential test.
const defaultSeqBatch = 20

// seqStopReason is what a run stopped by the test records under
// "stopped_early" in its config.
const seqStopReason = "sequential"

const sequentialHelp = `

--sequential (exactly two columns) adds an anytime-valid test of "no
difference" on the paired per-case differences B - A (A the first model or
column, B the second; repetitions of a case averaged; metric values must be
in [0, 1]): a two-sided test by betting (Waudby-Smith & Ramdas 2023) that
may be looked at after every --batch new pairs without inflating its
false-positive rate above --alpha. With --models the cases run in a random
order drawn from --seed, pairs are taken in that order as both models'
results are stored, and the run stops as soon as the test rejects: the
calls in flight finish, every stored result is kept, and the run is stored
cancelled with stopped_early=sequential in its config. With stored RUNs it
replays the pairs in case-id order and reports where the test would have
stopped. The section gives the pairs taken, the stopping point, the
e-value and anytime p-value, a confidence sequence for the mean
difference, and the verdict.`

// checkSequential refuses --sequential options that cannot work before
// anything runs.
func (f *compareFlags) checkSequential(cmd *cobra.Command, refs []string) error {
	if !f.sequential {
		for _, name := range []string{"batch", "seed"} {
			if cmd.Flags().Changed(name) {
				return configErr("--%s only applies with --sequential", name)
			}
		}
		return nil
	}
	switch {
	case f.batch < 1:
		return configErr("--batch: want at least 1 pair between looks, got %d", f.batch)
	case len(f.models) > 0 && len(f.models) != 2:
		return configErr("--sequential compares exactly 2 models, got %d", len(f.models))
	case len(refs) > 2:
		return configErr("--sequential compares exactly 2 columns: give 2 RUNs (or 1 run of 2 providers), got %d", len(refs))
	case len(refs) > 0 && cmd.Flags().Changed("seed"):
		return configErr("--seed only applies with --models (it orders the cases of the run)")
	}
	return nil
}

// sequentialWatch prepares the run of --models for --sequential: shuffled
// cases, and a pairer that stops the run when the test rejects. It
// returns nil, nil without --sequential.
func (f *compareFlags) sequentialWatch(o *session.Options) (func(*session.Run), *seqPairer, error) {
	if !f.sequential {
		return nil, nil, nil
	}
	o.Shuffle, o.Seed = true, f.seed
	state, err := newSeqState(f.metric, f.alpha, f.batch)
	if err != nil {
		return nil, nil, configErr("--sequential: %v", err)
	}
	pairer := newSeqPairer(analysis.Metric(f.metric), o.Repeat, state, nil)
	return func(r *session.Run) {
		pairer.stop = func() { r.StopEarly(seqStopReason) }
		r.Watch(pairer)
	}, pairer, nil
}

// replaySequential runs the test over two stored columns' pairs in case
// order, as it would have gone had they arrived so.
func replaySequential(sides []*analysis.Side, labels []string, f *compareFlags) (*SequentialReport, error) {
	if len(sides) != 2 {
		return nil, configErr("--sequential compares exactly 2 columns, the runs hold %d", len(sides))
	}
	state, err := newSeqState(f.metric, f.alpha, f.batch)
	if err != nil {
		return nil, configErr("--sequential: %v", err)
	}
	for _, p := range analysis.PairedValues(sides[0], sides[1]) {
		if _, err := state.add(p.A, p.B); err != nil {
			return nil, withCode(ExitInput, err)
		}
	}
	state.rep.Unpaired = sides[0].Cases + sides[1].Cases - 2*(state.rep.Pairs+state.rep.PairsAfterStop)
	rep := state.report(labels[0], labels[1])
	return &rep, nil
}

// writeSequential prints the sequential section under the matrix.
func writeSequential(w io.Writer, r *SequentialReport) error {
	ew := &errWriter{w: w}
	ew.printf("\nSequential test (anytime-valid, alpha %g, a look every %d pairs): B = %s vs A = %s, on %s\n", r.Alpha, r.Batch, r.B, r.A, r.Metric)
	ew.printf("  pairs taken:         %d (%d unpaired cases left out)\n", r.Pairs, r.Unpaired)
	if r.Stopped {
		ew.printf("  stopped:             at %d pairs, look %d", r.StoppedAt, r.Checks)
		if r.PairsAfterStop > 0 {
			ew.printf("; %d more pairs finished after the stop (not taken)", r.PairsAfterStop)
		}
		ew.printf("\n")
	} else {
		ew.printf("  stopped:             no: the data ended first (%d looks)\n", r.Checks)
	}
	ew.printf("  mean difference B-A: %+.4f\n", r.MeanDiff)
	ew.printf("  e-value:             %.4g (largest %.4g; rejects at %g), anytime p-value %.4g\n", r.EValue, r.MaxEValue, 1/r.Alpha, r.PValue)
	ew.printf("  %g%% conf. sequence:  [%+.4f, %+.4f] (%s)\n", 100*(1-r.Alpha), r.CSLow, r.CSHigh, r.CSMethod)
	switch r.Verdict {
	case seqBBetter, seqABetter:
		ew.printf("  verdict:             %s is better\n", r.Winner)
	default:
		ew.printf("  verdict:             no difference detected after %d pairs\n", r.Pairs)
	}
	return ew.err
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
