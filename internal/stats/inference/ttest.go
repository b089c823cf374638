package inference

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// PairedTResult is the two-sided paired t-test with a confidence interval
// for the mean difference.
type PairedTResult struct {
	T        *float64 `json:"t"`      // nil when se = 0
	PValue   *float64 `json:"pvalue"` // nil when se = 0 and mean_diff = 0
	DF       int      `json:"df"`
	MeanDiff float64  `json:"mean_diff"`
	SE       float64  `json:"se"`
	CILow    float64  `json:"ci_low"`
	CIHigh   float64  `json:"ci_high"`
}

// PairedT tests whether the mean of d = a − b is zero, as scipy's
// ttest_rel(a, b): t = mean(d)/se with se = sd(d, ddof=1)/√n and n−1
// degrees of freedom; the interval is mean(d) ± t_{(1+confidence)/2, n−1}·se.
// When se = 0, t is undefined (0/0, p-value nil) or infinite (p-value 0).
func PairedT(a, b []float64, confidence float64) (PairedTResult, error) {
	if err := checkPaired("a", "b", a, b, 2); err != nil {
		return PairedTResult{}, err
	}
	if err := checkOpenUnit("confidence", confidence); err != nil {
		return PairedTResult{}, err
	}
	d := diffs(a, b)
	n := float64(len(d))
	m := mean(d)
	se := math.Sqrt(sampleVar(d) / n)
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}
	r := PairedTResult{DF: len(d) - 1, MeanDiff: m, SE: se}
	t := m / se
	r.T = ptr(t)
	switch {
	case r.T != nil:
		r.PValue = ptr(2 * dist.Survival(math.Abs(t)))
	case m != 0:
		r.PValue = ptr(0)
	}
	half := dist.Quantile(0.5+confidence/2) * se
	r.CILow, r.CIHigh = m-half, m+half
	return r, nil
}

// NonInferiorityResult is the one-sided paired test of H0: mean(d) ≤ −margin.
type NonInferiorityResult struct {
	T           *float64 `json:"t"` // nil when se = 0
	PValue      float64  `json:"pvalue"`
	LowerBound  float64  `json:"lower_bound"`
	NonInferior bool     `json:"non_inferior"`
}

// NonInferiority asks whether candidate is no worse than baseline by more
// than margin (in score units), pairing items by position: d = candidate −
// baseline, se = sd(d, ddof=1)/√n, t = (mean(d) + margin)/se, p =
// P(T_{n−1} > t); the one-sided (1−alpha) lower confidence bound is
// mean(d) − t_{1−alpha, n−1}·se, and the candidate is non-inferior when that
// bound is above −margin. This is the lower half of statsmodels'
// ttost_paired.
func NonInferiority(candidate, baseline []float64, margin, alpha float64) (NonInferiorityResult, error) {
	if err := checkPaired("candidate", "baseline", candidate, baseline, 2); err != nil {
		return NonInferiorityResult{}, err
	}
	if !(margin >= 0) || math.IsInf(margin, 0) {
		return NonInferiorityResult{}, fieldErr("margin", "must be a finite number ≥ 0, got %v", margin)
	}
	if err := checkOpenUnit("alpha", alpha); err != nil {
		return NonInferiorityResult{}, err
	}
	d := diffs(candidate, baseline)
	n := float64(len(d))
	m := mean(d)
	se := math.Sqrt(sampleVar(d) / n)
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}
	r := NonInferiorityResult{LowerBound: m - dist.Quantile(1-alpha)*se}
	t := (m + margin) / se
	r.T = ptr(t)
	switch {
	case r.T != nil:
		r.PValue = dist.Survival(t)
	case m+margin > 0:
		r.PValue = 0
	default:
		r.PValue = 1
	}
	r.NonInferior = r.LowerBound > -margin
	return r, nil
}
