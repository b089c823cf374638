package cli

import (
	"fmt"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

func seqResult(c int, provider string, passed bool) bench.Result {
	return bench.Result{CaseID: fmt.Sprintf("c%03d", c), PromptID: "default", Provider: provider, Passed: passed}
}

// TestSeqPairerTakesCasesInDispatchOrder: a case that finishes early
// waits for the cases handed out before it; the test stops the run once,
// at the eleventh straight win of B (K = (1.5^10+1)/2 ≥ 20).
func TestSeqPairerTakesCasesInDispatchOrder(t *testing.T) {
	t.Parallel()
	state, err := newSeqState("passed", 0.05, 1)
	if err != nil {
		t.Fatal(err)
	}
	stops := 0
	p := newSeqPairer(analysis.MetricPassed, 1, state, func() { stops++ })
	for c := range 20 {
		p.Dispatched(bench.Key{CaseID: fmt.Sprintf("c%03d", c), PromptID: "default", Provider: "a"})
		p.Dispatched(bench.Key{CaseID: fmt.Sprintf("c%03d", c), PromptID: "default", Provider: "b"})
	}
	p.Saved([]bench.Result{seqResult(2, "a", false), seqResult(2, "b", true), seqResult(0, "a", false)})
	if state.rep.Pairs != 0 {
		t.Fatalf("took %d pairs before case 0 finished, want 0", state.rep.Pairs)
	}
	p.Saved([]bench.Result{seqResult(0, "b", true)})
	if state.rep.Pairs != 1 {
		t.Fatalf("took %d pairs, want 1 (case 2 waits for case 1)", state.rep.Pairs)
	}
	p.Saved([]bench.Result{seqResult(1, "b", true), seqResult(1, "a", false)})
	if state.rep.Pairs != 3 {
		t.Fatalf("took %d pairs, want 3", state.rep.Pairs)
	}
	for c := 3; c < 20; c++ {
		p.Saved([]bench.Result{seqResult(c, "a", false), seqResult(c, "b", true)})
	}
	rep, err := p.finish()
	if err != nil {
		t.Fatal(err)
	}
	if stops != 1 || !rep.Stopped || rep.StoppedAt != 11 || rep.Pairs != 11 || rep.PairsAfterStop != 9 ||
		rep.Verdict != seqBBetter || rep.Winner != "b" || rep.A != "a" || rep.MeanDiff != 1 || rep.CSLow <= 0 {
		t.Errorf("stops %d, report %+v", stops, rep)
	}
}

// TestSeqPairerRefusesValuesOutOfRange: a metric outside [0, 1] ends the
// test with an error that says what to do, and stops the run.
func TestSeqPairerRefusesValuesOutOfRange(t *testing.T) {
	t.Parallel()
	state, _ := newSeqState("score", 0.05, 20)
	stops := 0
	p := newSeqPairer(analysis.MetricScore, 1, state, func() { stops++ })
	p.Dispatched(bench.Key{CaseID: "x", Provider: "a"})
	p.Dispatched(bench.Key{CaseID: "x", Provider: "b"})
	p.Saved([]bench.Result{{CaseID: "x", Provider: "a", Score: 3}, {CaseID: "x", Provider: "b", Score: 0.5}})
	if _, err := p.finish(); err == nil || stops != 1 {
		t.Errorf("err %v, stops %d: want an error and a stop", err, stops)
	}
}
