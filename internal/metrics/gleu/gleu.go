// Package gleu computes Google-BLEU (GLEU) as nltk's
// nltk.translate.gleu_score.sentence_gleu does: over the n-grams of orders
// minLen..maxLen of the hypothesis and of each reference, the matches
// (multiset intersection) divided by the larger of the two n-gram counts,
// which is min(precision, recall); with several references, the best.
package gleu

import "strings"

// Result is a sentence's GLEU with the counts behind it.
type Result struct {
	Score float64
	// Matches and Total are tp and max(tpfp, tpfn) of the best reference.
	Matches, Total int
}

// Sentence scores hyp against refs, tokens already split. A hypothesis
// and references without n-grams score 0, as in nltk. Ties between
// references are broken as nltk's max over (score, tp, n_all).
func Sentence(refs [][]string, hyp []string, minLen, maxLen int) Result {
	h := ngrams(hyp, minLen, maxLen)
	tpfp := total(h)
	var best Result
	found := false
	for _, r := range refs {
		rc := ngrams(r, minLen, maxLen)
		tpfn := total(rc)
		tp := 0
		for g, n := range h {
			tp += min(n, rc[g])
		}
		all := max(tpfp, tpfn)
		if all == 0 {
			continue
		}
		cand := Result{Score: float64(tp) / float64(all), Matches: tp, Total: all}
		if !found || better(cand, best) {
			best, found = cand, true
		}
	}
	return best
}

// better orders as Python's tuple comparison of (score, tp, n_all).
func better(a, b Result) bool {
	switch {
	case a.Score != b.Score:
		return a.Score > b.Score
	case a.Matches != b.Matches:
		return a.Matches > b.Matches
	}
	return a.Total > b.Total
}

// ngrams counts the n-grams of orders lo..hi (nltk's everygrams), each
// keyed by its tokens joined with a separator no token holds.
func ngrams(toks []string, lo, hi int) map[string]int {
	out := map[string]int{}
	for n := lo; n <= hi && n <= len(toks); n++ {
		for i := 0; i+n <= len(toks); i++ {
			out[strings.Join(toks[i:i+n], "\x00")]++
		}
	}
	return out
}

func total(m map[string]int) int {
	t := 0
	for _, n := range m {
		t += n
	}
	return t
}
