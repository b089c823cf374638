package inference

import (
	"fmt"
	"slices"
)

// Adjusted is one multiple-testing procedure's result, in input order.
type Adjusted struct {
	Adjusted []float64 `json:"adjusted"`
	Reject   []bool    `json:"reject"`
}

// MultipleTestsResult holds every procedure statsmodels' multipletests
// offers under these names.
type MultipleTestsResult struct {
	Bonferroni Adjusted `json:"bonferroni"`
	Holm       Adjusted `json:"holm"`
	FDRBH      Adjusted `json:"fdr_bh"`
	FDRBY      Adjusted `json:"fdr_by"`
}

// MultipleTests adjusts p-values for multiplicity at level alpha, as
// statsmodels' multipletests with the methods
//   - bonferroni: p·m, reject when p ≤ alpha/m;
//   - holm (step-down, family-wise): running maximum of (m−k+1)·p_(k) over
//     the sorted p-values, reject until the first p_(k) > alpha/(m−k+1);
//   - fdr_bh (Benjamini–Hochberg, false discovery rate): running minimum from
//     the top of p_(k)·m/k, reject every k up to the largest with
//     p_(k) ≤ k·alpha/m;
//   - fdr_by (Benjamini–Yekutieli): fdr_bh with the factors divided by
//     Σ_{i=1..m} 1/i, valid under any dependence.
//
// Adjusted p-values are capped at 1.
func MultipleTests(pvalues []float64, alpha float64) (MultipleTestsResult, error) {
	if len(pvalues) == 0 {
		return MultipleTestsResult{}, fieldErr("pvalues", "needs at least 1 p-value")
	}
	for i, p := range pvalues {
		if !(p >= 0 && p <= 1) {
			return MultipleTestsResult{}, fieldErr(fmt.Sprintf("pvalues[%d]", i), "must be in [0, 1], got %v", p)
		}
	}
	if err := checkOpenUnit("alpha", alpha); err != nil {
		return MultipleTestsResult{}, err
	}
	order := make([]int, len(pvalues))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return compareFloat(pvalues[i], pvalues[j]) })
	sorted := make([]float64, len(order))
	for k, i := range order {
		sorted[k] = pvalues[i]
	}
	unsort := func(adj []float64, rej []bool) Adjusted {
		out := Adjusted{Adjusted: make([]float64, len(adj)), Reject: make([]bool, len(rej))}
		for k, i := range order {
			out.Adjusted[i] = min(adj[k], 1)
			out.Reject[i] = rej[k]
		}
		return out
	}
	m := len(sorted)
	var cm float64
	inv := make([]float64, m)
	for i := range inv {
		inv[i] = 1 / float64(i+1)
	}
	cm = pairwiseSum(inv)
	return MultipleTestsResult{
		Bonferroni: unsort(bonferroni(sorted, alpha)),
		Holm:       unsort(holm(sorted, alpha)),
		FDRBH:      unsort(fdr(sorted, alpha, 1)),
		FDRBY:      unsort(fdr(sorted, alpha, cm)),
	}, nil
}

func bonferroni(p []float64, alpha float64) ([]float64, []bool) {
	m := float64(len(p))
	adj := make([]float64, len(p))
	rej := make([]bool, len(p))
	for k, v := range p {
		adj[k] = v * m
		rej[k] = v <= alpha/m
	}
	return adj, rej
}

func holm(p []float64, alpha float64) ([]float64, []bool) {
	m := len(p)
	adj := make([]float64, m)
	rej := make([]bool, m)
	stopped := false
	for k, v := range p {
		factor := float64(m - k)
		if v > alpha/factor {
			stopped = true
		}
		rej[k] = !stopped
		adj[k] = v * factor
		if k > 0 {
			adj[k] = max(adj[k], adj[k-1])
		}
	}
	return adj, rej
}

// fdr is Benjamini–Hochberg with the ecdf factors k/m divided by cm (1 for
// fdr_bh, the harmonic sum for fdr_by).
func fdr(p []float64, alpha, cm float64) ([]float64, []bool) {
	m := len(p)
	adj := make([]float64, m)
	rej := make([]bool, m)
	last := -1
	for k, v := range p {
		f := float64(k+1) / float64(m)
		if cm != 1 {
			f /= cm
		}
		if v <= f*alpha {
			last = k
		}
		adj[k] = v / f
	}
	for k := m - 2; k >= 0; k-- {
		adj[k] = min(adj[k], adj[k+1])
	}
	for k := 0; k <= last; k++ {
		rej[k] = true
	}
	return adj, rej
}
