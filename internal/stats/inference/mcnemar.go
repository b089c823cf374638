package inference

import (
	"fmt"

	"gonum.org/v1/gonum/stat/distuv"
)

// McNemarResult is McNemar's test on paired pass/fail outcomes.
type McNemarResult struct {
	B           int     `json:"b"` // items a passes and b fails
	C           int     `json:"c"` // items a fails and b passes
	ExactPValue float64 `json:"exact_pvalue"`
	Chi2        *Chi2   `json:"chi2"` // nil when b+c = 0
}

// Chi2 is the asymptotic form of McNemar's test, with (CC) and without
// the continuity correction.
type Chi2 struct {
	StatisticCC float64 `json:"statistic_cc"`
	PValueCC    float64 `json:"pvalue_cc"`
	Statistic   float64 `json:"statistic"`
	PValue      float64 `json:"pvalue"`
}

// McNemar compares two systems' pass (1) / fail (0) outcomes on the same
// items, as statsmodels' mcnemar on the table [[0, b], [c, 0]]: the exact
// p-value is min(1, 2·BinomCDF(min(b, c); b+c, 1/2)); the chi-square
// statistic is (|b−c| − k)²/(b+c) with k = 1 (corrected) or 0, on 1 degree
// of freedom. With no discordant pair the exact p-value is 1 and Chi2 is nil.
func McNemar(a, b []float64) (McNemarResult, error) {
	if err := checkPaired("a", "b", a, b, 1); err != nil {
		return McNemarResult{}, err
	}
	var r McNemarResult
	for i := range a {
		if err := checkBinary("a", i, a[i]); err != nil {
			return McNemarResult{}, err
		}
		if err := checkBinary("b", i, b[i]); err != nil {
			return McNemarResult{}, err
		}
		switch {
		case a[i] == 1 && b[i] == 0:
			r.B++
		case a[i] == 0 && b[i] == 1:
			r.C++
		}
	}
	return mcnemarCounts(r.B, r.C), nil
}

func mcnemarCounts(b, c int) McNemarResult {
	r := McNemarResult{B: b, C: c}
	n := b + c
	if n == 0 {
		r.ExactPValue = 1
		return r
	}
	r.ExactPValue = min(1, 2*distuv.Binomial{N: float64(n), P: 0.5}.CDF(float64(min(b, c))))
	chi := distuv.ChiSquared{K: 1}
	diff := float64(max(b-c, c-b))
	cc := (diff - 1) * (diff - 1) / float64(n)
	raw := diff * diff / float64(n)
	r.Chi2 = &Chi2{StatisticCC: cc, PValueCC: chi.Survival(cc), Statistic: raw, PValue: chi.Survival(raw)}
	return r
}

func checkBinary(field string, i int, v float64) error {
	if v != 0 && v != 1 {
		return fieldErr(fmt.Sprintf("%s[%d]", field, i), "must be 0 (fail) or 1 (pass), got %v", v)
	}
	return nil
}
