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
	vocab := map[string]int32{}
	intern := func(seg string) []int32 {
		toks := s.preprocess(seg)
		ids := make([]int32, len(toks))
		for i, t := range toks {
			id, ok := vocab[t]
			if !ok {
				id = int32(len(vocab))
				vocab[t] = id
			}
			ids[i] = id
		}
		return ids
	}
	refIDs := make([][]int32, len(refs))
	for i, r := range refs {
		refIDs[i] = intern(r)
	}
	hypIDs := intern(hyp)
	if s.order <= 4 {
		return segmentStats(hypIDs, refIDs, s.order, shortKey)
	}
	return segmentStats(hypIDs, refIDs, s.order, longKey)
}

// shortKey identifies an n-gram of up to 4 tokens by order and token ids.
func shortKey(ids []int32) [5]int32 {
	k := [5]int32{int32(len(ids)), -1, -1, -1, -1}
	copy(k[1:], ids)
	return k
}

// longKey identifies an n-gram of any order by its token ids' bytes.
func longKey(ids []int32) string {
	b := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		b = binary.LittleEndian.AppendUint32(b, uint32(id))
	}
	return string(b)
}

func segmentStats[K comparable](hyp []int32, refs [][]int32, order int, key func([]int32) K) Stats {
	refMax := map[K]int{}
	refLens := make([]int, len(refs))
	cur := map[K]int{}
	for i, r := range refs {
		refLens[i] = len(r)
		clear(cur)
		for n := 1; n <= order; n++ {
			for j := 0; j+n <= len(r); j++ {
				cur[key(r[j:j+n])]++
			}
		}
		for g, c := range cur {
			if c > refMax[g] {
				refMax[g] = c
			}
		}
	}
	st := Stats{SysLen: len(hyp), RefLen: closestRefLen(len(hyp), refLens),
		Correct: make([]int, order), Total: make([]int, order)}
	clear(cur)
	for n := 1; n <= order; n++ {
		for j := 0; j+n <= len(hyp); j++ {
			cur[key(hyp[j:j+n])]++
			st.Total[n-1]++
		}
	}
	for g, c := range cur {
		if rc, ok := refMax[g]; ok {
			st.Correct[keyLen(g)-1] += min(c, rc)
		}
	}
	return st
}

// keyLen recovers an n-gram's order from its key.
func keyLen[K comparable](k K) int {
	switch v := any(k).(type) {
	case [5]int32:
		return int(v[0])
	case string:
		return len(v) / 4
	}
	panic("bleu: unknown n-gram key type")
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
