package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bruteQuantile is the nearest-rank quantile of sorted values, the same
// definition HdrHistogram uses.
func bruteQuantile(sorted []float64, q float64) float64 {
	rank := int(q*float64(len(sorted)) + 0.5)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// within reports whether got is within the sketch's precision of want.
func within(got, want float64) bool {
	return math.Abs(got-want) <= want*2e-3+1e-3
}

func TestSketchQuantilesMatchBruteForce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		gen  func(r *rand.Rand) float64
		n    int
	}{
		{"uniform", func(r *rand.Rand) float64 { return 1 + r.Float64()*999 }, 5000},
		{"lognormal", func(r *rand.Rand) float64 { return math.Exp(5 + r.NormFloat64()) }, 10000},
		{"sub-millisecond", func(r *rand.Rand) float64 { return 0.01 + r.Float64() }, 2000},
		{"single", func(*rand.Rand) float64 { return 412.7 }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(1, 2))
			s := NewSketch()
			vals := make([]float64, tt.n)
			sum := 0.0
			for i := range vals {
				// Round to the sketch's microsecond unit so only bucketing error remains.
				vals[i] = math.Round(tt.gen(r)*1000) / 1000
				sum += vals[i]
				s.Add(vals[i])
			}
			slices.Sort(vals)
			if got := s.Count(); got != int64(tt.n) {
				t.Fatalf("Count() = %d, want %d", got, tt.n)
			}
			for _, q := range []float64{0, 0.5, 0.9, 0.95, 0.99, 1} {
				want, got := bruteQuantile(vals, q), s.Quantile(q)
				if !within(got, want) {
					t.Errorf("Quantile(%v) = %v, want %v within 0.2%%", q, got, want)
				}
			}
			if mean := sum / float64(tt.n); !within(s.Mean(), mean) {
				t.Errorf("Mean() = %v, want %v", s.Mean(), mean)
			}
			if !within(s.Max(), vals[len(vals)-1]) || !within(s.Min(), vals[0]) {
				t.Errorf("Min/Max = %v/%v, want %v/%v", s.Min(), s.Max(), vals[0], vals[len(vals)-1])
			}
		})
	}
}

func TestSketchEdgeValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        []float64
		wantCount int64
		wantMax   float64
	}{
		{"empty", nil, 0, 0},
		{"nan and inf ignored", []float64{math.NaN(), math.Inf(1), math.Inf(-1)}, 0, 0},
		{"negative clamps to zero", []float64{-5}, 1, 0},
		{"beyond an hour clamps", []float64{5e9}, 1, 3600e3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s Sketch // the zero value must work
			for _, v := range tt.in {
				s.Add(v)
			}
			if s.Count() != tt.wantCount {
				t.Errorf("Count() = %d, want %d", s.Count(), tt.wantCount)
			}
			if !within(s.Max(), tt.wantMax) {
				t.Errorf("Max() = %v, want %v", s.Max(), tt.wantMax)
			}
			if tt.wantCount == 0 && (s.Quantile(0.5) != 0 || s.Mean() != 0) {
				t.Errorf("empty sketch: Quantile=%v Mean=%v, want 0", s.Quantile(0.5), s.Mean())
			}
		})
	}
}

func TestSketchMergeIsUnion(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	a, b, union := NewSketch(), NewSketch(), NewSketch()
	for i := range 3000 {
		v := math.Exp(4 + r.NormFloat64())
		union.Add(v)
		if i%3 == 0 {
			a.Add(v)
		} else {
			b.Add(v)
		}
	}
	a.Merge(b)
	a.Merge(nil)
	if a.Count() != union.Count() {
		t.Fatalf("merged Count() = %d, want %d", a.Count(), union.Count())
	}
	qs := []float64{0, 0.1, 0.5, 0.9, 0.99, 1}
	got, want := make([]float64, len(qs)), make([]float64, len(qs))
	for i, q := range qs {
		got[i], want[i] = a.Quantile(q), union.Quantile(q)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged quantiles differ from the union (-want +got):\n%s", diff)
	}
	if a.Mean() != union.Mean() {
		t.Errorf("merged Mean() = %v, want %v", a.Mean(), union.Mean())
	}
}

func TestSketchBinaryRoundTrip(t *testing.T) {
	t.Parallel()
	s := NewSketch()
	for i := 1; i <= 1000; i++ {
		s.Add(float64(i) * 1.5)
	}
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Sketch
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	for _, q := range []float64{0, 0.5, 0.95, 1} {
		if got.Quantile(q) != s.Quantile(q) {
			t.Errorf("Quantile(%v) after round trip = %v, want %v", q, got.Quantile(q), s.Quantile(q))
		}
	}
	if got.Count() != s.Count() {
		t.Errorf("Count() after round trip = %d, want %d", got.Count(), s.Count())
	}
	if err := got.UnmarshalBinary([]byte("not a sketch")); err == nil {
		t.Error("UnmarshalBinary(garbage) = nil error, want an error")
	}
}

func FuzzSketchUnmarshalBinary(f *testing.F) {
	s := NewSketch()
	s.Add(1)
	s.Add(250)
	b, err := s.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{})
	f.Add([]byte{0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 4, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Sketch
		if err := s.UnmarshalBinary(data); err != nil {
			return
		}
		// A decoded sketch must answer queries and merge without panicking.
		_ = s.Quantile(0.99)
		_ = s.Mean()
		NewSketch().Merge(&s)
	})
}

func BenchmarkSketchAdd(b *testing.B) {
	s := NewSketch()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Add(float64(i%5000) + 0.25)
	}
}
