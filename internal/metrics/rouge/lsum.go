package rouge

import "slices"

// SummaryLCS is rouge-score's summary-level LCS (rougeLsum) over target and
// prediction sentences given as token lists: for each target sentence the
// union of its LCS positions against every prediction sentence, counted
// while both sides still have that token left.
func SummaryLCS[T comparable](target, prediction [][]T) Score {
	if len(target) == 0 || len(prediction) == 0 {
		return Score{}
	}
	m, n := 0, 0
	refCnt := map[T]int{}
	canCnt := map[T]int{}
	for _, s := range target {
		m += len(s)
		for _, t := range s {
			refCnt[t]++
		}
	}
	for _, s := range prediction {
		n += len(s)
		for _, t := range s {
			canCnt[t]++
		}
	}
	if m == 0 || n == 0 {
		return Score{}
	}
	hits := 0
	for _, r := range target {
		for _, t := range unionLCS(r, prediction) {
			if canCnt[t] > 0 && refCnt[t] > 0 {
				hits++
				canCnt[t]--
				refCnt[t]--
			}
		}
	}
	rec := float64(hits) / float64(m)
	prec := float64(hits) / float64(n)
	return Score{Precision: prec, Recall: rec, FMeasure: fmeasure(prec, rec)}
}

// unionLCS returns the tokens of ref at the union of its LCS positions
// against each candidate, in ref order.
func unionLCS[T comparable](ref []T, cands [][]T) []T {
	in := make([]bool, len(ref))
	for _, c := range cands {
		for _, i := range lcsIndices(ref, c) {
			in[i] = true
		}
	}
	var out []T
	for i, ok := range in {
		if ok {
			out = append(out, ref[i])
		}
	}
	return out
}

// lcsIndices reads one LCS out of the full table the way rouge-score's
// _backtrack_norec does; its tie-breaking decides which positions count.
func lcsIndices[T comparable](ref, can []T) []int {
	rows, cols := len(ref), len(can)
	t := make([][]int, rows+1)
	for i := range t {
		t[i] = make([]int, cols+1)
	}
	for i := 1; i <= rows; i++ {
		for j := 1; j <= cols; j++ {
			if ref[i-1] == can[j-1] {
				t[i][j] = t[i-1][j-1] + 1
			} else {
				t[i][j] = max(t[i-1][j], t[i][j-1])
			}
		}
	}
	var idx []int
	i, j := rows, cols
	for i > 0 && j > 0 {
		switch {
		case ref[i-1] == can[j-1]:
			idx = append(idx, i-1)
			i--
			j--
		case t[i][j-1] > t[i-1][j]:
			j--
		default:
			i--
		}
	}
	slices.Reverse(idx)
	return idx
}
