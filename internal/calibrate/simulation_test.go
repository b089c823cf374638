package calibrate

import (
	"math/rand/v2"
	"testing"
)

// scenario is a judge of known error grading a calibration set and a run
// drawn from a population of known true pass rate.
type scenario struct {
	name              string
	truth, se, sp     float64
	calibration, runN int
}

// simulate draws one calibration table and one run's judge verdicts.
func (s scenario) simulate(rng *rand.Rand) Counts {
	verdict := func() (human, judge bool) {
		human = rng.Float64() < s.truth
		if human {
			return true, rng.Float64() < s.se
		}
		return false, rng.Float64() >= s.sp
	}
	var c Counts
	for range s.calibration {
		h, j := verdict()
		switch {
		case h && j:
			c.Calibration.TP++
		case h:
			c.Calibration.FN++
		case j:
			c.Calibration.FP++
		default:
			c.Calibration.TN++
		}
	}
	for range s.runN {
		if _, j := verdict(); j {
			c.Passed++
		}
	}
	c.Scored = s.runN
	return c
}

// TestCorrectedIntervalCoversTheTrueRate checks the corrected interval's
// coverage over many simulated calibrations and runs: about its nominal
// 95%, where the naive interval on the judge-scored rate misses the true
// rate whenever the judge's errors do not cancel out.
func TestCorrectedIntervalCoversTheTrueRate(t *testing.T) {
	t.Parallel()
	const replicates, draws = 600, 1000
	for _, s := range []struct {
		scenario
		naiveMax float64 // the naive interval's coverage must stay below this
	}{
		// q = 0.6·0.85 + 0.4·0.25 = 0.61: the errors almost cancel, so the
		// naive interval is off by only 0.01 and covers about 90%.
		{scenario{"true rate 0.6", 0.6, 0.85, 0.75, 300, 1000}, 0.92},
		// q = 0.3·0.85 + 0.7·0.25 = 0.43: the naive interval is off by 0.13.
		{scenario{"true rate 0.3", 0.3, 0.85, 0.75, 300, 1000}, 0.05},
	} {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(7, 11))
			corrected, naive := 0, 0
			for i := range replicates {
				c := s.simulate(rng)
				got, err := Correct(c, Level, draws, uint64(i))
				if err != nil {
					t.Fatalf("replicate %d: %v", i, err)
				}
				if got.Corrected.Lo <= s.truth && s.truth <= got.Corrected.Hi {
					corrected++
				}
				if got.Naive.Lo <= s.truth && s.truth <= got.Naive.Hi {
					naive++
				}
			}
			cov, ncov := float64(corrected)/replicates, float64(naive)/replicates
			t.Logf("coverage over %d replicates: corrected %.3f, naive %.3f", replicates, cov, ncov)
			if cov < 0.92 || cov > 0.98 {
				t.Errorf("corrected interval covers the true rate %.3f of the time, want 0.92–0.98", cov)
			}
			if ncov >= s.naiveMax {
				t.Errorf("naive interval covers %.3f of the time, want below %.2f", ncov, s.naiveMax)
			}
		})
	}
}
