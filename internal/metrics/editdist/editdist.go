// Package editdist computes edit distance exactly as nltk's edit_distance
// (substitution cost, optional Damerau transpositions), counted in Unicode
// code points (Python, nltk) or UTF-16 code units (JavaScript, promptfoo),
// plus the normalised similarity, WER and CER built on it.
package editdist

import (
	"errors"
	"fmt"
	"unicode/utf16"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// Units in which strings are counted.
const (
	CodePoints = "codepoints"
	UTF16      = "utf16"
)

// Options mirrors nltk's edit_distance arguments plus the counting unit.
type Options struct {
	SubstitutionCost int  // nltk's default is 1; 0 makes substitutions free
	Transpositions   bool // count an adjacent swap as one edit
	Unit             string
}

// Defaults returns nltk's defaults: substitution cost 1, no transpositions,
// code points.
func Defaults() Options { return Options{SubstitutionCost: 1, Unit: CodePoints} }

// ErrEmptyReference is returned by WER and CER for an empty reference,
// where the rate is undefined.
var ErrEmptyReference = errors.New("editdist: empty reference")

// Units splits s into the symbols that unit counts.
func Units(s, unit string) ([]int, error) {
	switch unit {
	case "", CodePoints, "codepoint", "code_points":
		out := make([]int, 0, len(s))
		for _, r := range s {
			out = append(out, int(r))
		}
		return out, nil
	case UTF16, "utf16_units", "utf-16":
		u := utf16.Encode([]rune(s))
		out := make([]int, len(u))
		for i, v := range u {
			out[i] = int(v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("editdist: unknown unit %q (want codepoints or utf16)", unit)
}

// Distance is the edit distance between a and b.
func Distance(a, b string, o Options) (int, error) {
	x, err := Units(a, o.Unit)
	if err != nil {
		return 0, err
	}
	y, err := Units(b, o.Unit)
	if err != nil {
		return 0, err
	}
	return Sequences(x, y, o.SubstitutionCost, o.Transpositions), nil
}

// Sequences is nltk's edit_distance over any comparable symbols.
func Sequences[T comparable](s1, s2 []T, substitutionCost int, transpositions bool) int {
	n1, n2 := len(s1), len(s2)
	if !transpositions {
		return twoRows(s1, s2, substitutionCost)
	}
	lev := make([][]int, n1+1)
	for i := range lev {
		lev[i] = make([]int, n2+1)
		lev[i][0] = i
	}
	for j := range n2 + 1 {
		lev[0][j] = j
	}
	lastLeftT := map[T]int{}
	for i := 1; i <= n1; i++ {
		lastRightBuf := 0
		for j := 1; j <= n2; j++ {
			lastLeft := lastLeftT[s2[j-1]]
			lastRight := lastRightBuf
			if s1[i-1] == s2[j-1] {
				lastRightBuf = j
			}
			c := lev[i-1][j-1]
			if s1[i-1] != s2[j-1] {
				c += substitutionCost
			}
			d := c + 1
			if lastLeft > 0 && lastRight > 0 {
				d = lev[lastLeft-1][lastRight-1] + i - lastLeft + j - lastRight - 1
			}
			lev[i][j] = min(lev[i-1][j]+1, lev[i][j-1]+1, c, d)
		}
		lastLeftT[s1[i-1]] = i
	}
	return lev[n1][n2]
}

// twoRows is the transposition-free recurrence in O(len(s2)) memory.
func twoRows[T comparable](s1, s2 []T, sub int) int {
	prev := make([]int, len(s2)+1)
	cur := make([]int, len(s2)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s1); i++ {
		cur[0] = i
		for j := 1; j <= len(s2); j++ {
			c := prev[j-1]
			if s1[i-1] != s2[j-1] {
				c += sub
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, c)
		}
		prev, cur = cur, prev
	}
	return prev[len(s2)]
}

// Similarity is 1 - distance/max(len(a), len(b)) in the chosen unit, and 1
// when both strings are empty. With a substitution cost above 1 it can go
// below 0 and is clamped there.
func Similarity(a, b string, o Options) (float64, error) {
	x, err := Units(a, o.Unit)
	if err != nil {
		return 0, err
	}
	y, err := Units(b, o.Unit)
	if err != nil {
		return 0, err
	}
	m := max(len(x), len(y))
	if m == 0 {
		return 1, nil
	}
	d := Sequences(x, y, o.SubstitutionCost, o.Transpositions)
	return max(0, 1-float64(d)/float64(m)), nil
}

// WER is the word error rate: the word-level edit distance (Python split()
// words, unit costs) divided by the number of reference words.
func WER(hypothesis, reference string) (float64, error) {
	ref := pytext.Split(reference)
	if len(ref) == 0 {
		return 0, ErrEmptyReference
	}
	return float64(Sequences(pytext.Split(hypothesis), ref, 1, false)) / float64(len(ref)), nil
}

// CER is the character error rate: the edit distance in code points of the
// whitespace-normalised strings divided by the reference's length.
func CER(hypothesis, reference string) (float64, error) {
	ref := []rune(pytext.JoinSplit(reference))
	if len(ref) == 0 {
		return 0, ErrEmptyReference
	}
	return float64(Sequences([]rune(pytext.JoinSplit(hypothesis)), ref, 1, false)) / float64(len(ref)), nil
}
