package sequential

import (
	"math"
	"testing"
)

func TestCSInterval(t *testing.T) {
	t.Parallel()
	cs, err := NewCS(0.05, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi, ok := cs.Interval(); !ok || lo != -1 || hi != 1 {
		t.Fatalf("before data: [%v, %v] %v, want [-1, 1]", lo, hi, ok)
	}
	for range 60 {
		if err := cs.Add(1); err != nil {
			t.Fatal(err)
		}
	}
	// Sixty wins: every null below 1 is rejected except the top grid
	// points; the interval is the top, widened by one step.
	lo, hi, ok := cs.Interval()
	if !ok || hi != 1 || lo < 0.5 || lo > 1 {
		t.Errorf("after 60 wins: [%v, %v] %v, want an interval near 1", lo, hi, ok)
	}
	if err := cs.Add(math.NaN()); err == nil {
		t.Error("Add(NaN): want an error")
	}
	for _, step := range []float64{0, -1, math.NaN(), 1e-5} {
		if _, err := NewCS(0.05, step); err == nil {
			t.Errorf("NewCS(step %v): want an error", step)
		}
	}
}
