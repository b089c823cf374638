package sequential

import (
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
)

// suite simulates paired pass/fail on heterogeneous cases: case i has a
// pass probability p_i ~ U(lo, hi) for A and p_i + delta for B; the two
// models' answers are independent given p_i. It returns the next d = B − A.
type suite struct {
	rng          *rand.Rand
	lo, hi, diff float64
}

func (s *suite) next() float64 {
	p := s.lo + (s.hi-s.lo)*s.rng.Float64()
	a := s.rng.Float64() < p
	b := s.rng.Float64() < p+s.diff
	return b2f(b) - b2f(a)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// varD is Var(d) for the suite: E[p(1−p) + q(1−q)] with q = p + delta,
// p ~ U(lo, hi) (the mean of d is delta for every case, so no
// between-case term), by the midpoint rule.
func (s *suite) varD() float64 {
	const k = 100000
	sum := 0.0
	for i := range k {
		p := s.lo + (s.hi-s.lo)*(float64(i)+0.5)/k
		q := p + s.diff
		sum += p*(1-p) + q*(1-q)
	}
	return sum / k
}

// outcome of one simulated sequential comparison.
type outcome struct {
	rejected bool
	dir      int
	n        int // pairs seen when it stopped, or max when it did not
}

// simulate runs one comparison of at most max pairs, checking after every
// batch pairs.
func simulate(rng *rand.Rand, diff float64, max, batch int) outcome {
	s := &suite{rng: rng, lo: 0.1, hi: 0.8, diff: diff}
	t, _ := NewTest(0, 0.05)
	for i := 1; i <= max; i++ {
		_ = t.Add(s.next())
		if i%batch == 0 && t.Rejected() {
			return outcome{rejected: true, dir: t.Direction(), n: i}
		}
	}
	return outcome{n: max}
}

// simRuns is the number of simulated comparisons; SEQUENTIAL_SIM_RUNS
// sets it for longer runs.
func simRuns(t *testing.T, def int) int {
	if v := os.Getenv("SEQUENTIAL_SIM_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SEQUENTIAL_SIM_RUNS=%q: want a positive integer", v)
		}
		return n
	}
	return def
}

// TestNullFalsePositives: with no difference, the test checked after
// every pair (the most often it can be checked) over up to 1,000 pairs
// rejects at most 5% of runs. Ville's bound is for the whole infinite
// sequence, so the true rate is below 5%; the check allows the observed
// rate 3 binomial standard errors above 5% (at 1,000 runs, 6.9%) so that
// the test fails for a broken test, not for the luck of a seed.
func TestNullFalsePositives(t *testing.T) {
	t.Parallel()
	runs := simRuns(t, 1000)
	rng := rand.New(rand.NewPCG(11, 12))
	rejected := 0
	for range runs {
		if simulate(rng, 0, 1000, 1).rejected {
			rejected++
		}
	}
	rate := float64(rejected) / float64(runs)
	slack := 3 * math.Sqrt(0.05*0.95/float64(runs))
	t.Logf("null: %d of %d runs rejected (%.2f%%; checked after every pair, up to 1,000 pairs; bound 5%% + %.2f%%)", rejected, runs, 100*rate, 100*slack)
	if rate > 0.05+slack {
		t.Errorf("false-positive rate %.3f above 0.05 (+%.3f slack)", rate, slack)
	}
}

// TestAlternativeStopsEarly: with B better on every case, the test
// checked every 20 pairs on a suite of 1,000 cases stops with B the winner
// and well before the end of the suite. For reference it reports the size
// a fixed-sample paired test needs for 80% power at the two-sided 5% level
// when planned for a 10-point difference, n = (z_.975 + z_.8)² Var(d)/δ²
// (325 pairs here): at exactly that difference the sequential test's
// median stop is above it (the price of checking all along and of not
// knowing the difference; even Wald's SPRT told the true difference needs
// about 250 pairs on average here), while at a larger true difference it
// stops far sooner than the fixed plan.
func TestAlternativeStopsEarly(t *testing.T) {
	t.Parallel()
	runs := simRuns(t, 300)
	const suiteSize, planned = 1000, 0.10
	const z = 1.959963984540054 + 0.8416212335729143 // z_.975 + z_.8
	fixed := int(math.Ceil(z * z * (&suite{lo: 0.1, hi: 0.8, diff: planned}).varD() / (planned * planned)))
	tests := []struct {
		diff float64
		// maxMedian bounds the median stop; minPower the share of runs
		// that stop within the suite.
		maxMedian int
		minPower  float64
	}{
		{diff: 0.10, maxMedian: suiteSize / 2, minPower: 0.80},
		{diff: 0.20, maxMedian: fixed / 2, minPower: 0.99},
	}
	for i, tc := range tests {
		rng := rand.New(rand.NewPCG(21, uint64(i)))
		var stops []int
		wrong, stopped, byFixed := 0, 0, 0
		for range runs {
			o := simulate(rng, tc.diff, suiteSize, 20)
			stops = append(stops, o.n)
			if !o.rejected {
				continue
			}
			stopped++
			if o.dir != 1 {
				wrong++
			}
			if o.n <= fixed {
				byFixed++
			}
		}
		slices.Sort(stops)
		median := stops[len(stops)/2]
		power := float64(stopped) / float64(runs)
		t.Logf("alternative +%.0f points, suite of %d: median stop %d pairs (quartiles %d, %d); stopped in %.1f%% of runs, %.1f%% by %d pairs (fixed-n for 80%% power at +%.0f points); %d named A",
			100*tc.diff, suiteSize, median, stops[len(stops)/4], stops[3*len(stops)/4], 100*power, 100*float64(byFixed)/float64(runs), fixed, 100*planned, wrong)
		if median > tc.maxMedian {
			t.Errorf("+%.0f points: median stop %d pairs, want at most %d", 100*tc.diff, median, tc.maxMedian)
		}
		if power < tc.minPower {
			t.Errorf("+%.0f points: stopped in %.3f of runs, want at least %.2f", 100*tc.diff, power, tc.minPower)
		}
		// Naming the worse model is a false rejection of the null on that
		// side: at most alpha/2 of runs.
		if float64(wrong)/float64(runs) > 0.025 {
			t.Errorf("+%.0f points: %d runs named the worse model", 100*tc.diff, wrong)
		}
	}
}

// TestCSCoverage: the confidence sequence holds the true mean difference
// at every check in at least 95% of runs (the same binomial slack as
// above), and shrinks as pairs come in.
func TestCSCoverage(t *testing.T) {
	t.Parallel()
	runs := simRuns(t, 100)
	const diff = 0.10
	rng := rand.New(rand.NewPCG(31, 32))
	missed := 0
	var width float64
	for range runs {
		s := &suite{rng: rng, lo: 0.1, hi: 0.8, diff: diff}
		cs, err := NewCS(0.05, 0.02)
		if err != nil {
			t.Fatal(err)
		}
		miss := false
		for i := 1; i <= 400; i++ {
			_ = cs.Add(s.next())
			if i%20 != 0 {
				continue
			}
			lo, hi, ok := cs.Interval()
			if !ok || diff < lo || diff > hi {
				miss = true
			}
			if i == 400 {
				width += hi - lo
			}
		}
		if miss {
			missed++
		}
	}
	rate := float64(missed) / float64(runs)
	slack := 3 * math.Sqrt(0.05*0.95/float64(runs))
	t.Logf("confidence sequence: missed the true difference at some check in %d of %d runs; mean width after 400 pairs %.3f", missed, runs, width/float64(runs))
	if rate > 0.05+slack {
		t.Errorf("miss rate %.3f above 0.05 (+%.3f slack)", rate, slack)
	}
	if w := width / float64(runs); w > 0.5 {
		t.Errorf("mean width %.3f after 400 pairs: the sequence does not shrink", w)
	}
}
