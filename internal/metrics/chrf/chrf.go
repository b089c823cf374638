// Package chrf computes chrF and chrF++ exactly as sacreBLEU 2.x: character
// n-grams on code points, optional word n-grams, beta, lowercase,
// whitespace, eps smoothing, multiple references, sentence and corpus level.
package chrf

import (
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// Options mirrors sacreBLEU's CHRF arguments. Zero CharOrder and Beta
// mean sacreBLEU's defaults (6 and 2); use Defaults to start from them.
type Options struct {
	CharOrder    int     // default 6
	WordOrder    int     // 0 = chrF, 2 = chrF++
	Beta         float64 // default 2
	Lowercase    bool
	Whitespace   bool // keep whitespace in character n-grams
	EpsSmoothing bool
}

// Defaults returns sacreBLEU's CHRF() defaults.
func Defaults() Options { return Options{CharOrder: 6, Beta: 2} }

// Scorer scores segments with fixed options.
type Scorer struct {
	opts  Options
	order int
}

// New checks opts and returns a Scorer.
func New(opts Options) (*Scorer, error) {
	if opts.CharOrder == 0 {
		opts.CharOrder = 6
	}
	if opts.Beta == 0 {
		opts.Beta = 2
	}
	if opts.CharOrder < 0 || opts.CharOrder > 100 || opts.WordOrder < 0 || opts.WordOrder > 100 {
		return nil, fmt.Errorf("chrf: char_order %d / word_order %d out of range 0..100", opts.CharOrder, opts.WordOrder)
	}
	if opts.Beta < 0 {
		return nil, fmt.Errorf("chrf: beta %v must not be negative", opts.Beta)
	}
	return &Scorer{opts: opts, order: opts.CharOrder + opts.WordOrder}, nil
}

// Stats are per-order [hyp count, ref count, matches] triples, summable
// over segments.
type Stats []int

// Sentence scores one hypothesis against its references on 0–100.
func (s *Scorer) Sentence(hyp string, refs []string) float64 {
	return s.FromStats(s.SegmentStats(hyp, refs))
}

// Corpus scores hypotheses against reference streams (refs[k][i] is the
// k-th reference of hypothesis i) by summing segment statistics.
func (s *Scorer) Corpus(hyps []string, refs [][]string) (float64, error) {
	for k, stream := range refs {
		if len(stream) != len(hyps) {
			return 0, fmt.Errorf("chrf: reference stream %d has %d segments, want %d", k, len(stream), len(hyps))
		}
	}
	total := make(Stats, 3*s.order)
	seg := make([]string, 0, len(refs))
	for i, h := range hyps {
		seg = seg[:0]
		for _, stream := range refs {
			seg = append(seg, stream[i])
		}
		for j, v := range s.SegmentStats(h, seg) {
			total[j] += v
		}
	}
	return s.FromStats(total), nil
}

// SegmentStats returns the statistics against the reference with the best
// sentence-level score (the first on ties).
func (s *Scorer) SegmentStats(hyp string, refs []string) Stats {
	h := s.extract(hyp)
	best := make(Stats, 3*s.order)
	bestF := -1.0
	for _, r := range refs {
		rg := s.extract(r)
		st := make(Stats, 0, 3*s.order)
		for i := range h {
			st = append(st, matchStats(h[i], rg[i])...)
		}
		if f := s.FromStats(st); f > bestF {
			bestF, best = f, st
		}
	}
	return best
}

func matchStats(hyp, ref map[string]int) []int {
	matches, hypCount, refCount := 0, 0, 0
	for g, c := range hyp {
		hypCount += c
		if rc, ok := ref[g]; ok {
			matches += min(c, rc)
		}
	}
	for _, c := range ref {
		refCount += c
	}
	if len(ref) == 0 {
		hypCount = 0
	}
	return []int{hypCount, refCount, matches}
}

// extract returns the character n-gram counters of orders 1..CharOrder
// followed by the word n-gram counters of orders 1..WordOrder.
func (s *Scorer) extract(seg string) []map[string]int {
	if s.opts.Lowercase {
		seg = pytext.Lower(seg)
	}
	out := make([]map[string]int, 0, s.order)
	line := seg
	if !s.opts.Whitespace {
		line = strings.Join(pytext.Split(seg), "")
	}
	// offs holds the byte offset of every code point, plus the end.
	offs := make([]int, 0, len(line)+1)
	for i := range line {
		offs = append(offs, i)
	}
	offs = append(offs, len(line))
	nr := len(offs) - 1
	for n := 1; n <= s.opts.CharOrder; n++ {
		m := make(map[string]int, max(nr-n+1, 0))
		for i := 0; i+n <= nr; i++ {
			m[line[offs[i]:offs[i+n]]]++
		}
		out = append(out, m)
	}
	if s.opts.WordOrder > 0 {
		words := splitPunct(seg)
		for n := 1; n <= s.opts.WordOrder; n++ {
			m := make(map[string]int, len(words))
			for i := 0; i+n <= len(words); i++ {
				m[strings.Join(words[i:i+n], " ")]++
			}
			out = append(out, m)
		}
	}
	return out
}

// splitPunct is sacreBLEU's chrF++ word splitter: one ASCII punctuation
// character is split off the end of a word, or else off its start.
func splitPunct(seg string) []string {
	var out []string
	for _, w := range pytext.Split(seg) {
		if len([]rune(w)) == 1 {
			out = append(out, w)
			continue
		}
		switch {
		case pytext.IsPunct(rune(w[len(w)-1])):
			out = append(out, w[:len(w)-1], w[len(w)-1:])
		case pytext.IsPunct(rune(w[0])):
			out = append(out, w[:1], w[1:])
		default:
			out = append(out, w)
		}
	}
	return out
}

// FromStats computes chrF on 0–100 from statistics, as sacreBLEU's
// _compute_f_score.
func (s *Scorer) FromStats(st Stats) float64 {
	const eps = 1e-16
	factor := s.opts.Beta * s.opts.Beta
	score, avgP, avgR := 0.0, 0.0, 0.0
	eff := 0
	for i := 0; i < s.order && 3*i+2 < len(st); i++ {
		nh, nr, nm := float64(st[3*i]), float64(st[3*i+1]), float64(st[3*i+2])
		p, r := eps, eps
		if nh > 0 {
			p = nm / nh
		}
		if nr > 0 {
			r = nm / nr
		}
		if d := factor*p + r; d > 0 {
			score += (1 + factor) * p * r / d
		} else {
			score += eps
		}
		if nh > 0 && nr > 0 {
			avgP += p
			avgR += r
			eff++
		}
	}
	if s.opts.EpsSmoothing {
		return 100 * score / float64(s.order)
	}
	if eff == 0 {
		return 0
	}
	avgP /= float64(eff)
	avgR /= float64(eff)
	if avgP+avgR == 0 {
		return 0
	}
	return 100 * ((1 + factor) * avgP * avgR / (factor*avgP + avgR))
}
