// Package bleu computes BLEU exactly as sacreBLEU 2.x does: the 13a, intl,
// char and none tokenizers, the exp, floor, add-k and none smoothing
// methods, effective order, multiple references, sentence and corpus level.
package bleu

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
)

// Smoothing methods accepted by Options.SmoothMethod.
const (
	SmoothExp   = "exp"
	SmoothFloor = "floor"
	SmoothAddK  = "add-k"
	SmoothNone  = "none"
)

// Options mirrors sacreBLEU's BLEU arguments.
type Options struct {
	Tokenize       string   // 13a (default), intl, char, none
	Lowercase      bool     // lowercase before tokenizing
	SmoothMethod   string   // exp (default), floor, add-k, none
	SmoothValue    *float64 // nil: 0.1 for floor, 1 for add-k
	EffectiveOrder bool     // sacreBLEU's sentence_bleu sets this
	MaxNgramOrder  int      // 0 means 4
}

// SentenceDefaults are the options of sacrebleu.sentence_bleu.
func SentenceDefaults() Options { return Options{EffectiveOrder: true} }

// CorpusDefaults are the options of sacrebleu.corpus_bleu.
func CorpusDefaults() Options { return Options{} }

// Score is a BLEU result with sacreBLEU's fields. Score and Precisions are
// on the 0–100 scale.
type Score struct {
	Score      float64   `json:"score"`
	Counts     []float64 `json:"counts"`
	Totals     []float64 `json:"totals"`
	Precisions []float64 `json:"precisions"`
	BP         float64   `json:"bp"`
	SysLen     int       `json:"sys_len"`
	RefLen     int       `json:"ref_len"`
}

// Stats are the sufficient statistics of one or more segments.
type Stats struct {
	SysLen, RefLen int
	Correct, Total []int
}

// Scorer scores segments with fixed options.
type Scorer struct {
	opts     Options
	tok      Tokenizer
	order    int
	smoothV  float64
	hasValue bool
}

// New checks opts and returns a Scorer.
func New(opts Options) (*Scorer, error) {
	tok, err := NewTokenizer(opts.Tokenize)
	if err != nil {
		return nil, fmt.Errorf("bleu: %w", err)
	}
	if opts.SmoothMethod == "" {
		opts.SmoothMethod = SmoothExp
	}
	s := &Scorer{opts: opts, tok: tok, order: opts.MaxNgramOrder}
	if s.order == 0 {
		s.order = 4
	}
	if s.order < 1 || s.order > 100 {
		return nil, fmt.Errorf("bleu: max_ngram_order %d out of range 1..100", opts.MaxNgramOrder)
	}
	switch opts.SmoothMethod {
	case SmoothFloor:
		s.smoothV, s.hasValue = 0.1, true
	case SmoothAddK:
		s.smoothV, s.hasValue = 1, true
	case SmoothExp, SmoothNone:
	default:
		return nil, fmt.Errorf("bleu: unknown smooth_method %q (want exp, floor, add-k or none)", opts.SmoothMethod)
	}
	if opts.SmoothValue != nil {
		s.smoothV = *opts.SmoothValue
	}
	return s, nil
}

// preprocess lowercases, strips trailing whitespace and tokenizes a segment.
func (s *Scorer) preprocess(seg string) []string {
	if s.opts.Lowercase {
		seg = pytext.Lower(seg)
	}
	return pytext.Split(s.tok(pytext.RStrip(seg)))
}

// Sentence scores one hypothesis against its references.
func (s *Scorer) Sentence(hyp string, refs []string) Score {
	return s.FromStats(s.SegmentStats(hyp, refs))
}

// Corpus scores hypotheses against reference streams: refs[k][i] is the
// k-th reference of hypothesis i, as in sacreBLEU.
func (s *Scorer) Corpus(hyps []string, refs [][]string) (Score, error) {
	for k, stream := range refs {
		if len(stream) != len(hyps) {
			return Score{}, fmt.Errorf("bleu: reference stream %d has %d segments, want %d", k, len(stream), len(hyps))
		}
	}
	total := Stats{Correct: make([]int, s.order), Total: make([]int, s.order)}
	segRefs := make([]string, 0, len(refs))
	for i, h := range hyps {
		segRefs = segRefs[:0]
		for _, stream := range refs {
			segRefs = append(segRefs, stream[i])
		}
		st := s.SegmentStats(h, segRefs)
		total.SysLen += st.SysLen
		total.RefLen += st.RefLen
		for n := range s.order {
			total.Correct[n] += st.Correct[n]
			total.Total[n] += st.Total[n]
		}
	}
	return s.FromStats(total), nil
}

// SegmentStats counts one segment's matches against the references: the
// reference n-gram counts are the maximum over the references and the
// reference length is the closest one (the shorter on ties).
func (s *Scorer) SegmentStats(hyp string, refs []string) Stats {
	refCounts := map[ngram]int{}
	refLens := make([]int, 0, len(refs))
	for _, r := range refs {
		toks := s.preprocess(r)
		refLens = append(refLens, len(toks))
		for g, c := range ngrams(toks, s.order) {
			if c > refCounts[g] {
				refCounts[g] = c
			}
		}
	}
	toks := s.preprocess(hyp)
	st := Stats{SysLen: len(toks), RefLen: closestRefLen(len(toks), refLens),
		Correct: make([]int, s.order), Total: make([]int, s.order)}
	for g, c := range ngrams(toks, s.order) {
		n := g.n - 1
		st.Total[n] += c
		if rc, ok := refCounts[g]; ok {
			st.Correct[n] += min(c, rc)
		}
	}
	return st
}

func closestRefLen(hypLen int, refLens []int) int {
	bestDiff, best := -1, -1
	for _, l := range refLens {
		d := hypLen - l
		if d < 0 {
			d = -d
		}
		if bestDiff == -1 || d < bestDiff {
			bestDiff, best = d, l
		} else if d == bestDiff && l < best {
			best = l
		}
	}
	return best
}

// ngram is an n-gram key: the order and the tokens, each prefixed by its
// length, so that no two different n-grams share a key.
type ngram struct {
	n   int
	key string
}

// ngrams counts the n-grams of orders 1..order.
func ngrams(toks []string, order int) map[ngram]int {
	out := make(map[ngram]int, len(toks)*order)
	var buf []byte
	for n := 1; n <= order; n++ {
		for i := 0; i+n <= len(toks); i++ {
			buf = buf[:0]
			for _, t := range toks[i : i+n] {
				buf = binary.AppendUvarint(buf, uint64(len(t)))
				buf = append(buf, t...)
			}
			out[ngram{n: n, key: string(buf)}]++
		}
	}
	return out
}

// FromStats computes the score from sufficient statistics, as sacreBLEU's
// BLEU.compute_bleu.
func (s *Scorer) FromStats(st Stats) Score {
	correct := make([]float64, s.order)
	total := make([]float64, s.order)
	for n := range s.order {
		if n < len(st.Correct) {
			correct[n] = float64(st.Correct[n])
		}
		if n < len(st.Total) {
			total[n] = float64(st.Total[n])
		}
	}
	return compute(correct, total, st.SysLen, st.RefLen, s.opts.SmoothMethod, s.smoothV, s.opts.EffectiveOrder)
}

func compute(correct, total []float64, sysLen, refLen int, method string, k float64, effective bool) Score {
	bp := 1.0
	if sysLen < refLen {
		bp = 0
		if sysLen > 0 {
			bp = math.Exp(1 - float64(refLen)/float64(sysLen))
		}
	}
	order := len(correct)
	out := Score{Counts: correct, Totals: total, Precisions: make([]float64, order), BP: bp, SysLen: sysLen, RefLen: refLen}
	anyCorrect := false
	for _, c := range correct {
		anyCorrect = anyCorrect || c != 0
	}
	if !anyCorrect {
		return out
	}
	smooth := 1.0
	effOrder := order
	for n := 1; n <= order; n++ {
		if method == SmoothAddK && n > 1 {
			correct[n-1] += k
			total[n-1] += k
		}
		if total[n-1] == 0 {
			break
		}
		if effective {
			effOrder = n
		}
		switch {
		case correct[n-1] != 0:
			out.Precisions[n-1] = 100 * correct[n-1] / total[n-1]
		case method == SmoothExp:
			smooth *= 2
			out.Precisions[n-1] = 100 / (smooth * total[n-1])
		case method == SmoothFloor:
			out.Precisions[n-1] = 100 * k / total[n-1]
		}
	}
	sum := 0.0
	for _, p := range out.Precisions[:effOrder] {
		sum += pyLog(p)
	}
	out.Score = bp * math.Exp(sum/float64(effOrder))
	return out
}

// pyLog is sacreBLEU's my_log: log(0) is -9999999999.
func pyLog(x float64) float64 {
	if x == 0 {
		return -9999999999
	}
	return math.Log(x)
}
