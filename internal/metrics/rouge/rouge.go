// Package rouge computes ROUGE exactly as Google's rouge-score package:
// rouge1..rouge9, rougeL and rougeLsum with its tokenizer and optional
// Porter stemming, and score_multi's best-F choice over several targets.
package rouge

import (
	"fmt"
	"strings"
)

// Score is precision, recall and F1 for one ROUGE type.
type Score struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	FMeasure  float64 `json:"fmeasure"`
}

// Scorer is rouge-score's RougeScorer.
type Scorer struct {
	types []string
	ns    []int // n for rougeN types; 0 for rougeL, -1 for rougeLsum
	stem  bool
	split bool // split_summaries
}

// Option adjusts a Scorer made by New.
type Option func(*Scorer)

// SplitSummaries is rouge-score's split_summaries: when on, rougeLsum
// splits target and prediction into sentences with SplitSentences (an
// approximation of nltk's punkt, which rouge-score uses) instead of on
// newlines. It affects rougeLsum only.
func SplitSummaries(on bool) Option {
	return func(s *Scorer) { s.split = on }
}

// New returns a scorer for the given types (rouge1..rouge9, rougeL,
// rougeLsum), optionally with the Porter stemmer.
func New(types []string, useStemmer bool, opts ...Option) (*Scorer, error) {
	if len(types) == 0 {
		return nil, fmt.Errorf("rouge: no rouge_types given")
	}
	s := &Scorer{types: append([]string(nil), types...), stem: useStemmer}
	for _, o := range opts {
		o(s)
	}
	for _, t := range types {
		switch {
		case t == "rougeL":
			s.ns = append(s.ns, 0)
		case t == "rougeLsum":
			s.ns = append(s.ns, -1)
		case len(t) == 6 && strings.HasPrefix(t, "rouge") && t[5] >= '1' && t[5] <= '9':
			s.ns = append(s.ns, int(t[5]-'0'))
		default:
			return nil, fmt.Errorf("rouge: invalid rouge type %q (want rouge1..rouge9, rougeL or rougeLsum)", t)
		}
	}
	return s, nil
}

// Types returns the scorer's rouge types in order.
func (s *Scorer) Types() []string { return append([]string(nil), s.types...) }

// Score compares a prediction with a target; note the order, target first,
// as in rouge-score.
func (s *Scorer) Score(target, prediction string) map[string]Score {
	out := make(map[string]Score, len(s.types))
	var tt, pt []string
	tokenized := false
	for i, typ := range s.types {
		n := s.ns[i]
		if n >= 0 && !tokenized {
			tt, pt = Tokenize(target, s.stem), Tokenize(prediction, s.stem)
			tokenized = true
		}
		switch {
		case n == 0:
			out[typ] = LCS(tt, pt)
		case n < 0:
			out[typ] = SummaryLCS(s.tokenizeSentences(target), s.tokenizeSentences(prediction))
		default:
			out[typ] = NGram(tt, pt, n)
		}
	}
	return out
}

func (s *Scorer) tokenizeSentences(text string) [][]string {
	var sents []string
	if s.split {
		sents = SplitSentences(text)
	} else {
		sents = sentences(text)
	}
	out := make([][]string, len(sents))
	for i, sent := range sents {
		out[i] = Tokenize(sent, s.stem)
	}
	return out
}

// ScoreMulti is rouge-score's score_multi: for each type, the score against
// the target with the highest F (the first on ties). With no targets every
// type scores zero.
func (s *Scorer) ScoreMulti(targets []string, prediction string) map[string]Score {
	best := make(map[string]Score, len(s.types))
	for i, t := range targets {
		sc := s.Score(t, prediction)
		for _, typ := range s.types {
			if i == 0 || sc[typ].FMeasure > best[typ].FMeasure {
				best[typ] = sc[typ]
			}
		}
	}
	for _, typ := range s.types {
		if _, ok := best[typ]; !ok {
			best[typ] = Score{}
		}
	}
	return best
}

func fmeasure(p, r float64) float64 {
	if p+r > 0 {
		return 2 * p * r / (p + r)
	}
	return 0
}

// NGram is rouge-score's n-gram overlap score.
func NGram(target, prediction []string, n int) Score {
	tc := countNgrams(target, n)
	pc := countNgrams(prediction, n)
	inter, tn, pn := 0, 0, 0
	for g, c := range tc {
		inter += min(c, pc[g])
		tn += c
	}
	for _, c := range pc {
		pn += c
	}
	p := float64(inter) / float64(max(pn, 1))
	r := float64(inter) / float64(max(tn, 1))
	return Score{Precision: p, Recall: r, FMeasure: fmeasure(p, r)}
}

func countNgrams(toks []string, n int) map[string]int {
	out := make(map[string]int, len(toks))
	for i := 0; i+n <= len(toks); i++ {
		// Tokens are [a-z0-9]+, so a space cannot occur inside one.
		out[strings.Join(toks[i:i+n], " ")]++
	}
	return out
}

// LCS is rouge-score's rougeL: longest common subsequence over the whole
// token lists.
func LCS(target, prediction []string) Score {
	if len(target) == 0 || len(prediction) == 0 {
		return Score{}
	}
	l := lcsLength(target, prediction)
	p := float64(l) / float64(len(prediction))
	r := float64(l) / float64(len(target))
	return Score{Precision: p, Recall: r, FMeasure: fmeasure(p, r)}
}

// lcsLength computes the LCS length in O(len(b)) memory.
func lcsLength(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
