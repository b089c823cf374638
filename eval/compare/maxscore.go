package compare

import (
	"context"
	"fmt"
	"math"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// MaxScore is the max-score assertion type: it picks, among the answers
// of every target to the same case, the one whose verdicts on the case's
// other assertions add up best, without a judge.
type MaxScore struct{}

var (
	_ eval.Comparer  = MaxScore{}
	_ eval.Evaluator = MaxScore{}
	_ eval.Validator = MaxScore{}
)

// maxScoreSpec is a max-score value taken apart.
type maxScoreSpec struct {
	sum       bool
	weights   map[string]float64
	threshold *float64
}

func parseMaxScore(a bench.Assertion) (maxScoreSpec, error) {
	sp := maxScoreSpec{weights: map[string]float64{}, threshold: a.Threshold}
	v, err := value.Normalize(a.Value)
	if err != nil || v == nil {
		return sp, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return sp, fmt.Errorf("value is %s, want a map (method, weights, threshold) or nothing", value.Kind(v))
	}
	for k, e := range m {
		switch k {
		case "method":
			switch e {
			case "average":
			case "sum":
				sp.sum = true
			default:
				return sp, fmt.Errorf(`method is %v, want "average" or "sum"`, e)
			}
		case "weights":
			ws, ok := e.(map[string]any)
			if !ok {
				return sp, fmt.Errorf("weights is %s, want a map from assertion type to weight", value.Kind(e))
			}
			for typ, w := range ws {
				f, ok := value.Float(w)
				if !ok || f < 0 {
					return sp, fmt.Errorf("weights.%s must be a number >= 0, got %v", typ, w)
				}
				sp.weights[typ] = f
			}
		case "threshold":
			f, ok := value.Float(e)
			if !ok {
				return sp, fmt.Errorf("threshold must be a number, got %v", e)
			}
			sp.threshold = &f
		default:
			return sp, fmt.Errorf("unknown key %q (known: method, weights, threshold)", k)
		}
	}
	return sp, nil
}

// Validate checks the value.
func (MaxScore) Validate(a bench.Assertion) error {
	_, err := parseMaxScore(a)
	return err
}

// Evaluate compares a group of one, which max-score cannot score.
func (m MaxScore) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	scores, err := m.Compare(ctx, a, []*eval.Input{in})
	if err != nil {
		return bench.Score{}, err
	}
	return scores[0], nil
}

// Compare ranks the answers by the aggregate of their verdicts (the
// weighted average, or the weighted sum, of the scores; each assertion
// weighs by its type's entry in weights, default 1). The first answer
// with the highest aggregate passes with 1 when it reaches the threshold
// (if any); every other answer fails with 0. Fewer than two answers, no
// other assertion, or a verdict missing on any answer leave every answer
// unscored.
func (MaxScore) Compare(_ context.Context, a bench.Assertion, group []*eval.Input) ([]bench.Score, error) {
	sp, err := parseMaxScore(a)
	if err != nil {
		return nil, err
	}
	n := len(group)
	if n < 2 {
		return unscoredAll(n, fmt.Sprintf("max-score compares the answers of two or more providers to the same case; this run has %d", n), ""), nil
	}
	agg := make([]float64, n)
	for k, in := range group {
		if len(in.Verdicts) == 0 {
			return unscoredAll(n, "max-score needs at least one other assertion (not a side-by-side one) to rank the answers by", ""), nil
		}
		var total, weights float64
		for _, v := range in.Verdicts {
			if v.Score.Unscored {
				return unscoredAll(n, fmt.Sprintf("max-score: %s has no verdict on %s, so the answers cannot be ranked", v.Assertion.Name(), label(group, k)), ""), nil
			}
			w, ok := sp.weights[v.Assertion.Type]
			if !ok {
				w = 1
			}
			total += w * v.Score.Score
			weights += w
		}
		switch {
		case sp.sum:
			agg[k] = total
		case weights > 0:
			agg[k] = total / weights
		}
	}
	return maxScoreVerdicts(group, agg, sp.threshold), nil
}

// maxScoreVerdicts makes the verdicts from the aggregates: the first
// highest wins when it meets the threshold.
func maxScoreVerdicts(group []*eval.Input, agg []float64, threshold *float64) []bench.Score {
	best := 0
	for k, s := range agg {
		if s > agg[best] {
			best = k
		}
	}
	top := agg[best]
	meets := threshold == nil || top >= *threshold
	out := make([]bench.Score, len(agg))
	for k, s := range agg {
		switch {
		case k == best && meets:
			out[k] = bench.Score{Score: 1, Pass: true, Reason: fmt.Sprintf("the highest aggregate score of %d answers (%s)", len(agg), fmtScore(s))}
		case s == top && !meets:
			out[k] = bench.Score{Reason: fmt.Sprintf("not selected: the highest aggregate %s is below the threshold %s", fmtScore(s), fmtScore(*threshold))}
		default:
			out[k] = bench.Score{Reason: fmt.Sprintf("not selected: aggregate %s, %s has %s", fmtScore(s), label(group, best), fmtScore(top))}
		}
	}
	return out
}

func fmtScore(f float64) string { return value.FormatFloat(math.Round(f*1000) / 1000) }
