package cli

import (
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/internal/stats/sequential"
)

// Sequential verdicts.
const (
	seqBBetter    = "b_better"
	seqABetter    = "a_better"
	seqNoneSoFar  = "no_difference_detected"
	seqGridMethod = "the betting test inverted on a grid of step 0.005, hull widened by one step"
)

// SequentialReport is the sequential section of `compare --sequential`.
// Its JSON keys are stable.
type SequentialReport struct {
	Metric string `json:"metric"`
	// A and B name the two columns; differences are B − A.
	A     string  `json:"a"`
	B     string  `json:"b"`
	Alpha float64 `json:"alpha"`
	Batch int     `json:"batch"`
	// Pairs counts the paired cases the test took; PairsAfterStop those
	// that finished after it stopped (calls in flight), which the test
	// did not take; Unpaired the cases without a value on one side.
	Pairs          int `json:"pairs"`
	PairsAfterStop int `json:"pairs_after_stop"`
	Unpaired       int `json:"unpaired"`
	// Checks counts the looks at the test (one per batch, and one at the
	// end of the data).
	Checks int `json:"checks"`
	// Stopped says the test rejected; StoppedAt is the number of pairs at
	// the check that saw it (0 when it did not).
	Stopped   bool `json:"stopped"`
	StoppedAt int  `json:"stopped_at"`
	// MeanDiff is the mean of B − A over the pairs the test took.
	MeanDiff float64 `json:"mean_diff"`
	// EValue is the test's wealth at the end (or at the stop), MaxEValue
	// its largest so far, PValue = min(1, 1/MaxEValue) the anytime-valid
	// p-value.
	EValue    float64 `json:"e_value"`
	MaxEValue float64 `json:"max_e_value"`
	PValue    float64 `json:"anytime_pvalue"`
	// CSLow and CSHigh bound the (1−Alpha) confidence sequence for the
	// mean difference at the same time; CSMethod says how it is computed.
	CSLow    float64 `json:"cs_low"`
	CSHigh   float64 `json:"cs_high"`
	CSMethod string  `json:"cs_method"`
	// Verdict is b_better, a_better or no_difference_detected; Winner the
	// better column's name, "" without one.
	Verdict string `json:"verdict"`
	Winner  string `json:"winner"`
}

// seqState drives the test over paired differences in order, checking it
// after every batch of new pairs; after a rejection it only counts.
type seqState struct {
	test  *sequential.Test
	cs    *sequential.CS
	batch int
	sum   float64
	rep   SequentialReport
}

func newSeqState(metric string, alpha float64, batch int) (*seqState, error) {
	t, err := sequential.NewTest(0, alpha)
	if err != nil {
		return nil, err
	}
	cs, err := sequential.NewCS(alpha, sequential.DefaultGridStep)
	if err != nil {
		return nil, err
	}
	return &seqState{test: t, cs: cs, batch: batch, rep: SequentialReport{Metric: metric, Alpha: alpha, Batch: batch, CSMethod: seqGridMethod}}, nil
}

// add takes the next pair's values; it reports whether this pair's check
// rejected (the moment to stop the run). Values outside [0, 1] make a
// difference outside [−1, 1], which the test cannot take: an error.
func (s *seqState) add(a, b float64) (stop bool, err error) {
	if s.rep.Stopped {
		s.rep.PairsAfterStop++
		return false, nil
	}
	if !(a >= 0 && a <= 1 && b >= 0 && b <= 1) {
		return false, fmt.Errorf("--sequential needs metric values in [0, 1]; got %v and %v (use --metric passed or a 0-1 score)", a, b)
	}
	d := b - a
	if err := s.test.Add(d); err != nil {
		return false, err
	}
	if err := s.cs.Add(d); err != nil {
		return false, err
	}
	s.sum += d
	s.rep.Pairs++
	if s.rep.Pairs%s.batch == 0 {
		return s.check(), nil
	}
	return false, nil
}

// unpaired counts a case with no value on one side.
func (s *seqState) unpaired() { s.rep.Unpaired++ }

// check looks at the test once.
func (s *seqState) check() bool {
	s.rep.Checks++
	if s.test.Rejected() {
		s.rep.Stopped, s.rep.StoppedAt = true, s.rep.Pairs
	}
	return s.rep.Stopped
}

// report closes the data (a last look when pairs came after the last
// batch's check) and fills the figures in.
func (s *seqState) report(a, b string) SequentialReport {
	if !s.rep.Stopped && s.rep.Pairs%s.batch != 0 {
		s.check()
	}
	r := s.rep
	r.A, r.B = a, b
	if r.Pairs > 0 {
		r.MeanDiff = s.sum / float64(r.Pairs)
	}
	r.EValue, r.MaxEValue, r.PValue = s.test.E(), s.test.MaxE(), s.test.P()
	r.CSLow, r.CSHigh, _ = s.cs.Interval()
	r.Verdict = seqNoneSoFar
	if r.Stopped {
		r.Verdict, r.Winner = seqBBetter, b
		if s.test.Direction() < 0 {
			r.Verdict, r.Winner = seqABetter, a
		}
	}
	return r
}
