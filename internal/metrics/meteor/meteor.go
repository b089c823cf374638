// Package meteor computes METEOR as nltk's meteor_score with its default
// parameters (alpha 0.9, beta 3, gamma 0.5), matching words in two stages:
// exact (after lowercasing) and Porter stem. WordNet synonym matching, nltk's
// third stage, is not supported: scores equal nltk's whenever no unmatched
// word pair would be WordNet synonyms, and can be lower otherwise.
package meteor

import (
	"math"
	"sort"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/porter"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// Params are METEOR's weights.
type Params struct {
	Alpha, Beta, Gamma float64
}

// Defaults are nltk's defaults.
func Defaults() Params { return Params{Alpha: 0.9, Beta: 3, Gamma: 0.5} }

type word struct {
	idx  int
	text string
}

type pair struct{ h, r int }

// Score is nltk's meteor_score: the best single_meteor_score over the
// references. Inputs are token lists; with no reference the score is 0.
func Score(references [][]string, hypothesis []string, p Params) float64 {
	best := 0.0
	for i, ref := range references {
		if s := Single(ref, hypothesis, p); i == 0 || s > best {
			best = s
		}
	}
	return best
}

// Single is nltk's single_meteor_score for one tokenised reference.
func Single(reference, hypothesis []string, p Params) float64 {
	hyp := enumerate(hypothesis)
	ref := enumerate(reference)
	exact, hyp, ref := matchEnums(hyp, ref)
	stem := func(ws []word) []word {
		out := make([]word, len(ws))
		for i, w := range ws {
			out[i] = word{w.idx, porter.Stem(w.text)}
		}
		return out
	}
	stemmed, _, _ := matchEnums(stem(hyp), stem(ref))
	matches := make([]pair, 0, len(exact)+len(stemmed))
	matches = append(matches, exact...)
	matches = append(matches, stemmed...)
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].h < matches[j].h })
	m := float64(len(matches))
	if len(hypothesis) == 0 || len(reference) == 0 || m == 0 {
		return 0
	}
	prec := m / float64(len(hypothesis))
	rec := m / float64(len(reference))
	fmean := prec * rec / (p.Alpha*prec + (1-p.Alpha)*rec)
	frag := float64(chunks(matches)) / m
	penalty := p.Gamma * math.Pow(frag, p.Beta)
	return (1 - penalty) * fmean
}

func enumerate(ws []string) []word {
	out := make([]word, len(ws))
	for i, w := range ws {
		out[i] = word{i, pytext.Lower(w)}
	}
	return out
}

// matchEnums is nltk's _match_enums: from the last hypothesis word down,
// match it with the last equal reference word, removing both.
func matchEnums(hyp, ref []word) ([]pair, []word, []word) {
	hyp = append([]word(nil), hyp...)
	ref = append([]word(nil), ref...)
	var out []pair
	for i := len(hyp) - 1; i >= 0; i-- {
		for j := len(ref) - 1; j >= 0; j-- {
			if hyp[i].text == ref[j].text {
				out = append(out, pair{hyp[i].idx, ref[j].idx})
				hyp = append(hyp[:i], hyp[i+1:]...)
				ref = append(ref[:j], ref[j+1:]...)
				break
			}
		}
	}
	return out, hyp, ref
}

// chunks is nltk's _count_chunks over matches sorted by hypothesis index.
func chunks(ms []pair) int {
	n := 1
	for i := 0; i < len(ms)-1; i++ {
		if ms[i+1].h != ms[i].h+1 || ms[i+1].r != ms[i].r+1 {
			n++
		}
	}
	return n
}
