// Package reference registers the reference-metric assertion types: bleu,
// chrf, rouge-n, rouge-l, rouge-lsum, squad-em, squad-f1, exact-match, wer,
// cer, meteor, perplexity, perplexity-score and gleu (gleu.go). Each scores on 0–1 and
// passes when the score reaches the assertion's threshold (or the type's
// default); perplexity passes when the perplexity is at most the threshold.
//
// References are the assertion's value when it gives them, else the case's
// references plus its expected answer. The value may be:
//
//   - a string or a list of strings: the references;
//   - a map: "references" (string or list) and the metric's options, spelt
//     as in `metrics score` (tokenize, smooth_method, word_order, beta,
//     use_stemmer, split_summaries, version, ignore_case, ...), plus "n"
//     for rouge-n; split_summaries (rouge-lsum) splits summaries into
//     sentences at sentence punctuation, approximating nltk's punkt,
//     instead of at newlines;
//   - a number (or numeric string), for rouge-n only: n (1..9, default 1).
//
// "levenshtein" is not registered here: package eval/text owns it with
// promptfoo's semantics (pass when the distance is at most the threshold).
package reference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/perplexity"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/score"
)

func init() {
	for _, m := range Metrics() {
		eval.Register(m.Type, m)
	}
}

// Metric is one reference-metric assertion type.
type Metric struct {
	Type string
	// DefaultThreshold applies when the assertion sets none. For perplexity
	// it is the largest perplexity that passes; otherwise a 0–1 score.
	DefaultThreshold float64
	engine           string                       // score engine metric name
	extract          func(score.Response) float64 // 0–1 score from the engine's answer
	fixed            map[string]any               // options the type always sets
}

var (
	_ eval.Evaluator = Metric{}
	_ eval.Validator = Metric{}
)

// Default thresholds, documented for suite authors.
const (
	DefaultBLEU       = 0.5  // promptfoo's default for bleu
	DefaultChrF       = 0.5  // chrF2 of 50
	DefaultROUGE      = 0.75 // promptfoo's default for rouge-n
	DefaultSquadF1    = 0.5
	DefaultMatch      = 1 // exact match and squad-em must match
	DefaultWER        = 0.8
	DefaultCER        = 0.9
	DefaultMETEOR     = 0.5
	DefaultPerplexity = 20 // the largest perplexity that passes
)

func fromScale(div float64) func(score.Response) float64 {
	return func(r score.Response) float64 { return clamp01(r.Score / div) }
}

func errorRate(r score.Response) float64 { return clamp01(1 - r.Score) }

// Metrics lists the types this package registers.
func Metrics() []Metric {
	squadDetail := func(key string) func(score.Response) float64 {
		return func(r score.Response) float64 { f, _ := r.Details[key].(float64); return f }
	}
	return []Metric{
		{Type: "bleu", DefaultThreshold: DefaultBLEU, engine: "bleu", extract: fromScale(100)},
		{Type: "chrf", DefaultThreshold: DefaultChrF, engine: "chrf", extract: fromScale(100)},
		{Type: "rouge-n", DefaultThreshold: DefaultROUGE, engine: "rouge", extract: fromScale(1)},
		{Type: "rouge-l", DefaultThreshold: DefaultROUGE, engine: "rouge", extract: fromScale(1),
			fixed: map[string]any{"rouge_types": []string{"rougeL"}}},
		{Type: "rouge-lsum", DefaultThreshold: DefaultROUGE, engine: "rouge", extract: fromScale(1),
			fixed: map[string]any{"rouge_types": []string{"rougeLsum"}}},
		{Type: "squad-em", DefaultThreshold: DefaultMatch, engine: "squad", extract: squadDetail("exact_match")},
		{Type: "squad-f1", DefaultThreshold: DefaultSquadF1, engine: "squad", extract: squadDetail("f1")},
		{Type: "exact-match", DefaultThreshold: DefaultMatch, engine: "exact_match", extract: fromScale(1)},
		{Type: "wer", DefaultThreshold: DefaultWER, engine: "wer", extract: errorRate},
		{Type: "cer", DefaultThreshold: DefaultCER, engine: "cer", extract: errorRate},
		{Type: "meteor", DefaultThreshold: DefaultMETEOR, engine: "meteor", extract: fromScale(1)},
		{Type: "perplexity", DefaultThreshold: DefaultPerplexity, engine: "perplexity"},
		{Type: "perplexity-score", DefaultThreshold: perplexity.Score(DefaultPerplexity), engine: "perplexity"},
	}
}

func clamp01(f float64) float64 { return math.Max(0, math.Min(1, f)) }

// spec is an assertion's value taken apart.
type spec struct {
	refs    []string
	hasRefs bool
	options map[string]any
}

// parse splits the assertion value into references and options.
func (m Metric) parse(a bench.Assertion) (spec, error) {
	sp := spec{options: map[string]any{}}
	for k, v := range m.fixed {
		sp.options[k] = v
	}
	if m.Type == "rouge-n" {
		sp.options["rouge_types"] = []string{"rouge1"}
	}
	switch v := a.Value.(type) {
	case nil:
	case map[string]any:
		for k, e := range v {
			switch k {
			case "references":
				refs, err := value.Strings(listOrOne(e))
				if err != nil {
					return sp, fmt.Errorf("references: %w", err)
				}
				sp.refs, sp.hasRefs = refs, true
			case "n":
				if err := m.setN(&sp, e); err != nil {
					return sp, err
				}
			default:
				sp.options[k] = e
			}
		}
	case string, []any, []string:
		if _, isNum := value.Float(v); isNum && m.Type == "rouge-n" {
			if err := m.setN(&sp, v); err != nil {
				return sp, err
			}
			break
		}
		refs, err := value.Strings(listOrOne(v))
		if err != nil {
			return sp, err
		}
		sp.refs, sp.hasRefs = refs, true
	default:
		if m.Type != "rouge-n" {
			return sp, fmt.Errorf("value is %s, want references (string or list) or a map of options", value.Kind(v))
		}
		if err := m.setN(&sp, v); err != nil {
			return sp, err
		}
	}
	return sp, nil
}

// listOrOne wraps a lone string so that commas in it stay part of it.
func listOrOne(v any) any {
	if s, ok := v.(string); ok {
		return []any{s}
	}
	return v
}

func (m Metric) setN(sp *spec, v any) error {
	if m.Type != "rouge-n" {
		return errors.New(`"n" is only for rouge-n`)
	}
	f, ok := value.Float(v)
	if !ok || f != math.Trunc(f) || f < 1 || f > 9 {
		return fmt.Errorf("rouge-n: n must be a whole number from 1 to 9, got %v", v)
	}
	sp.options["rouge_types"] = []string{fmt.Sprintf("rouge%d", int(f))}
	return nil
}

// Validate checks the value, the options (by scoring a dummy input) and
// the threshold.
func (m Metric) Validate(a bench.Assertion) error {
	sp, err := m.parse(a)
	if err != nil {
		return err
	}
	if t := a.Threshold; t != nil {
		switch {
		case m.Type == "perplexity" && (*t < 1 || math.IsNaN(*t)):
			return fmt.Errorf("threshold is the largest passing perplexity and must be >= 1, got %v", *t)
		case m.Type != "perplexity" && (*t < 0 || *t > 1 || math.IsNaN(*t)):
			return fmt.Errorf("threshold must be between 0 and 1, got %v", *t)
		}
	}
	_, err = m.request(sp, "x", []string{"x"}, []float64{-1})
	if err != nil {
		return err
	}
	return nil
}

// Evaluate scores the output against the references (or, for the
// perplexity types, the response's log-probabilities).
func (m Metric) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	sp, err := m.parse(a)
	if err != nil {
		return bench.Score{}, err
	}
	refs := sp.refs
	if sp.hasRefs {
		rendered := make([]string, len(refs))
		for i, r := range refs {
			rendered[i] = value.Render(r, in)
		}
		refs = rendered
	} else if in.Case != nil {
		refs = append(append([]string(nil), in.Case.References...), nonEmpty(in.Case.Expected)...)
	}
	if len(refs) == 0 && m.engine != "perplexity" {
		return bench.Score{}, errors.New("no reference: give the assertion a value, or the case references or expected")
	}
	resp, err := m.request(sp, in.Output, refs, in.Logprobs)
	if err != nil {
		return bench.Score{}, err
	}
	return m.verdict(a, resp), nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func (m Metric) request(sp spec, output string, refs []string, logprobs []float64) (score.Response, error) {
	req := score.Request{Metric: m.engine, Options: map[string]json.RawMessage{}}
	for k, v := range sp.options {
		b, err := json.Marshal(v)
		if err != nil {
			return score.Response{}, fmt.Errorf("option %q: %w", k, err)
		}
		req.Options[k] = b
	}
	if m.engine == "perplexity" {
		if len(logprobs) == 0 {
			return score.Response{}, errors.New("the response has no logprobs: enable logprobs for the provider")
		}
		req.Logprobs = logprobs
	} else {
		req.Prediction = &output
		b, _ := json.Marshal(refs)
		req.References = b
	}
	resp, err := score.Score(req)
	if err != nil {
		return score.Response{}, errors.New(strings.TrimPrefix(err.Error(), m.engine+": "))
	}
	return resp, nil
}

func (m Metric) verdict(a bench.Assertion, resp score.Response) bench.Score {
	th := m.DefaultThreshold
	if a.Threshold != nil {
		th = *a.Threshold
	}
	if m.engine == "perplexity" {
		ppl := resp.Score
		s := perplexity.Score(ppl)
		pass := s >= th
		reason := fmt.Sprintf("perplexity %s, score %s (threshold %s)", value.FormatFloat(round(ppl)), value.FormatFloat(round(s)), value.FormatFloat(th))
		if m.Type == "perplexity" {
			pass = ppl <= th
			reason = fmt.Sprintf("perplexity %s (max %s)", value.FormatFloat(round(ppl)), value.FormatFloat(th))
		}
		return bench.Score{Score: s, Pass: pass, Reason: reason}
	}
	s := m.extract(resp)
	op := ">="
	if s < th {
		op = "<"
	}
	return bench.Score{Score: s, Pass: s >= th,
		Reason: fmt.Sprintf("%s %s %s %s", m.Type, value.FormatFloat(round(s)), op, value.FormatFloat(th))}
}

// round keeps reasons readable: 4 significant decimals.
func round(f float64) float64 { return math.Round(f*1e4) / 1e4 }
