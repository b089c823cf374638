package vec

import (
	"errors"
	"math"
	"testing"
)

func TestFunctions(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name                string
		a, b                []float64
		cos, dot, euclidean float64
		wantErr             error
	}{
		{"identical", []float64{1, 2, 3}, []float64{1, 2, 3}, 1, 14, 0, nil},
		{"orthogonal", []float64{1, 0}, []float64{0, 2}, 0, 0, math.Sqrt(5), nil},
		{"opposite", []float64{1, -1}, []float64{-2, 2}, -1, -4, math.Sqrt(18), nil},
		{"scaled", []float64{3, 4}, []float64{6, 8}, 1, 50, 5, nil},
		{"45 degrees", []float64{1, 0}, []float64{1, 1}, 1 / math.Sqrt2, 1, 1, nil},
		{"zero vector", []float64{0, 0}, []float64{1, 1}, 0, 0, math.Sqrt2, nil},
		{"both zero", []float64{0, 0}, []float64{0, 0}, 0, 0, 0, nil},
		{"huge but finite", []float64{1e200, 1e200}, []float64{1e200, 1e200}, 1, 0, 0, ErrNotFinite},
		{"tiny", []float64{1e-200, 0}, []float64{1e-200, 0}, 1, 0, 0, nil},
		{"length mismatch", []float64{1, 2}, []float64{1, 2, 3}, 0, 0, 0, ErrLength},
		{"empty", nil, []float64{1}, 0, 0, 0, ErrEmpty},
		{"both empty", []float64{}, []float64{}, 0, 0, 0, ErrEmpty},
		{"NaN", []float64{1, nan}, []float64{1, 1}, 0, 0, 0, ErrNotFinite},
		{"Inf", []float64{1, 1}, []float64{inf, 1}, 0, 0, 0, ErrNotFinite},
		{"-Inf", []float64{math.Inf(-1)}, []float64{1}, 0, 0, 0, ErrNotFinite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, cerr := Cosine(tt.a, tt.b)
			d, derr := Dot(tt.a, tt.b)
			e, eerr := Euclidean(tt.a, tt.b)
			if tt.name == "huge but finite" {
				// The cosine scales its inputs; the raw sums overflow.
				if cerr != nil || !near(c, 1) {
					t.Errorf("Cosine = %v, %v; want 1", c, cerr)
				}
				if !errors.Is(derr, ErrNotFinite) {
					t.Errorf("Dot error = %v, want %v", derr, ErrNotFinite)
				}
				if eerr != nil || e != 0 {
					t.Errorf("Euclidean = %v, %v; want 0", e, eerr)
				}
				return
			}
			for _, got := range []struct {
				fn   string
				v    float64
				err  error
				want float64
			}{{"Cosine", c, cerr, tt.cos}, {"Dot", d, derr, tt.dot}, {"Euclidean", e, eerr, tt.euclidean}} {
				if tt.wantErr != nil {
					if !errors.Is(got.err, tt.wantErr) || got.v != 0 {
						t.Errorf("%s = %v, %v; want error %v", got.fn, got.v, got.err, tt.wantErr)
					}
					continue
				}
				if got.err != nil || !near(got.v, got.want) {
					t.Errorf("%s = %v, %v; want %v", got.fn, got.v, got.err, got.want)
				}
			}
		})
	}
}

func TestCosineStaysInRange(t *testing.T) {
	t.Parallel()
	// Rounding can push a parallel pair just past 1.
	a := []float64{0.1, 0.2, 0.3, 0.7, 1e-9}
	b := []float64{0.3, 0.6, 0.9, 2.1, 3e-9}
	for _, pair := range [][2][]float64{{a, b}, {a, neg(b)}} {
		c, err := Cosine(pair[0], pair[1])
		if err != nil || c > 1 || c < -1 || !near(math.Abs(c), 1) {
			t.Errorf("Cosine = %v, %v", c, err)
		}
	}
}

func FuzzCosine(f *testing.F) {
	f.Add(1.0, 2.0, 3.0, 4.0)
	f.Add(0.0, 0.0, 1.0, 0.0)
	f.Add(1e300, -1e300, 1e-300, 5.0)
	f.Fuzz(func(t *testing.T, a0, a1, b0, b1 float64) {
		a, b := []float64{a0, a1}, []float64{b0, b1}
		c, err := Cosine(a, b)
		if err != nil {
			if !errors.Is(err, ErrNotFinite) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if math.IsNaN(c) || c < -1 || c > 1 {
			t.Fatalf("Cosine(%v, %v) = %v", a, b, c)
		}
		if d, err := Euclidean(a, b); err == nil && (d < 0 || math.IsNaN(d)) {
			t.Fatalf("Euclidean(%v, %v) = %v", a, b, d)
		}
	})
}

func neg(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = -x
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
