package calibrate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// MinYouden is the smallest Se + Sp − 1 for which Correct corrects: below
// it the judge is barely better than a coin and the correction divides by
// almost nothing.
const MinYouden = 0.05

// ErrChanceJudge is returned by Correct when the judge is no better than
// chance on the labelled set.
var ErrChanceJudge = errors.New("judge no better than chance")

// Counts is what Correct needs: the run's judge verdicts and the judge's
// table on the labelled set.
type Counts struct {
	// Passed of Scored verdicts passed in the run (unscored left out).
	Passed, Scored int
	// Calibration is the judge against the human labels.
	Calibration Binary
}

// Correction is a run's pass rate as the judge scored it and corrected
// for the judge's error.
type Correction struct {
	// Naive is the judge-scored pass rate q with its Wilson interval,
	// which knows nothing of the judge's error.
	Naive Interval `json:"naive"`
	// Corrected is the Rogan–Gladen estimate with its Monte Carlo interval.
	Corrected Interval `json:"corrected"`
	// Sensitivity and Specificity are the judge's, from the labelled set.
	Sensitivity float64 `json:"sensitivity"`
	Specificity float64 `json:"specificity"`
	// Draws and Seed make the interval reproducible.
	Draws int    `json:"draws"`
	Seed  uint64 `json:"seed"`
	// Unidentified counts the draws in which the judge was no better than
	// chance; each counts half at 0 and half at 1.
	Unidentified int `json:"unidentified_draws"`
}

// RoganGladen is the true rate that explains an apparent rate q under a
// judge with sensitivity se and specificity sp, clipped to [0, 1]; ok is
// false when se + sp − 1 is not positive.
func RoganGladen(q, se, sp float64) (p float64, ok bool) {
	j := se + sp - 1
	if j <= 0 {
		return 0, false
	}
	return math.Max(0, math.Min(1, (q+sp-1)/j)), true
}

// Correct estimates the true pass rate behind a run's judge-scored pass
// rate. The point estimate is Rogan–Gladen on the observed rates. The
// interval is the (1−level)/2 and (1+level)/2 percentiles of the estimator
// over draws of q, Se and Sp, each from its Jeffreys distribution
// Beta(x + ½, n − x + ½), independently, so that it carries the
// uncertainty of the run's rate and of the judge's measured error alike
// (a parametric bootstrap that stays honest when a rate is 0 or 1). A
// draw in which Se + Sp − 1 ≤ 0 says nothing about the true rate; it is
// counted half at 0 and half at 1, which widens the interval. It refuses
// (ErrChanceJudge) when the observed Se + Sp − 1 is at most MinYouden.
func Correct(c Counts, level float64, draws int, seed uint64) (*Correction, error) {
	b := c.Calibration
	pos, neg := b.TP+b.FN, b.TN+b.FP
	switch {
	case c.Scored <= 0 || c.Passed < 0 || c.Passed > c.Scored:
		return nil, fmt.Errorf("the run has no scored verdicts to correct (%d of %d)", c.Passed, c.Scored)
	case pos == 0:
		return nil, errors.New("no labelled item is a human pass, so the judge's sensitivity is unknown: label some passing answers")
	case neg == 0:
		return nil, errors.New("no labelled item is a human fail, so the judge's specificity is unknown: label some failing answers")
	case draws < 100:
		return nil, fmt.Errorf("%d draws are too few for an interval; use at least 100", draws)
	}
	q := float64(c.Passed) / float64(c.Scored)
	se, sp := float64(b.TP)/float64(pos), float64(b.TN)/float64(neg)
	if j := se + sp - 1; j <= MinYouden+1e-12 { // the tolerance keeps an exact 0.05 from rounding above it
		return nil, fmt.Errorf("%w: sensitivity %.3f + specificity %.3f − 1 = %.3f ≤ %.2f; its verdicts carry too little signal to correct", ErrChanceJudge, se, sp, j, MinYouden)
	}
	p, _ := RoganGladen(q, se, sp)
	rng := rand.New(rand.NewPCG(seed, 0x63616c6962726174))
	vals := make([]float64, draws)
	unidentified := 0
	for i := range vals {
		v, ok := RoganGladen(jeffreys(rng, c.Passed, c.Scored), jeffreys(rng, b.TP, pos), jeffreys(rng, b.TN, neg))
		if !ok {
			v = float64(unidentified % 2)
			unidentified++
		}
		vals[i] = v
	}
	sort.Float64s(vals)
	naive := Wilson(c.Passed, c.Scored, level)
	return &Correction{
		Naive:       *naive,
		Corrected:   Interval{Value: p, Lo: quantile(vals, (1-level)/2), Hi: quantile(vals, (1+level)/2)},
		Sensitivity: se, Specificity: sp,
		Draws: draws, Seed: seed, Unidentified: unidentified,
	}, nil
}

// quantile of sorted values, linearly interpolated (numpy's default).
func quantile(sorted []float64, q float64) float64 {
	h := q * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// jeffreys draws a rate from Beta(x + ½, n − x + ½).
func jeffreys(rng *rand.Rand, x, n int) float64 {
	a := gamma(rng, float64(x)+0.5)
	b := gamma(rng, float64(n-x)+0.5)
	if a+b == 0 {
		return 0.5 // both underflowed: no information either way
	}
	return a / (a + b)
}

// gamma draws from Gamma(shape, 1) by Marsaglia and Tsang's method; a
// shape below 1 is boosted by one and scaled back with U^(1/shape).
func gamma(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		u := rng.Float64()
		for u == 0 {
			u = rng.Float64()
		}
		return gamma(rng, shape+1) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
