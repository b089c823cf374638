package inference

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// QuantileResult is one quantile.
type QuantileResult struct {
	Value float64 `json:"value"`
}

// TQuantile is Student's t quantile function (scipy's t.ppf) for
// probability p and df degrees of freedom (df > 0, not necessarily whole).
func TQuantile(p, df float64) (QuantileResult, error) {
	if err := checkOpenUnit("p", p); err != nil {
		return QuantileResult{}, err
	}
	if !(df > 0) || math.IsInf(df, 0) {
		return QuantileResult{}, fieldErr("df", "must be a finite number > 0, got %v", df)
	}
	return QuantileResult{distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(p)}, nil
}

// ZQuantile is the standard normal quantile function (scipy's norm.ppf).
func ZQuantile(p float64) (QuantileResult, error) {
	if err := checkOpenUnit("p", p); err != nil {
		return QuantileResult{}, err
	}
	return QuantileResult{distuv.UnitNormal.Quantile(p)}, nil
}
