package score

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/bleu"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/chrf"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/editdist"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/lmeval"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/meteor"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/perplexity"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/rouge"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/squad"
)

type handler func(Request) (float64, map[string]any, error)

// handlers is the table of metrics by name; it is read-only after init.
var handlers = map[string]handler{
	"bleu":          scoreBLEU,
	"chrf":          scoreChrF,
	"rouge":         scoreRouge,
	"squad":         scoreSquad,
	"edit_distance": scoreEditDistance,
	"wer":           scoreWER,
	"cer":           scoreCER,
	"exact_match":   scoreExactMatch,
	"perplexity":    scorePerplexity,
	"meteor":        scoreMeteor,
}

func metricNames() string {
	names := make([]string, 0, len(handlers))
	for n := range handlers {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// decodeOptions decodes req.Options into v, rejecting unknown names.
func decodeOptions(req Request, v any) error {
	if len(req.Options) == 0 {
		return nil
	}
	b, err := json.Marshal(req.Options)
	if err != nil {
		return fmt.Errorf("options: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("options: %w", err)
	}
	return nil
}

// sentence returns the prediction and its list of references.
func sentence(req Request, minRefs int) (string, []string, error) {
	if req.Prediction == nil {
		return "", nil, errors.New(`missing "prediction"`)
	}
	var refs []string
	if len(req.References) > 0 {
		if err := json.Unmarshal(req.References, &refs); err != nil {
			return "", nil, fmt.Errorf(`"references" must be a list of strings: %w`, err)
		}
	}
	if len(refs) < minRefs {
		return "", nil, fmt.Errorf(`need at least %d item(s) in "references"`, minRefs)
	}
	return *req.Prediction, refs, nil
}

// corpus returns the predictions and the reference streams.
func corpus(req Request) ([]string, [][]string, error) {
	if req.Prediction != nil || len(req.Predictions) == 0 {
		return nil, nil, errors.New(`corpus scoring needs "predictions" (a non-empty list) and no "prediction"`)
	}
	var streams [][]string
	if err := json.Unmarshal(req.References, &streams); err != nil || len(streams) == 0 {
		return nil, nil, errors.New(`corpus scoring needs "references" as a non-empty list of reference streams, each a list aligned with "predictions"`)
	}
	for k, s := range streams {
		if len(s) != len(req.Predictions) {
			return nil, nil, fmt.Errorf("reference stream %d has %d segments, want %d", k, len(s), len(req.Predictions))
		}
	}
	return req.Predictions, streams, nil
}

type bleuOptions struct {
	Corpus         bool     `json:"corpus"`
	Tokenize       string   `json:"tokenize"`
	Lowercase      bool     `json:"lowercase"`
	SmoothMethod   string   `json:"smooth_method"`
	SmoothValue    *float64 `json:"smooth_value"`
	EffectiveOrder *bool    `json:"effective_order"`
	MaxNgramOrder  int      `json:"max_ngram_order"`
}

// scoreBLEU uses sacrebleu.sentence_bleu's defaults (effective order on)
// for one prediction and corpus_bleu's (off) for a corpus.
func scoreBLEU(req Request) (float64, map[string]any, error) {
	var o bleuOptions
	if err := decodeOptions(req, &o); err != nil {
		return 0, nil, err
	}
	opts := bleu.Options{Tokenize: o.Tokenize, Lowercase: o.Lowercase, SmoothMethod: o.SmoothMethod,
		SmoothValue: o.SmoothValue, EffectiveOrder: !o.Corpus, MaxNgramOrder: o.MaxNgramOrder}
	if o.EffectiveOrder != nil {
		opts.EffectiveOrder = *o.EffectiveOrder
	}
	s, err := bleu.New(opts)
	if err != nil {
		return 0, nil, err
	}
	var res bleu.Score
	if o.Corpus {
		hyps, refs, err := corpus(req)
		if err != nil {
			return 0, nil, err
		}
		if res, err = s.Corpus(hyps, refs); err != nil {
			return 0, nil, err
		}
	} else {
		hyp, refs, err := sentence(req, 1)
		if err != nil {
			return 0, nil, err
		}
		res = s.Sentence(hyp, refs)
	}
	return res.Score, map[string]any{"counts": res.Counts, "totals": res.Totals, "precisions": res.Precisions,
		"bp": res.BP, "sys_len": res.SysLen, "ref_len": res.RefLen}, nil
}

type chrfOptions struct {
	Corpus       bool     `json:"corpus"`
	CharOrder    *int     `json:"char_order"`
	WordOrder    int      `json:"word_order"`
	Beta         *float64 `json:"beta"`
	Lowercase    bool     `json:"lowercase"`
	Whitespace   bool     `json:"whitespace"`
	EpsSmoothing bool     `json:"eps_smoothing"`
}

func scoreChrF(req Request) (float64, map[string]any, error) {
	var o chrfOptions
	if err := decodeOptions(req, &o); err != nil {
		return 0, nil, err
	}
	opts := chrf.Defaults()
	if o.CharOrder != nil {
		if *o.CharOrder < 1 {
			return 0, nil, errors.New("char_order must be at least 1")
		}
		opts.CharOrder = *o.CharOrder
	}
	if o.Beta != nil {
		if *o.Beta <= 0 {
			return 0, nil, errors.New("beta must be positive")
		}
		opts.Beta = *o.Beta
	}
	opts.WordOrder, opts.Lowercase, opts.Whitespace, opts.EpsSmoothing = o.WordOrder, o.Lowercase, o.Whitespace, o.EpsSmoothing
	s, err := chrf.New(opts)
	if err != nil {
		return 0, nil, err
	}
	details := map[string]any{"char_order": opts.CharOrder, "word_order": opts.WordOrder, "beta": opts.Beta}
	if o.Corpus {
		hyps, refs, err := corpus(req)
		if err != nil {
			return 0, nil, err
		}
		sc, err := s.Corpus(hyps, refs)
		return sc, details, err
	}
	hyp, refs, err := sentence(req, 1)
	if err != nil {
		return 0, nil, err
	}
	return s.Sentence(hyp, refs), details, nil
}

type rougeOptions struct {
	RougeTypes []string `json:"rouge_types"`
	UseStemmer bool     `json:"use_stemmer"`
	// SplitSummaries splits rougeLsum summaries into sentences (an
	// approximation of nltk's punkt; see rouge.SplitSentences) instead of
	// on newlines.
	SplitSummaries bool `json:"split_summaries"`
}

// scoreRouge scores against several references as score_multi does; the
// default types are Hugging Face evaluate's rouge1, rouge2, rougeL, rougeLsum.
func scoreRouge(req Request) (float64, map[string]any, error) {
	o := rougeOptions{RougeTypes: []string{"rouge1", "rouge2", "rougeL", "rougeLsum"}}
	if err := decodeOptions(req, &o); err != nil {
		return 0, nil, err
	}
	s, err := rouge.New(o.RougeTypes, o.UseStemmer, rouge.SplitSummaries(o.SplitSummaries))
	if err != nil {
		return 0, nil, err
	}
	pred, refs, err := sentence(req, 1)
	if err != nil {
		return 0, nil, err
	}
	res := s.ScoreMulti(refs, pred)
	details := make(map[string]any, len(res))
	for k, v := range res {
		details[k] = v
	}
	return res[o.RougeTypes[0]].FMeasure, details, nil
}

func scoreSquad(req Request) (float64, map[string]any, error) {
	o := struct {
		Version string `json:"version"`
	}{Version: squad.V1}
	if err := decodeOptions(req, &o); err != nil {
		return 0, nil, err
	}
	pred, refs, err := sentence(req, 0)
	if err != nil {
		return 0, nil, err
	}
	res, err := squad.Compute(pred, refs, o.Version)
	if err != nil {
		return 0, nil, err
	}
	return res.F1, map[string]any{"exact_match": res.ExactMatch, "f1": res.F1}, nil
}

type editOptions struct {
	SubstitutionCost *int   `json:"substitution_cost"`
	Transpositions   bool   `json:"transpositions"`
	Unit             string `json:"unit"`
}

// scoreEditDistance reports the smallest distance over the references.
func scoreEditDistance(req Request) (float64, map[string]any, error) {
	var o editOptions
	if err := decodeOptions(req, &o); err != nil {
		return 0, nil, err
	}
	opts := editdist.Defaults()
	if o.SubstitutionCost != nil {
		if *o.SubstitutionCost < 0 {
			return 0, nil, errors.New("substitution_cost must not be negative")
		}
		opts.SubstitutionCost = *o.SubstitutionCost
	}
	opts.Transpositions = o.Transpositions
	if o.Unit != "" {
		opts.Unit = o.Unit
	}
	pred, refs, err := sentence(req, 1)
	if err != nil {
		return 0, nil, err
	}
	best, bestIdx, bestSim := -1, 0, 0.0
	for i, r := range refs {
		d, err := editdist.Distance(pred, r, opts)
		if err != nil {
			return 0, nil, err
		}
		if best < 0 || d < best {
			best, bestIdx = d, i
			bestSim, _ = editdist.Similarity(pred, r, opts)
		}
	}
	return float64(best), map[string]any{"distance": best, "similarity": bestSim, "reference_index": bestIdx}, nil
}

// rate scores WER or CER against the reference giving the lowest rate.
func rate(req Request, fn func(hyp, ref string) (float64, error)) (float64, map[string]any, error) {
	if err := decodeOptions(req, &struct{}{}); err != nil {
		return 0, nil, err
	}
	pred, refs, err := sentence(req, 1)
	if err != nil {
		return 0, nil, err
	}
	best, bestIdx := -1.0, 0
	for i, r := range refs {
		v, err := fn(pred, r)
		if err != nil {
			return 0, nil, fmt.Errorf("reference %d: %w", i, err)
		}
		if best < 0 || v < best {
			best, bestIdx = v, i
		}
	}
	return best, map[string]any{"reference_index": bestIdx}, nil
}

func scoreWER(req Request) (float64, map[string]any, error) { return rate(req, editdist.WER) }
func scoreCER(req Request) (float64, map[string]any, error) { return rate(req, editdist.CER) }

type matchOptions struct {
	RegexesToIgnore   []string `json:"regexes_to_ignore"`
	IgnoreCase        bool     `json:"ignore_case"`
	IgnorePunctuation bool     `json:"ignore_punctuation"`
	IgnoreNumbers     bool     `json:"ignore_numbers"`
}

// scoreExactMatch takes predictions with a parallel list of references
// (the mean of pairwise matches), or one prediction that matches when it
// equals any of its references.
func scoreExactMatch(req Request) (float64, map[string]any, error) {
	var o matchOptions
	if err := decodeOptions(req, &o); err != nil {
		return 0, nil, err
	}
	m, err := lmeval.NewMatcher(lmeval.MatchOptions(o))
	if err != nil {
		return 0, nil, err
	}
	if req.Prediction == nil && len(req.Predictions) > 0 {
		var refs []string
		if err := json.Unmarshal(req.References, &refs); err != nil {
			return 0, nil, fmt.Errorf(`"references" must be a list of strings parallel to "predictions": %w`, err)
		}
		v, err := m.ExactMatch(req.Predictions, refs)
		return v, map[string]any{"count": len(refs)}, err
	}
	pred, refs, err := sentence(req, 1)
	if err != nil {
		return 0, nil, err
	}
	if m.Match(pred, refs...) {
		return 1, map[string]any{"count": 1}, nil
	}
	return 0, map[string]any{"count": 1}, nil
}

func scorePerplexity(req Request) (float64, map[string]any, error) {
	if err := decodeOptions(req, &struct{}{}); err != nil {
		return 0, nil, err
	}
	ppl, err := perplexity.Perplexity(req.Logprobs)
	if err != nil {
		return 0, nil, err
	}
	return ppl, map[string]any{"perplexity_score": perplexity.Score(ppl), "tokens": len(req.Logprobs)}, nil
}

// scoreMeteor splits texts into words with Python's str.split(); nltk
// expects pre-tokenised input and leaves tokenisation to the caller.
func scoreMeteor(req Request) (float64, map[string]any, error) {
	p := meteor.Defaults()
	o := struct {
		Alpha *float64 `json:"alpha"`
		Beta  *float64 `json:"beta"`
		Gamma *float64 `json:"gamma"`
	}{&p.Alpha, &p.Beta, &p.Gamma}
	if err := decodeOptions(req, &o); err != nil {
		return 0, nil, err
	}
	if p.Alpha < 0 || p.Alpha > 1 || p.Beta < 0 || p.Gamma < 0 || p.Gamma > 1 {
		return 0, nil, errors.New("want 0 <= alpha <= 1, beta >= 0, 0 <= gamma <= 1")
	}
	pred, refs, err := sentence(req, 1)
	if err != nil {
		return 0, nil, err
	}
	toks := make([][]string, len(refs))
	for i, r := range refs {
		toks[i] = pytext.Split(r)
	}
	return meteor.Score(toks, pytext.Split(pred), p), map[string]any{"wordnet": false}, nil
}
