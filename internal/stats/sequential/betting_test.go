package sequential

import (
	"errors"
	"math"
	"testing"
)

func newTest(t *testing.T, null, alpha float64) *Test {
	t.Helper()
	s, err := NewTest(null, alpha)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHandChecked follows the bets by hand. With d = 1, 1, 1 at null 0
// (m = ½): the first bet is 0 (μ̂ = ½ = m); then μ̂ = 0.75, σ̂² = 0.15625,
// g = 0.25/0.21875 > 1 is clipped to c/m = 1, and the factor is 1.5; the
// third bet is clipped too. So K⁺ = 1, 1.5, 2.25 and K⁻ stays 1.
func TestHandChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		null  float64
		d     []float64
		wantE []float64
		dir   int
	}{
		{"three wins", 0, []float64{1, 1, 1}, []float64{1, 1.25, 1.625}, 1},
		{"three losses", 0, []float64{-1, -1, -1}, []float64{1, 1.25, 1.625}, -1},
		{"ties carry no information", 0, []float64{0, 0, 0}, []float64{1, 1, 1}, 0},
		// Against null −0.5 (m = ¼) a tie x = ½ is evidence of a higher
		// mean: μ̂ = ½, σ̂² = ¼, g = 0.25/(0.25+0.0625) = 0.8 (below
		// c/m = 2), factor 1 + 0.8·0.25 = 1.2; K⁻ stays 1 (its bet is 0).
		{"one tie against a lower null", -0.5, []float64{0}, []float64{1.1}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTest(t, tc.null, 0.05)
			if s.E() != 1 || s.P() != 1 || s.N() != 0 {
				t.Fatalf("before data: E=%v P=%v N=%d, want 1, 1, 0", s.E(), s.P(), s.N())
			}
			for i, d := range tc.d {
				if err := s.Add(d); err != nil {
					t.Fatal(err)
				}
				if got := s.E(); math.Abs(got-tc.wantE[i]) > 1e-12 {
					t.Errorf("after %d: E = %v, want %v", i+1, got, tc.wantE[i])
				}
			}
			if got := s.Direction(); got != tc.dir {
				t.Errorf("Direction = %d, want %d", got, tc.dir)
			}
		})
	}
}

// TestRejectsAfterElevenWins: with every pair won, K = (1.5^(t−1) + 1)/2
// first reaches 20 at t = 11 (1.5^10 ≈ 57.7; 1.5^9 ≈ 38.4 < 39).
func TestRejectsAfterElevenWins(t *testing.T) {
	t.Parallel()
	s := newTest(t, 0, 0.05)
	for i := 1; i <= 11; i++ {
		if err := s.Add(1); err != nil {
			t.Fatal(err)
		}
		want := (math.Pow(1.5, float64(i-1)) + 1) / 2
		if math.Abs(s.E()-want)/want > 1e-12 {
			t.Fatalf("t=%d: E = %v, want %v", i, s.E(), want)
		}
		if got := s.Rejected(); got != (i == 11) {
			t.Fatalf("t=%d: Rejected = %v, want %v", i, got, i == 11)
		}
	}
	if p := s.P(); math.Abs(p-2/(math.Pow(1.5, 10)+1)) > 1e-12 {
		t.Errorf("P = %v, want 1/E", p)
	}
}

// TestMaxEKeepsThePeak: the p-value uses the largest e-value, so losing
// the wealth later does not undo a rejection.
func TestMaxEKeepsThePeak(t *testing.T) {
	t.Parallel()
	s := newTest(t, 0, 0.05)
	for range 12 {
		_ = s.Add(1)
	}
	peak := s.MaxE()
	for range 10 { // a win and a loss: the bet on "above" loses a quarter
		_ = s.Add(1)
		_ = s.Add(-1)
	}
	if s.E() >= 20 || s.MaxE() < peak || !s.Rejected() || s.P() != 1/s.MaxE() {
		t.Errorf("E=%v MaxE=%v (peak %v) Rejected=%v P=%v: the peak must stay", s.E(), s.MaxE(), peak, s.Rejected(), s.P())
	}
}

func TestGrowsUnderStrongAlternative(t *testing.T) {
	t.Parallel()
	s := newTest(t, 0, 0.05)
	prev := s.LogE()
	// 3 wins in 4: the wealth must grow over every block of 4 once the
	// bets have learnt the sign.
	pattern := []float64{1, 1, -1, 1}
	for block := range 30 {
		for _, d := range pattern {
			_ = s.Add(d)
		}
		if block > 2 && s.LogE() <= prev {
			t.Fatalf("block %d: log E %v did not grow from %v", block, s.LogE(), prev)
		}
		prev = s.LogE()
	}
	if !s.Rejected() || s.Direction() != 1 {
		t.Errorf("Rejected=%v Direction=%d, want true, +1", s.Rejected(), s.Direction())
	}
}

func TestRefusesOutOfRange(t *testing.T) {
	t.Parallel()
	s := newTest(t, 0, 0.05)
	for _, d := range []float64{math.NaN(), 1.0000001, -2, math.Inf(1)} {
		if err := s.Add(d); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("Add(%v) = %v, want ErrOutOfRange", d, err)
		}
	}
	if s.N() != 0 || s.E() != 1 {
		t.Errorf("a refused value changed the test: N=%d E=%v", s.N(), s.E())
	}
	for _, bad := range []struct{ null, alpha float64 }{{0, 0}, {0, 1}, {1.5, 0.05}, {math.NaN(), 0.05}, {0, math.NaN()}} {
		if _, err := NewTest(bad.null, bad.alpha); err == nil {
			t.Errorf("NewTest(%v, %v): want an error", bad.null, bad.alpha)
		}
	}
}

// FuzzAdd: for any differences in range and any null, K stays
// nonnegative and finite (capped), the p-value in (0, 1], and the max at
// least the current value.
func FuzzAdd(f *testing.F) {
	f.Add(0.0, []byte{0, 255, 128, 7})
	f.Add(-1.0, []byte{0, 0, 0})
	f.Add(1.0, []byte{255, 255})
	f.Add(0.3, []byte{200, 1, 250, 3, 128, 128})
	f.Fuzz(func(t *testing.T, null float64, raw []byte) {
		if !(null >= -1 && null <= 1) {
			t.Skip()
		}
		s, err := NewTest(null, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range raw {
			d := float64(b)/127.5 - 1
			if err := s.Add(d); err != nil {
				t.Fatal(err)
			}
			e, m, p := s.E(), s.MaxE(), s.P()
			if !(e >= 0) || math.IsInf(e, 0) || math.IsNaN(s.LogE()) {
				t.Fatalf("E = %v after %d", e, s.N())
			}
			if !(m >= 1) || m < e*(1-1e-12) {
				t.Fatalf("MaxE = %v, E = %v", m, e)
			}
			if !(p > 0 && p <= 1) {
				t.Fatalf("P = %v", p)
			}
		}
	})
}

func BenchmarkTestAdd(b *testing.B) {
	s, _ := NewTest(0, 0.05)
	for i := 0; b.Loop(); i++ {
		_ = s.Add(float64(i%3 - 1))
	}
}

func BenchmarkCSAdd(b *testing.B) {
	cs, _ := NewCS(0.05, DefaultGridStep)
	for i := 0; b.Loop(); i++ {
		_ = cs.Add(float64(i%3 - 1))
	}
}
