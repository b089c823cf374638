package inference

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// t4 is the paired example of the research notes (B9 T4): 8 items whose
// exact sign-flip p-value is 12/256 with "≥" and 2/256 with ">".
var t4a = []float64{0.9, 0.8, 0.75, 0.6, 0.95, 0.7, 0.85, 0.65}
var t4b = []float64{0.85, 0.7, 0.8, 0.5, 0.9, 0.6, 0.8, 0.6}

func TestSeededKindsAreDeterministic(t *testing.T) {
	t.Parallel()
	for _, line := range []string{
		`{"kind":"paired_bootstrap","inputs":{"a":[0.9,0.8,0.75,0.6,0.95],"b":[0.85,0.7,0.8,0.5,0.9],"resamples":500,"seed":7}}`,
		`{"kind":"permutation","inputs":{"a":[0.9,0.8,0.75,0.6,0.95],"b":[0.85,0.7,0.8,0.5,0.9],"resamples":500,"seed":7}}`,
	} {
		first, err := ComputeLine([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(first)
		for range 3 {
			again, err := ComputeLine([]byte(line))
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := json.Marshal(again); string(a) != string(b) {
				t.Errorf("same seed, different output:\n%s\n%s", a, b)
			}
		}
	}
}

func TestBootstrapSeedAndDefaults(t *testing.T) {
	t.Parallel()
	a, b := shifted(40, 0.05, 3)
	r1, err := PairedBootstrap(a, b, 2000, 1, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := PairedBootstrap(a, b, 2000, 2, 0.95)
	if r1.CILow == r2.CILow && r1.CIHigh == r2.CIHigh {
		t.Errorf("seeds 1 and 2 drew identical intervals %v..%v", r1.CILow, r1.CIHigh)
	}
	if !(r1.CILow < r1.MeanDiff && r1.MeanDiff < r1.CIHigh) {
		t.Errorf("interval %v..%v misses the mean %v", r1.CILow, r1.CIHigh, r1.MeanDiff)
	}
	// For 40 roughly normal differences the percentile interval is close to
	// the t interval.
	pt, _ := PairedT(a, b, 0.95)
	if w, tw := r1.CIHigh-r1.CILow, pt.CIHigh-pt.CILow; math.Abs(w-tw) > 0.2*tw {
		t.Errorf("bootstrap width %v, t width %v", w, tw)
	}
	line := `{"kind":"paired_bootstrap","inputs":{"a":[1,0],"b":[0,0]}}`
	resp, err := ComputeLine([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	got := resp.Result.(BootstrapResult)
	if got.Seed != DefaultSeed || got.Resamples != DefaultBootstrapSamples {
		t.Errorf("defaults: seed %d resamples %d", got.Seed, got.Resamples)
	}
}

func TestSeededKindsSeeShifts(t *testing.T) {
	t.Parallel()
	big, bigBase := shifted(30, 0.5, 11)
	none, noneBase := shifted(30, 0, 11)
	tests := []struct {
		name    string
		a, b    []float64
		lowP    bool
		compute func(a, b []float64) (float64, error)
	}{
		{"bootstrap large shift", big, bigBase, true, bootP},
		{"bootstrap no shift", none, noneBase, false, bootP},
		{"permutation large shift", big, bigBase, true, permP},
		{"permutation no shift", none, noneBase, false, permP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := tt.compute(tt.a, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if tt.lowP && p >= 0.01 || !tt.lowP && p <= 0.05 {
				t.Errorf("p = %v", p)
			}
		})
	}
}

// TestPermutationCountsTies uses the exact sign-flip answer: with "≥" the
// p-value is 12/256 = 0.046875; sacreBLEU's ">" would give about 0.008.
func TestPermutationCountsTies(t *testing.T) {
	t.Parallel()
	r, err := Permutation(t4a, t4b, 200000, 99)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.PValue-12.0/256) > 0.003 {
		t.Errorf("p = %v, want about %v", r.PValue, 12.0/256)
	}
	// A zero observed difference is reached by every trial: p = 1.
	r, _ = Permutation([]float64{1, 0, 1, 0}, []float64{0, 1, 0, 1}, 1000, 1)
	if r.PValue != 1 || r.MeanDiff != 0 {
		t.Errorf("balanced pass/fail: %+v", r)
	}
}

func bootP(a, b []float64) (float64, error) {
	r, err := PairedBootstrap(a, b, 2000, DefaultSeed, 0.95)
	return r.PValue, err
}

func permP(a, b []float64) (float64, error) {
	r, err := Permutation(a, b, 2000, DefaultSeed)
	return r.PValue, err
}

// shifted returns n baseline scores and candidate = baseline + shift +
// noise (sd 0.1), from a fixed stream.
func shifted(n int, shift float64, seed uint64) (a, b []float64) {
	rng := rand.New(rand.NewPCG(seed, 0))
	a, b = make([]float64, n), make([]float64, n)
	for i := range a {
		b[i] = rng.Float64()
		a[i] = b[i] + shift + 0.1*rng.NormFloat64()
	}
	return a, b
}
