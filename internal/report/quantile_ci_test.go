package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/stats"
)

// TestQuantileCIMatchesDrawnBootstrap checks the closed form against the
// bootstrap it stands for: resamples drawn with a fixed seed from the same
// values, the quantile of each read at the same rank, and the 2.5% and
// 97.5% points of those. The two must land on the same order statistics
// up to the drawn bootstrap's Monte Carlo error (a rank or two).
func TestQuantileCIMatchesDrawnBootstrap(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n int
		q float64
	}{{400, 0.50}, {400, 0.95}, {60, 0.50}, {60, 0.95}, {7, 0.5}} {
		rng := rand.New(rand.NewPCG(7, uint64(tt.n)))
		xs := make([]float64, tt.n)
		var s stats.Sketch
		for i := range xs {
			xs[i] = math.Round(math.Exp(6+0.5*rng.NormFloat64())*10) / 10 // log-normal latencies near 400 ms
			s.Add(xs[i])
		}
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		m := rankOf(tt.q, int64(tt.n))

		const draws = 4000
		qs := make([]float64, draws)
		re := make([]float64, tt.n)
		for b := range qs {
			for i := range re {
				re[i] = xs[rng.IntN(tt.n)]
			}
			slices.Sort(re)
			qs[b] = re[m-1]
		}
		slices.Sort(qs)
		drawn := [2]float64{qs[int(0.025*draws)], qs[int(0.975*draws)-1]}

		got := quantileCI(&s, tt.q)
		if got == nil {
			t.Fatalf("n=%d q=%v: no interval", tt.n, tt.q)
		}
		for side, v := range drawn {
			// Compare positions among the sorted values, so the sketch's
			// 0.1% rounding does not count as a difference.
			want := rankIn(sorted, v)
			have := rankIn(sorted, got[side]/1.001)
			if d := have - want; d < -2 || d > 2 {
				t.Errorf("n=%d q=%v side %d: closed form at rank %d (%.1f ms), drawn bootstrap at rank %d (%.1f ms)",
					tt.n, tt.q, side, have, got[side], want, v)
			}
		}
		if got[0] > s.Quantile(tt.q) || got[1] < s.Quantile(tt.q) {
			t.Errorf("n=%d q=%v: interval %v does not hold the estimate %v", tt.n, tt.q, *got, s.Quantile(tt.q))
		}
	}
}

// rankIn returns the 1-based rank of the first sorted value at or above v.
func rankIn(sorted []float64, v float64) int {
	i, _ := slices.BinarySearch(sorted, v)
	return i + 1
}

func TestQuantileCIEdges(t *testing.T) {
	t.Parallel()
	var s stats.Sketch
	if quantileCI(&s, 0.5) != nil {
		t.Error("empty sketch: want no interval")
	}
	s.Add(100)
	if quantileCI(&s, 0.5) != nil {
		t.Error("one value: want no interval")
	}
	for range 99 {
		s.Add(100)
	}
	if ci := quantileCI(&s, 0.95); ci == nil || math.Abs(ci[0]-100) > 0.2 || math.Abs(ci[1]-100) > 0.2 {
		t.Errorf("100 equal values: interval %v, want [100, 100]", ci)
	}
	// Wider with fewer values: the p95 of 20 values is far less certain
	// than that of 2,000 drawn from the same distribution.
	width := func(n int) float64 {
		var sk stats.Sketch
		rng := rand.New(rand.NewPCG(1, 2))
		for range n {
			sk.Add(rng.ExpFloat64() * 100)
		}
		ci := quantileCI(&sk, 0.95)
		return ci[1] - ci[0]
	}
	if w20, w2000 := width(20), width(2000); !(w20 > 2*w2000) {
		t.Errorf("p95 interval widths: %v for 20 values, %v for 2,000; want the first much wider", w20, w2000)
	}
}
