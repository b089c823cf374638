package calibrate

import (
	"math"

	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

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
	ci, err := inference.ProportionCI(k, n, 1-level)
	if err != nil {
		return nil
	}
	return &Interval{Value: float64(k) / float64(n), Lo: ci.Wilson[0], Hi: ci.Wilson[1]}
}
