package calibrate

import "math"

// Level is the confidence level of every interval this package reports.
const Level = 0.95

// Interval is an estimate with its confidence interval.
type Interval struct {
	Value float64 `json:"value"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
}

// z is the two-sided standard normal quantile of a confidence level:
// 1.959963984540054 for 0.95.
func z(level float64) float64 {
	return math.Sqrt2 * math.Erfinv(level)
}

// Wilson is the proportion k/n with its Wilson score interval at level;
// nil when n is 0, as no proportion was observed.
func Wilson(k, n int, level float64) *Interval {
	if n <= 0 || k < 0 || k > n {
		return nil
	}
	zz := z(level)
	nf := float64(n)
	p := float64(k) / nf
	z2 := zz * zz
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := zz / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return &Interval{Value: p, Lo: math.Max(0, center-half), Hi: math.Min(1, center+half)}
}
