// Package vec is the vector arithmetic of the embedding assertions:
// cosine similarity, dot product and Euclidean distance over float64
// vectors, checked so that a broken embedding is an error rather than a
// score. Vectors must be non-empty, of equal length and finite (no NaN,
// no ±Inf); a result that overflows is an error too.
package vec

import (
	"errors"
	"fmt"
	"math"
)

// Errors the functions return, wrapped with the position or lengths.
var (
	// ErrEmpty: a vector has no components.
	ErrEmpty = errors.New("empty vector")
	// ErrLength: the vectors differ in length.
	ErrLength = errors.New("vectors differ in length")
	// ErrNotFinite: a component, or the result, is NaN or infinite.
	ErrNotFinite = errors.New("not a finite number")
)

// Check reports whether a and b can be compared: both non-empty, of equal
// length, every component finite.
func Check(a, b []float64) error {
	if len(a) == 0 || len(b) == 0 {
		return ErrEmpty
	}
	if len(a) != len(b) {
		return fmt.Errorf("%w: %d and %d", ErrLength, len(a), len(b))
	}
	for i := range a {
		if !finite(a[i]) || !finite(b[i]) {
			return fmt.Errorf("%w: component %d", ErrNotFinite, i)
		}
	}
	return nil
}

// Dot is the dot product of a and b.
func Dot(a, b []float64) (float64, error) {
	if err := Check(a, b); err != nil {
		return 0, err
	}
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return result(s)
}

// Cosine is the cosine similarity dot(a,b)/(|a||b|), in [-1, 1]; it is 0
// when either vector is all zeros. Each vector is scaled by its largest
// component first, which leaves the cosine unchanged and keeps the sums
// from overflowing.
func Cosine(a, b []float64) (float64, error) {
	if err := Check(a, b); err != nil {
		return 0, err
	}
	sa, sb := maxAbs(a), maxAbs(b)
	if sa == 0 || sb == 0 {
		return 0, nil
	}
	var dot, na, nb float64
	for i := range a {
		x, y := a[i]/sa, b[i]/sb
		dot += x * y
		na += x * x
		nb += y * y
	}
	c := dot / (math.Sqrt(na) * math.Sqrt(nb))
	return math.Max(-1, math.Min(1, c)), nil
}

// Euclidean is the Euclidean distance between a and b.
func Euclidean(a, b []float64) (float64, error) {
	if err := Check(a, b); err != nil {
		return 0, err
	}
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return result(math.Sqrt(s))
}

func result(f float64) (float64, error) {
	if !finite(f) {
		return 0, fmt.Errorf("result: %w", ErrNotFinite)
	}
	return f, nil
}

func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
