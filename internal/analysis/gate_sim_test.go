package analysis_test

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

// gateSim is a family of simulated comparisons: replicates pairs of runs of
// cases cases repeated reps times, each case with its own true pass
// probability drawn from Beta(4, 1) (the largest of four uniforms: mean
// 0.8, most cases usually pass, a few are hard), drawn afresh for every
// replicate. The baseline passes a repetition with the case's probability,
// the comparison with that probability minus drop (floored at 0), each
// repetition independently.
type gateSim struct {
	cases, reps, replicates int
	drop                    float64
	seed                    uint64
}

// regressionRate runs the gate (metric passed, default margin and alpha)
// on every replicate and returns the share of regression verdicts.
func (g gateSim) regressionRate(t *testing.T) float64 {
	t.Helper()
	ids := make([]string, g.cases)
	for i := range ids {
		ids[i] = fmt.Sprintf("case-%04d", i)
	}
	p := make([]float64, g.cases)
	regressions := 0
	for rep := range g.replicates {
		rng := rand.New(rand.NewPCG(g.seed, uint64(rep)))
		for i := range p {
			p[i] = max(rng.Float64(), rng.Float64(), rng.Float64(), rng.Float64())
		}
		base := g.side(t, "baseline", ids, p, 0, rng)
		comp := g.side(t, "comparison", ids, p, g.drop, rng)
		r, err := analysis.Compare(base, comp, opts)
		if err != nil {
			t.Fatalf("replicate %d: %v", rep, err)
		}
		if r.N != g.cases || !r.Baseline.Repeated {
			t.Fatalf("replicate %d: %d paired cases (repeated %v), want %d repeated", rep, r.N, r.Baseline.Repeated, g.cases)
		}
		if r.Regression() {
			regressions++
		}
	}
	return float64(regressions) / float64(g.replicates)
}

// side draws one run's results and collects them as analysis would a
// stored run.
func (g gateSim) side(t *testing.T, name string, ids []string, p []float64, drop float64, rng *rand.Rand) *analysis.Side {
	t.Helper()
	results := func(yield func(bench.Result, error) bool) {
		r := bench.Result{Provider: "sim:" + name, PromptID: "default", Status: bench.StatusSuccess}
		for i, id := range ids {
			q := max(p[i]-drop, 0)
			for k := range g.reps {
				r.CaseID, r.Repetition = id, k
				r.Passed = rng.Float64() < q
				if !yield(r, nil) {
					return
				}
			}
		}
	}
	s, err := analysis.Collect(context.Background(), name, iter.Seq2[bench.Result, error](results), analysis.MetricPassed, "")
	if err != nil {
		t.Fatalf("collect %s: %v", name, err)
	}
	return s
}

// TestGateErrorRatesBySimulation checks the regression gate's error rates
// on repeated runs, the per-case pass rates of k repetitions: with no real
// change it reports a regression in at most 5% of replicates, and with
// every case's pass probability 10 points lower in at least 80%.
//
// Sizing. With no change, the gate fails when the lower bound of the mean
// difference, about mean(d) − 1.645·se, falls below −margin: in about
// Φ(1.645 − margin/se) of runs. The difference of two means of k
// repetitions has variance 2·E[p(1−p)]/k per case, so se² ≈
// 2·E[p(1−p)]/(n·k); E[p(1−p)] = 2/15 under Beta(4, 1). The default margin
// (0.02) therefore needs se ≤ 0.0061, n·k ≥ 7,200, for a 5% false alarm
// rate; n = 2,000 cases × k = 6 (se ≈ 0.0047) puts it near 0.5%. A 10-point
// drop is then 17 standard errors past the margin and always caught. On a
// small suite the gate cannot pass a run that did not change: 200 cases ×
// 3 repetitions (se ≈ 0.021) fail it about three times in four (Φ(0.69)),
// by design: the gate passes only on evidence. The last case shows it.
func TestGateErrorRatesBySimulation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sim      gateSim
		min, max float64
	}{
		{"no change", gateSim{cases: 2000, reps: 6, replicates: 120, seed: 11}, 0, 0.05},
		{"10-point drop", gateSim{cases: 2000, reps: 6, replicates: 40, drop: 0.10, seed: 12}, 0.80, 1},
		{"no change, small suite", gateSim{cases: 200, reps: 3, replicates: 120, seed: 13}, 0.50, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rate := tt.sim.regressionRate(t)
			t.Logf("%d cases × %d repetitions, %d replicates, drop %.2f: regression in %.1f%% of replicates",
				tt.sim.cases, tt.sim.reps, tt.sim.replicates, tt.sim.drop, 100*rate)
			if rate < tt.min || rate > tt.max {
				t.Errorf("regression rate %.3f, want within [%.2f, %.2f]", rate, tt.min, tt.max)
			}
		})
	}
}
