package analysis

import "math"

// Goal says which values of a coordinate are better.
type Goal int8

const (
	// Minimize: smaller is better (cost, latency).
	Minimize Goal = iota
	// Maximize: larger is better (quality).
	Maximize
)

// Frontier returns, in input order, the indices of the Pareto frontier of
// points: those no other point dominates, where a dominates b when a is at
// least as good on every coordinate and better on one. Every point has one
// coordinate per goal. Equal points are all kept. A point with a NaN
// coordinate is neither on the frontier nor dominates another: an unknown
// cost or latency is not evidence. It takes O(n²·d), meant for the tens of
// models a comparison holds.
func Frontier(points [][]float64, goals []Goal) []int {
	var out []int
	for i, p := range points {
		if hasNaN(p) {
			continue
		}
		dominated := false
		for j, q := range points {
			if i != j && !hasNaN(q) && dominates(q, p, goals) {
				dominated = true
				break
			}
		}
		if !dominated {
			out = append(out, i)
		}
	}
	return out
}

// dominates reports whether a dominates b.
func dominates(a, b []float64, goals []Goal) bool {
	strictly := false
	for k, g := range goals {
		x, y := a[k], b[k]
		if g == Maximize {
			x, y = -x, -y
		}
		switch {
		case x > y:
			return false
		case x < y:
			strictly = true
		}
	}
	return strictly
}

func hasNaN(p []float64) bool {
	for _, v := range p {
		if math.IsNaN(v) {
			return true
		}
	}
	return false
}
