package inference

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// MaxExactWilcoxon bounds the exact distribution's size (it grows as n³
// in time); scipy's auto method switches to the normal approximation at 50.
const MaxExactWilcoxon = 1000

// WilcoxonOptions are scipy.stats.wilcoxon's options; the zero values are
// scipy's defaults.
type WilcoxonOptions struct {
	// ZeroMethod is "wilcox" (default: drop zero differences), "pratt"
	// (rank them, then drop their ranks) or "zsplit" (split their ranks
	// between the positive and negative sums).
	ZeroMethod string
	// Correction applies the continuity correction to the normal
	// approximation.
	Correction bool
	// Method is "auto" (default: exact when there are at most 50
	// differences and none is zero), "exact" or "approx".
	Method string
}

// WilcoxonResult is the two-sided Wilcoxon signed-rank test.
type WilcoxonResult struct {
	Statistic float64 `json:"statistic"` // min(W+, W−)
	PValue    float64 `json:"pvalue"`
}

// Wilcoxon runs the two-sided signed-rank test on paired differences d
// exactly as scipy 1.10's wilcoxon: ranks of |d| with ties given their
// average rank; the exact null distribution when Method resolves to
// "exact" (a tied, non-integer W+ is truncated to an integer, as scipy does);
// otherwise the normal approximation with the tie correction
// Σ(t³−t)/48 in the variance.
func Wilcoxon(d []float64, opt WilcoxonOptions) (WilcoxonResult, error) {
	if err := checkFinite("d", d); err != nil {
		return WilcoxonResult{}, err
	}
	if opt.ZeroMethod == "" {
		opt.ZeroMethod = "wilcox"
	}
	if opt.Method == "" {
		opt.Method = "auto"
	}
	switch opt.ZeroMethod {
	case "wilcox", "pratt", "zsplit":
	default:
		return WilcoxonResult{}, fieldErr("zero_method", "want wilcox, pratt or zsplit, got %q", opt.ZeroMethod)
	}
	switch opt.Method {
	case "auto", "exact", "approx":
	default:
		return WilcoxonResult{}, fieldErr("method", "want auto, exact or approx, got %q", opt.Method)
	}
	if len(d) == 0 {
		return WilcoxonResult{}, fieldErr("d", "needs at least 1 difference")
	}
	nZero := 0
	for _, x := range d {
		if x == 0 {
			nZero++
		}
	}
	mode := opt.Method
	if mode == "auto" {
		mode = "approx"
		if len(d) <= 50 {
			mode = "exact"
		}
	}
	if nZero > 0 && mode == "exact" {
		mode = "approx" // zeros make the exact distribution wrong; scipy switches
	}
	if nZero == len(d) && opt.ZeroMethod != "zsplit" {
		return WilcoxonResult{}, fieldErr("d", "every difference is zero: the test is undefined with zero_method %s", opt.ZeroMethod)
	}
	if opt.ZeroMethod == "wilcox" {
		d = slices.DeleteFunc(slices.Clone(d), func(x float64) bool { return x == 0 })
	}
	count := len(d)
	abs := make([]float64, count)
	for i, x := range d {
		abs[i] = math.Abs(x)
	}
	r := averageRanks(abs)
	var rPlus, rMinus, rZero float64
	for i, x := range d {
		switch {
		case x > 0:
			rPlus += r[i]
		case x < 0:
			rMinus += r[i]
		default:
			rZero += r[i]
		}
	}
	if opt.ZeroMethod == "zsplit" {
		rPlus += rZero / 2
		rMinus += rZero / 2
	}
	t := min(rPlus, rMinus)
	if mode == "exact" {
		if count > MaxExactWilcoxon {
			return WilcoxonResult{}, fieldErr("method", "exact needs at most %d differences, got %d (use approx)", MaxExactWilcoxon, count)
		}
		return WilcoxonResult{Statistic: t, PValue: wilcoxonExactP(count, int(rPlus))}, nil
	}
	n := float64(count)
	mn := n * (n + 1) * 0.25
	se := n * (n + 1) * (2*n + 1)
	if opt.ZeroMethod == "pratt" {
		kept := r[:0:0]
		for i, x := range d {
			if x != 0 {
				kept = append(kept, r[i])
			}
		}
		r = kept
		z := float64(nZero)
		mn -= z * (z + 1) * 0.25
		se -= z * (z + 1) * (2*z + 1)
	}
	for _, t := range tieSizes(r) {
		se -= 0.5 * t * (t*t - 1)
	}
	se = math.Sqrt(se / 24)
	corr := 0.0
	if opt.Correction {
		corr = 0.5 * sign(t-mn)
	}
	z := (t - mn - corr) / se
	return WilcoxonResult{Statistic: t, PValue: 2 * distuv.UnitNormal.CDF(-math.Abs(z))}, nil
}

// wilcoxonExactP is the two-sided exact p-value for W+ = rPlus among n
// nonzero, untied differences.
func wilcoxonExactP(n, rPlus int) float64 {
	pmf := wilcoxonPMF(n)
	if rPlus == (len(pmf)-1)/2 {
		return 1 // the centre of the distribution
	}
	pLess := pairwiseSum(pmf[:rPlus+1])
	pGreater := pairwiseSum(pmf[rPlus:])
	return math.Min(1, math.Max(0, 2*math.Min(pGreater, pLess)))
}

// wilcoxonPMF returns P(W+ = k) for k = 0..n(n+1)/2 under the null: each
// rank 1..n joins the positive sum with probability 1/2, independently.
// It builds the distribution one rank at a time, halving as it goes, so the
// numbers stay in range for any n.
func wilcoxonPMF(n int) []float64 {
	c := []float64{1}
	for k := 1; k <= n; k++ {
		next := make([]float64, k*(k+1)/2+1)
		m := len(c)
		for i, v := range c {
			next[i] = v * 0.5
		}
		off := len(next) - m
		for i, v := range c {
			next[off+i] += v * 0.5
		}
		c = next
	}
	return c
}

// averageRanks ranks xs from 1, giving tied values their average rank.
func averageRanks(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int { return compareFloat(xs[i], xs[j]) })
	r := make([]float64, len(xs))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && xs[idx[j+1]] == xs[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

// tieSizes returns the size of every group of equal values that has more
// than one member.
func tieSizes(xs []float64) []float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	var out []float64
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[i] {
			j++
		}
		if j > i {
			out = append(out, float64(j-i+1))
		}
		i = j + 1
	}
	return out
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
