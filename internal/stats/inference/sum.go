package inference

import "math"

// pairwiseSum adds xs in the order numpy's add.reduce uses for a contiguous
// float64 array: runs shorter than 8 are summed left to right, runs up to
// 128 with eight interleaved accumulators, longer runs are split in two.
// Matching the order keeps results within rounding of scipy's, not just close.
func pairwiseSum(xs []float64) float64 {
	n := len(xs)
	switch {
	case n < 8:
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s
	case n <= 128:
		var r [8]float64
		copy(r[:], xs[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range r {
				r[j] += xs[i+j]
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			s += xs[i]
		}
		return s
	default:
		n2 := n / 2
		n2 -= n2 % 8
		return pairwiseSum(xs[:n2]) + pairwiseSum(xs[n2:])
	}
}

// mean is numpy's mean: the pairwise sum divided by the count.
func mean(xs []float64) float64 { return pairwiseSum(xs) / float64(len(xs)) }

// sampleVar is the variance with ddof=1 as scipy's ttest_rel computes it:
// the mean squared deviation times n/(n-1).
func sampleVar(xs []float64) float64 {
	m := mean(xs)
	sq := make([]float64, len(xs))
	for i, x := range xs {
		dz := x - m
		sq[i] = dz * dz
	}
	n := float64(len(xs))
	return mean(sq) * (n / (n - 1))
}

// diffs returns a[i]-b[i].
func diffs(a, b []float64) []float64 {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return d
}

// ptr returns a pointer to f, or nil when f is not a finite number (JSON
// has no NaN or infinity; such values are written as null).
func ptr(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}
