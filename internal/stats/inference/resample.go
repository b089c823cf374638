package inference

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Defaults and bounds of the seeded kinds.
const (
	DefaultSeed             = 12345 // sacreBLEU's default seed
	DefaultBootstrapSamples = 1000  // sacreBLEU's paired bootstrap default
	DefaultPermutations     = 10000 // sacreBLEU's approximate randomization default
	MaxResamples            = 1_000_000
	// MaxDraws bounds resamples × items, so one line cannot stall the run.
	MaxDraws = 100_000_000
)

// BootstrapResult is the paired bootstrap of the mean difference.
type BootstrapResult struct {
	MeanDiff  float64 `json:"mean_diff"`
	CILow     float64 `json:"ci_low"`
	CIHigh    float64 `json:"ci_high"`
	PValue    float64 `json:"pvalue"`
	Resamples int     `json:"resamples"`
	Seed      uint64  `json:"seed"`
}

// PairedBootstrap resamples the items of d = a − b with replacement
// (the same items for both systems, so pairing is kept) resamples times and
// returns the percentile interval of the resampled means at the given
// confidence (quantiles interpolated linearly between order statistics, as
// numpy's default) and a two-sided p-value for "mean difference = 0": the
// resampled means are centred on the observed mean to mimic the null, and
// p = (#{|mean* − mean| ≥ |mean|} + 1)/(resamples + 1). The draws come from
// math/rand/v2's PCG seeded with (seed, seed), so a seed fixes the output.
func PairedBootstrap(a, b []float64, resamples int, seed uint64, confidence float64) (BootstrapResult, error) {
	if err := checkPaired("a", "b", a, b, 1); err != nil {
		return BootstrapResult{}, err
	}
	if err := checkResamples(resamples, len(a)); err != nil {
		return BootstrapResult{}, err
	}
	if err := checkOpenUnit("confidence", confidence); err != nil {
		return BootstrapResult{}, err
	}
	d := diffs(a, b)
	obs := mean(d)
	rng := rand.New(rand.NewPCG(seed, seed))
	n := len(d)
	means := make([]float64, resamples)
	pick := make([]float64, n)
	tol := ulpSlack(d)
	exceed := 0
	for s := range means {
		for i := range pick {
			pick[i] = d[rng.IntN(n)]
		}
		means[s] = mean(pick)
		if math.Abs(means[s]-obs) >= math.Abs(obs)-tol {
			exceed++
		}
	}
	slices.Sort(means)
	return BootstrapResult{
		MeanDiff:  obs,
		CILow:     quantileSorted(means, (1-confidence)/2),
		CIHigh:    quantileSorted(means, (1+confidence)/2),
		PValue:    float64(exceed+1) / float64(resamples+1),
		Resamples: resamples,
		Seed:      seed,
	}, nil
}

// PermutationResult is the paired sign-flip (approximate randomization)
// test.
type PermutationResult struct {
	MeanDiff float64 `json:"mean_diff"`
	PValue   float64 `json:"pvalue"`
	// AtLeastAsExtreme counts the trials whose |mean| reached the observed one.
	AtLeastAsExtreme int    `json:"at_least_as_extreme"`
	Resamples        int    `json:"resamples"`
	Seed             uint64 `json:"seed"`
}

// Permutation tests "the two systems are exchangeable on every item": each
// trial swaps a and b on each item with probability 1/2 (flips the sign of
// d_i) and counts trials whose |mean| is at least the observed |mean(d)|;
// p = (count + 1)/(resamples + 1). "At least" (≥, not sacreBLEU's >) keeps
// the test valid for discrete scores such as pass/fail, where many trials tie
// the observed value; ties are judged with a slack of a few ulps of Σ|d_i| so
// that rounding cannot split them. The signs come from math/rand/v2's PCG
// seeded with (seed, seed).
func Permutation(a, b []float64, resamples int, seed uint64) (PermutationResult, error) {
	if err := checkPaired("a", "b", a, b, 1); err != nil {
		return PermutationResult{}, err
	}
	if err := checkResamples(resamples, len(a)); err != nil {
		return PermutationResult{}, err
	}
	d := diffs(a, b)
	obs := math.Abs(pairwiseSum(d))
	rng := rand.New(rand.NewPCG(seed, seed))
	flipped := make([]float64, len(d))
	tol := ulpSlack(d) * float64(len(d))
	exceed := 0
	for range resamples {
		var bits uint64
		for i, x := range d {
			if i%64 == 0 {
				bits = rng.Uint64()
			}
			if bits&1 == 1 {
				x = -x
			}
			bits >>= 1
			flipped[i] = x
		}
		if math.Abs(pairwiseSum(flipped)) >= obs-tol {
			exceed++
		}
	}
	return PermutationResult{
		MeanDiff:         mean(d),
		PValue:           float64(exceed+1) / float64(resamples+1),
		AtLeastAsExtreme: exceed,
		Resamples:        resamples,
		Seed:             seed,
	}, nil
}

func checkResamples(n, items int) error {
	if n < 1 || n > MaxResamples {
		return fieldErr("resamples", "must be in [1, %d], got %d", MaxResamples, n)
	}
	if n*items > MaxDraws {
		return fieldErr("resamples", "%d resamples of %d items exceed %d draws", n, items, MaxDraws)
	}
	return nil
}

// ulpSlack is the rounding slack for comparing means of d: a few ulps of
// the largest |d_i|.
func ulpSlack(d []float64) float64 {
	m := 0.0
	for _, x := range d {
		m = max(m, math.Abs(x))
	}
	return 8 * m * 0x1p-52
}

// quantileSorted is numpy's default (linear) quantile of sorted xs.
func quantileSorted(xs []float64, q float64) float64 {
	h := q * float64(len(xs)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-lo)*(xs[i+1]-xs[i])
}
