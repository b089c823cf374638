package report

import (
	"sort"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/llm-test-bench/llm-test-bench/internal/stats"
)

// quantileCI returns the 95% percentile-bootstrap interval of the sketch's
// q-quantile, nil below two values.
//
// A median or a p95 has no standard error to put a t interval on, so the
// summary bootstraps it, and for a quantile the bootstrap needs no
// replicates. The sample q-quantile is the m-th smallest value, m the
// sketch's rank round(q·n) in [1, n]. A resample of n values drawn from the
// sample holds Binomial(n, j/n) values at or below the j-th smallest, x₍ⱼ₎,
// and its m-th smallest is at most x₍ⱼ₎ exactly when that count is at least
// m. So the bootstrap distribution of the quantile is
//
//	P*(Q* ≤ x₍ⱼ₎) = P(Binomial(n, j/n) ≥ m),
//
// and the 2.5% and 97.5% points of that distribution are the interval: the
// limit that drawing more and more resamples converges to, with no Monte
// Carlo error and no seed (quantile_ci_test.go checks a seeded drawn
// bootstrap against it). The values are read back from the sketch, within
// its 0.1% precision; the counts the sketch keeps make this O(log n) CDF
// evaluations, however many results a run has.
func quantileCI(s *stats.Sketch, q float64) *[2]float64 {
	n := s.Count()
	if n < 2 {
		return nil
	}
	m := rankOf(q, n)
	lo := bootstrapRank(n, m, ciAlpha/2)
	hi := bootstrapRank(n, m, 1-ciAlpha/2)
	return &[2]float64{s.Quantile(float64(lo) / float64(n)), s.Quantile(float64(hi) / float64(n))}
}

// rankOf is the rank the sketch reads the q-quantile at: round(q·n),
// clamped to [1, n].
func rankOf(q float64, n int64) int64 {
	r := int64(q*float64(n) + 0.5)
	return min(max(r, 1), n)
}

// bootstrapRank returns the smallest rank j in [1, n] whose order statistic
// the bootstrapped m-th order statistic stays at or below with probability
// at least p: P(Binomial(n, j/n) ≥ m) ≥ p. That probability grows with j
// (and is 1 at j = n), so a binary search finds it.
func bootstrapRank(n, m int64, p float64) int64 {
	j := sort.Search(int(n), func(i int) bool {
		return atLeast(n, int64(i)+1, m) >= p
	})
	return int64(j) + 1
}

// atLeast is P(Binomial(n, j/n) ≥ m).
func atLeast(n, j, m int64) float64 {
	if j >= n {
		return 1
	}
	b := distuv.Binomial{N: float64(n), P: float64(j) / float64(n)}
	return b.Survival(float64(m - 1))
}
