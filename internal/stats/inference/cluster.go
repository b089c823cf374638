package inference

import (
	"math"
)

// ClusteredSEResult is the standard error of a mean when items come in
// correlated groups.
type ClusteredSEResult struct {
	Mean        float64 `json:"mean"`
	SEIID       float64 `json:"se_iid"`       // sd(ddof=1)/√n
	SEClustered float64 `json:"se_clustered"` // cluster-robust, with C/(C−1)
	DF          int     `json:"df"`           // C − 1, for t intervals
}

// ClusteredSE regresses values on a constant and returns the cluster-robust
// standard error of the intercept (the mean), as statsmodels' OLS with
// cov_type="cluster": se² = C/(C−1) · Σ_c (Σ_{i∈c} (x_i − mean))² / n², with
// C distinct clusters and C − 1 degrees of freedom. clusters[i] labels
// values[i]; labels are compared as strings.
func ClusteredSE(values []float64, clusters []string) (ClusteredSEResult, error) {
	if len(clusters) != len(values) {
		return ClusteredSEResult{}, fieldErr("clusters", "has %d labels but values has %d", len(clusters), len(values))
	}
	if len(values) < 2 {
		return ClusteredSEResult{}, fieldErr("values", "needs at least 2 items, got %d", len(values))
	}
	if err := checkFinite("values", values); err != nil {
		return ClusteredSEResult{}, err
	}
	m := mean(values)
	sums := map[string]float64{}
	var order []string
	for i, x := range values {
		c := clusters[i]
		if _, seen := sums[c]; !seen {
			order = append(order, c)
		}
		sums[c] += x - m
	}
	nc := len(order)
	if nc < 2 {
		return ClusteredSEResult{}, fieldErr("clusters", "needs at least 2 distinct clusters, got %d", nc)
	}
	meat := 0.0
	for _, c := range order {
		meat += sums[c] * sums[c]
	}
	n := float64(len(values))
	cf := float64(nc)
	return ClusteredSEResult{
		Mean:        m,
		SEIID:       math.Sqrt(sampleVar(values) / n),
		SEClustered: math.Sqrt(cf / (cf - 1) * meat / (n * n)),
		DF:          nc - 1,
	}, nil
}
