package calibrate

import (
	"errors"
	"math"
	"testing"
)

// close reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func checkInterval(t *testing.T, got *Interval, want Interval, tol float64) {
	t.Helper()
	if got == nil {
		t.Fatalf("got no interval, want %+v", want)
	}
	if !near(got.Value, want.Value, tol) || !near(got.Lo, want.Lo, tol) || !near(got.Hi, want.Hi, tol) {
		t.Errorf("got %+v, want %+v (±%g)", *got, want, tol)
	}
}

// TestWilson checks the Wilson interval against statsmodels'
// proportion_confint(k, n, alpha=0.05, method="wilson").
func TestWilson(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		k, n int
		want Interval
	}{
		{"39 of 66", 39, 66, Interval{39.0 / 66, 0.4704918970000325, 0.7013258199065963}},
		{"none of 30", 0, 30, Interval{0, 0, 0.1135133931739688}},
		{"all of 30", 30, 30, Interval{1, 0.8864866068260311, 1}},
		{"137 of 164", 137, 164, Interval{137.0 / 164, 0.7710631895922835, 0.8843171959983442}},
		{"one of one", 1, 1, Interval{1, 0.2065493143772374, 1}},
		{"7 of 20", 7, 20, Interval{0.35, 0.18119182410108203, 0.5671457233147638}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkInterval(t, Wilson(tc.k, tc.n, Level), tc.want, 1e-9)
		})
	}
	for _, bad := range [][2]int{{0, 0}, {3, 2}, {-1, 4}} {
		if got := Wilson(bad[0], bad[1], Level); got != nil {
			t.Errorf("Wilson(%d, %d) = %+v, want nil", bad[0], bad[1], *got)
		}
	}
	if got := z(Level); !near(got, 1.959963984540054, 1e-12) {
		t.Errorf("z(0.95) = %v", got)
	}
}

// TestKappa checks Cohen's kappa and its interval against statsmodels'
// cohens_kappa (kappa ± 1.96·std_kappa), clipped to [−1, 1].
func TestKappa(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		table [][]int
		want  *Interval
	}{
		{"2x2", [][]int{{20, 5}, {10, 15}}, &Interval{0.4, 0.151092290476661, 0.6489077095233389}},
		{"3x3", [][]int{{12, 3, 2}, {4, 10, 1}, {2, 2, 4}}, &Interval{0.44718657453109584, 0.21603393037484353, 0.6783392186873481}},
		{"perfect", [][]int{{10, 0}, {0, 10}}, &Interval{1, 1, 1}},
		{"worse than chance, clipped at -1", [][]int{{1, 9}, {9, 1}}, &Interval{-0.8, -1, -0.5370432378270258}},
		{"a category nobody used", [][]int{{9, 1, 0}, {2, 7, 0}, {1, 1, 0}}, &Interval{0.5625, 0.2562096942044614, 0.8687903057955386}},
		{"rare fails", [][]int{{40, 3}, {2, 1}}, &Interval{0.22818791946308645, -0.23028185942487847, 0.6866576983510514}},
		{"one category only", [][]int{{10, 0}, {0, 0}}, nil},
		{"empty", [][]int{{0, 0}, {0, 0}}, nil},
		{"not square", [][]int{{1, 2}, {3}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Kappa(tc.table, Level)
			if tc.want == nil {
				if got != nil {
					t.Fatalf("got %+v, want undefined", *got)
				}
				return
			}
			checkInterval(t, got, *tc.want, 1e-9)
		})
	}
}

// TestSpearman checks rho against scipy.stats.spearmanr, ties included.
func TestSpearman(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		x, y []float64
		want float64
		ok   bool
	}{
		{"tie in y", []float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7}, 0.8207826816681233, true},
		{"ties in both", []float64{0.1, 0.4, 0.4, 0.9, 0.7, 0.2, 0.4}, []float64{1, 3, 2, 5, 5, 1, 4}, 0.9435641951204964, true},
		{"reversed", []float64{1, 2, 3}, []float64{3, 2, 1}, -1, true},
		{"binary labels", []float64{0, 1, 1, 0, 1, 0, 1, 1}, []float64{0.2, 0.9, 0.6, 0.6, 0.8, 0.1, 0.95, 0.4}, 0.6801842415181628, true},
		{"many ties", []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}, []float64{2, 7, 1, 8, 2, 8, 1, 8, 2, 8}, 0.13471506281091267, true},
		{"constant", []float64{1, 1, 1}, []float64{1, 2, 3}, 0, false},
		{"one pair", []float64{1}, []float64{2}, 0, false},
		{"lengths differ", []float64{1, 2}, []float64{1, 2, 3}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := Spearman(tc.x, tc.y)
			if ok != tc.ok || !near(got, tc.want, 1e-12) {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestBinaryAndPairs checks the tables' derived rates against hand counts.
func TestBinaryAndPairs(t *testing.T) {
	t.Parallel()
	b := Binary{TP: 137, FN: 27, FP: 10, TN: 20}
	checkInterval(t, b.Sensitivity(Level), Interval{137.0 / 164, 0.7710631895922835, 0.8843171959983442}, 1e-9)
	checkInterval(t, b.Specificity(Level), Interval{20.0 / 30, Wilson(20, 30, Level).Lo, Wilson(20, 30, Level).Hi}, 0)
	if got := b.Accuracy(Level).Value; !near(got, 157.0/194, 1e-12) {
		t.Errorf("accuracy %v, want 157/194", got)
	}

	var p Pairs
	add := func(h, j Preference, n int) {
		for range n {
			p.Add(h, j)
		}
	}
	add(First, First, 12)
	add(First, Second, 3)
	add(First, Tie, 2)
	add(Second, First, 4)
	add(Second, Second, 10)
	add(Second, Tie, 1)
	add(Tie, First, 2)
	add(Tie, Second, 2)
	add(Tie, Tie, 4)
	if p.N() != 40 || p.WithoutTies() != 29 {
		t.Fatalf("N %d, without ties %d; want 40, 29", p.N(), p.WithoutTies())
	}
	if got := p.AgreementWithTies(Level).Value; !near(got, 26.0/40, 1e-12) {
		t.Errorf("agreement with ties %v, want 26/40", got)
	}
	if got := p.AgreementWithoutTies(Level).Value; !near(got, 22.0/29, 1e-12) {
		t.Errorf("agreement without ties %v, want 22/29", got)
	}
	// The same table as TestKappa's 3x3 case, in the order 1, 2, tie.
	checkInterval(t, p.Kappa(Level), Interval{0.44718657453109584, 0.21603393037484353, 0.6783392186873481}, 1e-9)
}

func TestRoganGladen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		q, se, sp, want float64
		ok              bool
	}{
		{0.61, 0.85, 0.75, 0.6, true},
		{0.43, 0.85, 0.75, 0.3, true},
		{0.2, 0.85, 0.75, 0, true},  // below the false-positive rate: clipped
		{0.95, 0.85, 0.75, 1, true}, // above the sensitivity: clipped
		{0.7, 1, 1, 0.7, true},      // a perfect judge changes nothing
		{0.5, 0.5, 0.5, 0, false},
		{0.5, 0.3, 0.4, 0, false},
	} {
		got, ok := RoganGladen(tc.q, tc.se, tc.sp)
		if ok != tc.ok || !near(got, tc.want, 1e-12) {
			t.Errorf("RoganGladen(%v, %v, %v) = %v, %v; want %v, %v", tc.q, tc.se, tc.sp, got, ok, tc.want, tc.ok)
		}
	}
}

// TestCorrect checks the point estimate, the interval against the delta
// method's (which it should match when every count is large), that the
// seed makes it reproducible, and the refusals.
func TestCorrect(t *testing.T) {
	t.Parallel()
	c := Counts{Passed: 610, Scored: 1000, Calibration: Binary{TP: 153, FN: 27, TN: 90, FP: 30}}
	got, err := Correct(c, Level, 20000, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Delta method: SE² = [q(1−q)/m + p²Se(1−Se)/n₁ + (1−p)²Sp(1−Sp)/n₀]/J²
	// = 0.045427²; p ± 1.96·SE = [0.51096, 0.68904].
	checkInterval(t, &got.Corrected, Interval{0.6, 0.51096, 0.68904}, 0.01)
	if !near(got.Corrected.Value, 0.6, 1e-12) || got.Sensitivity != 0.85 || got.Specificity != 0.75 {
		t.Errorf("point estimate %+v", got)
	}
	checkInterval(t, &got.Naive, *Wilson(610, 1000, Level), 0)
	again, _ := Correct(c, Level, 20000, 1)
	other, _ := Correct(c, Level, 20000, 2)
	if *again != *got {
		t.Error("the same seed gave a different interval")
	}
	if other.Corrected == got.Corrected {
		t.Error("another seed gave the very same interval")
	}

	// A judge barely better than chance: nearly every draw is unidentified
	// or wild, so the interval spans almost everything.
	weak := Counts{Passed: 50, Scored: 100, Calibration: Binary{TP: 6, FN: 4, TN: 5, FP: 5}}
	w, err := Correct(weak, Level, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if w.Unidentified == 0 || w.Corrected.Lo > 0.05 || w.Corrected.Hi < 0.95 {
		t.Errorf("weak judge: %+v, want a near [0, 1] interval with unidentified draws", w)
	}

	for _, tc := range []struct {
		name string
		c    Counts
		is   error
	}{
		{"chance judge", Counts{Passed: 5, Scored: 10, Calibration: Binary{TP: 5, FN: 5, TN: 5, FP: 5}}, ErrChanceJudge},
		{"J just at the limit", Counts{Passed: 5, Scored: 10, Calibration: Binary{TP: 21, FN: 19, TN: 21, FP: 19}}, ErrChanceJudge},
		{"no human passes", Counts{Passed: 5, Scored: 10, Calibration: Binary{TN: 5, FP: 1}}, nil},
		{"no human fails", Counts{Passed: 5, Scored: 10, Calibration: Binary{TP: 5, FN: 1}}, nil},
		{"no scored verdicts", Counts{Calibration: Binary{TP: 5, FN: 1, TN: 5, FP: 1}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Correct(tc.c, Level, 1000, 1)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

// BenchmarkCorrect measures a correction with the CLI's number of draws.
func BenchmarkCorrect(b *testing.B) {
	c := Counts{Passed: 610, Scored: 1000, Calibration: Binary{TP: 153, FN: 27, TN: 90, FP: 30}}
	for i := 0; b.Loop(); i++ {
		if _, err := Correct(c, Level, 10000, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
