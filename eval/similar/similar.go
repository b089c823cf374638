package similar

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/vec"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

func init() {
	for _, s := range Types() {
		eval.Register(s.Type, s)
	}
}

// Metric is how two embeddings are compared.
type Metric string

// The metrics.
const (
	Cosine    Metric = "cosine"    // dot/(|a||b|); 0 when either vector is all zeros
	Dot       Metric = "dot"       // the raw dot product
	Euclidean Metric = "euclidean" // the distance d; score 1/(1+d), passes when d ≤ threshold
)

// DefaultThreshold is the threshold when the assertion sets none: the
// least similarity that passes, or for euclidean the largest distance.
const DefaultThreshold = 0.75

// Similar is one embedding-similarity assertion type.
type Similar struct {
	Type string
	// metric is fixed by the type ("similar:dot"); "" lets config.metric
	// choose, cosine by default.
	metric Metric
}

var (
	_ eval.Evaluator = Similar{}
	_ eval.Validator = Similar{}
	_ eval.ModelUser = Similar{}
)

// Types lists the types this package registers.
func Types() []Similar {
	return []Similar{
		{Type: "similar"},
		{Type: "similar:cosine", metric: Cosine},
		{Type: "similar:dot", metric: Dot},
		{Type: "similar:euclidean", metric: Euclidean},
	}
}

// Uses reports that the type calls an embedding model, named by the
// assertion's provider.
func (Similar) Uses() eval.Uses { return eval.UsesEmbedder }

// Validate checks the value (expected texts), config.metric and threshold.
func (s Similar) Validate(a bench.Assertion) error {
	m, err := s.metricOf(a)
	if err != nil {
		return err
	}
	if _, err := literalExpected(a.Value); err != nil {
		return err
	}
	_, err = threshold(a, m)
	return err
}

// metricOf is the metric the assertion uses.
func (s Similar) metricOf(a bench.Assertion) (Metric, error) {
	for k := range a.Config {
		if k != "metric" {
			return "", fmt.Errorf("unknown config key %q (known: metric)", k)
		}
	}
	raw, set := a.Config["metric"]
	if !set {
		if s.metric == "" {
			return Cosine, nil
		}
		return s.metric, nil
	}
	name, ok := raw.(string)
	m := Metric(strings.ToLower(strings.TrimSpace(name)))
	if !ok || (m != Cosine && m != Dot && m != Euclidean) {
		return "", fmt.Errorf("config.metric is %v, want cosine, dot or euclidean", describe(raw))
	}
	if s.metric != "" && m != s.metric {
		return "", fmt.Errorf("config.metric %q contradicts the type %s: drop one", m, s.Type)
	}
	return m, nil
}

// threshold is the assertion's threshold or the default, checked against
// the metric's range.
func threshold(a bench.Assertion, m Metric) (float64, error) {
	if a.Threshold == nil {
		return DefaultThreshold, nil
	}
	t := *a.Threshold
	switch {
	case math.IsNaN(t) || math.IsInf(t, 0):
		return 0, fmt.Errorf("threshold %v is not a number", t)
	case m == Cosine && (t < -1 || t > 1):
		return 0, fmt.Errorf("threshold %v: a cosine similarity lies between -1 and 1", t)
	case m == Euclidean && t < 0:
		return 0, fmt.Errorf("threshold %v: for euclidean the threshold is the largest distance that passes, at least 0", t)
	}
	return t, nil
}

// literalExpected reads the value: nil, a string, or a list of strings.
// Nil and the empty string mean "the case's expected answer", as an empty
// list does.
func literalExpected(v any) ([]string, error) {
	switch e := v.(type) {
	case nil:
		return nil, nil
	case string:
		if strings.TrimSpace(e) == "" {
			return nil, nil
		}
		return []string{e}, nil
	case []string, []any:
		l, err := value.Strings(e)
		if err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
		for i, s := range l {
			if strings.TrimSpace(s) == "" {
				return nil, fmt.Errorf("value: item %d is empty, want an expected text", i)
			}
		}
		return l, nil
	}
	return nil, fmt.Errorf("value is %s, want the expected text or a list of them", value.Kind(v))
}

// Evaluate embeds the answer and the expected texts in one call and scores
// the best match.
func (s Similar) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	m, err := s.metricOf(a)
	if err != nil {
		return bench.Score{}, err
	}
	thr, err := threshold(a, m)
	if err != nil {
		return bench.Score{}, err
	}
	lits, err := literalExpected(a.Value)
	if err != nil {
		return bench.Score{}, err
	}
	v, err := judge.OpenEmbedder(ctx, in, nil, a.Provider)
	if err != nil {
		s := judge.Fail(nil, err)
		s.Judge = &bench.JudgeInfo{Embedding: a.Provider}
		return s, nil
	}
	expected := expectedTexts(lits, in)
	switch {
	case len(expected) == 0:
		return v.Unscored("nothing to compare with: the assertion has no value and the case no expected answer", ""), nil
	case strings.TrimSpace(in.Output) == "":
		return v.Unscored("the answer is empty: there is nothing to embed", ""), nil
	}
	vecs, err := v.Embed(ctx, append([]string{in.Output}, expected...))
	if err != nil {
		return judge.Fail(v, err), nil
	}
	best, at, err := bestMatch(m, vecs[0], vecs[1:])
	if err != nil {
		return v.Unscored(err.Error(), ""), nil
	}
	return v.Score(verdict(m, best, thr, at, len(expected))), nil
}

// expectedTexts renders the value's texts, or falls back to the case's
// expected answer; texts that render empty are dropped.
func expectedTexts(lits []string, in *eval.Input) []string {
	if len(lits) == 0 && in.Case != nil {
		lits = []string{in.Case.Expected}
	}
	out := make([]string, 0, len(lits))
	for _, l := range lits {
		if r := value.Render(l, in); strings.TrimSpace(r) != "" {
			out = append(out, r)
		}
	}
	return out
}

// bestMatch compares out with each expected vector and returns the best
// value (the largest similarity, or the smallest distance) and its index.
func bestMatch(m Metric, out []float64, expected [][]float64) (float64, int, error) {
	f := vec.Cosine
	switch m {
	case Dot:
		f = vec.Dot
	case Euclidean:
		f = vec.Euclidean
	}
	best, at := 0.0, -1
	for i, e := range expected {
		x, err := f(out, e)
		if err != nil {
			return 0, 0, fmt.Errorf("embeddings of the answer and expected text %d: %w", i+1, err)
		}
		if at < 0 || (m == Euclidean && x < best) || (m != Euclidean && x > best) {
			best, at = x, i
		}
	}
	return best, at, nil
}

// verdict turns the best value into score, pass and reason.
func verdict(m Metric, best, thr float64, at, n int) (float64, bool, string) {
	of := ""
	if n > 1 {
		of = fmt.Sprintf(" (best of %d expected texts: #%d)", n, at+1)
	}
	if m == Euclidean {
		pass := best <= thr
		return 1 / (1 + best), pass, fmt.Sprintf("euclidean distance %.4g %s %.4g%s", best, cmpWord(pass, "≤", ">"), thr, of)
	}
	pass := best >= thr
	return best, pass, fmt.Sprintf("%s similarity %.4g %s %.4g%s", m, best, cmpWord(pass, "≥", "<"), thr, of)
}

func cmpWord(pass bool, yes, no string) string {
	if pass {
		return yes
	}
	return no
}

func describe(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return value.Kind(v)
}

// EstimateCalls is one embedding call (the answer and the expected texts),
// counted as a call of the embedding provider.
func (Similar) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1}
}
