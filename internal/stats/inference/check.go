package inference

import (
	"fmt"
	"math"
)

// fieldErr reports a bad input, naming the field first so that a script can
// find it: "alpha: must be in (0, 1), got 1.5".
func fieldErr(field, format string, args ...any) error {
	return fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...))
}

// checkOpenUnit checks that v is strictly between 0 and 1.
func checkOpenUnit(field string, v float64) error {
	if !(v > 0 && v < 1) {
		return fieldErr(field, "must be in (0, 1), got %v", v)
	}
	return nil
}

// checkPaired checks two score lists of equal length with at least minN
// items and finite values.
func checkPaired(nameA, nameB string, a, b []float64, minN int) error {
	if len(a) != len(b) {
		return fieldErr(nameB, "has %d items but %s has %d (pairs are matched by position)", len(b), nameA, len(a))
	}
	if len(a) < minN {
		return fieldErr(nameA, "needs at least %d items, got %d", minN, len(a))
	}
	if err := checkFinite(nameA, a); err != nil {
		return err
	}
	return checkFinite(nameB, b)
}

func checkFinite(field string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fieldErr(fmt.Sprintf("%s[%d]", field, i), "must be a finite number")
		}
	}
	return nil
}

// orDefault returns *p, or def when p is nil.
func orDefault(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}
