package inference

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ProportionCIResult holds a binomial proportion's confidence interval by
// each of four methods, as [low, high].
type ProportionCIResult struct {
	Wilson       [2]float64 `json:"wilson"`
	Beta         [2]float64 `json:"beta"` // Clopper–Pearson
	Normal       [2]float64 `json:"normal"`
	AgrestiCoull [2]float64 `json:"agresti_coull"`
}

// ProportionCI computes the (1−alpha) interval for successes/n as
// statsmodels' proportion_confint does for the methods wilson, beta
// (Clopper–Pearson: Beta quantiles, 0 when k = 0 and 1 when k = n), normal
// (Wald) and agresti_coull. Wald and Agresti–Coull are clipped to [0, 1],
// as statsmodels does; Wilson is clipped too, which only removes rounding
// at the ends.
func ProportionCI(successes, n int, alpha float64) (ProportionCIResult, error) {
	if n < 1 {
		return ProportionCIResult{}, fieldErr("n", "must be at least 1, got %d", n)
	}
	if successes < 0 || successes > n {
		return ProportionCIResult{}, fieldErr("successes", "must be in [0, n=%d], got %d", n, successes)
	}
	if err := checkOpenUnit("alpha", alpha); err != nil {
		return ProportionCIResult{}, err
	}
	k, nf := float64(successes), float64(n)
	q := k / nf
	crit := distuv.UnitNormal.Quantile(1 - alpha/2)
	var r ProportionCIResult

	dist := crit * math.Sqrt(q*(1-q)/nf)
	r.Normal = clip01(q-dist, q+dist)

	crit2 := crit * crit
	denom := 1 + crit2/nf
	center := (q + crit2/(2*nf)) / denom
	dist = crit * math.Sqrt(q*(1-q)/nf+crit2/(4*nf*nf)) / denom
	r.Wilson = clip01(center-dist, center+dist)

	nc := nf + crit2
	qc := (k + crit2/2) / nc
	dist = crit * math.Sqrt(qc*(1-qc)/nc)
	r.AgrestiCoull = clip01(qc-dist, qc+dist)

	r.Beta = [2]float64{0, 1}
	if successes > 0 {
		r.Beta[0] = distuv.Beta{Alpha: k, Beta: nf - k + 1}.Quantile(alpha / 2)
	}
	if successes < n {
		r.Beta[1] = distuv.Beta{Alpha: k + 1, Beta: nf - k}.Quantile(1 - alpha/2)
	}
	return r, nil
}

func clip01(lo, hi float64) [2]float64 {
	return [2]float64{min(max(lo, 0), 1), min(max(hi, 0), 1)}
}
