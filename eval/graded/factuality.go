package graded

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

func init() {
	eval.Register("factuality", Factuality{})
}

// Factuality is factuality: the judge puts the facts of the output in one
// of five categories relative to a reference answer, and each category
// has a score.
type Factuality struct{}

var (
	_ eval.Evaluator = Factuality{}
	_ eval.Validator = Factuality{}
	_ eval.ModelUser = Factuality{}
)

// defaultScores is the score of each factuality category unless
// config.score_map says otherwise (promptfoo's; see the package
// documentation): A a consistent subset of
// the reference, B a consistent superset, C the same facts, D a
// disagreement, E a difference that does not matter for the facts.
var defaultScores = map[string]float64{"A": 1, "B": 1, "C": 1, "D": 0, "E": 1}

// categoryNames describe the categories in reasons.
var categoryNames = map[string]string{
	"A": "a consistent subset of the reference",
	"B": "a consistent superset of the reference",
	"C": "the same facts as the reference",
	"D": "disagrees with the reference",
	"E": "differs from the reference only in ways that do not matter for the facts",
}

// Uses reports that factuality calls a judge.
func (Factuality) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the reference, config.score_map, the threshold and the config.
func (Factuality) Validate(a bench.Assertion) error {
	_, _, err := factualitySettings(a)
	return err
}

// factualitySettings reads the reference ("" when the case's expected
// answer stands in) and the score of every category.
func factualitySettings(a bench.Assertion) (string, map[string]float64, error) {
	ref, err := textValue(a, "the reference answer", true)
	if err != nil {
		return "", nil, err
	}
	scores, err := scoreMap(a.Config["score_map"])
	if err != nil {
		return "", nil, err
	}
	return ref, scores, checkCommon(a, "score_map")
}

// scoreMap overlays config.score_map (nil: absent) on defaultScores.
func scoreMap(v any) (map[string]float64, error) {
	scores := maps.Clone(defaultScores)
	if v == nil {
		return scores, nil
	}
	n, err := value.Normalize(v)
	if err != nil {
		return nil, fmt.Errorf("config.score_map: %w", err)
	}
	m, ok := n.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("config.score_map is %s, want a map from categories (A to E) to scores", value.Kind(v))
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if _, known := defaultScores[k]; !known {
			return nil, fmt.Errorf("config.score_map: unknown category %q, want A, B, C, D or E", k)
		}
		f, ok := value.Float(m[k])
		if _, isString := m[k].(string); isString || !ok || f < 0 || f > 1 {
			return nil, fmt.Errorf("config.score_map.%s is %s, want a number from 0 to 1", k, describe(m[k]))
		}
		scores[k] = f
	}
	return scores, nil
}

// Evaluate asks the judge to compare the output's facts with the reference.
func (Factuality) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	ref, scores, err := factualitySettings(a)
	if err != nil {
		return bench.Score{}, err
	}
	if ref = orExpected(ref, in); ref == "" {
		return bench.Unscored("no reference: give the reference answer as the value or the case's expected answer", ""), nil
	}
	v, err := judge.Open(ctx, in, a, factualityPrompt)
	if err != nil {
		return judge.Fail(nil, err), nil
	}
	r, err := ask(ctx, v, factualityPrompt, map[string]string{"prompt": in.Prompt, "reference": ref, "output": in.Output}, 0)
	if err != nil {
		return unscored(v, err), nil
	}
	cat, reason, err := parseCategory(r.Text)
	if err != nil {
		return unscored(v, badReply(err, r.Text)), nil
	}
	score := scores[cat]
	pass := score > 0
	if a.Threshold != nil {
		pass = score >= *a.Threshold
	}
	return v.Score(score, pass, fmt.Sprintf("category %s, %s: %s", cat, categoryNames[cat], reasonOf(reason, "the judge gave no reason"))), nil
}

// parseCategory reads {"category": "A".."E", "reason": "..."}: the
// category one letter (space around it and its case ignored), the reason
// an optional string.
func parseCategory(text string) (string, string, error) {
	f, err := firstObject(text)
	if err != nil {
		return "", "", err
	}
	c, ok, err := f.str("category")
	switch {
	case err != nil:
		return "", "", err
	case !ok:
		return "", "", errors.New(`"category" is missing`)
	}
	cat := strings.ToUpper(strings.TrimSpace(c))
	if _, known := defaultScores[cat]; !known {
		return "", "", fmt.Errorf(`"category" %q is not one of A, B, C, D and E`, bench.Truncate(c, 40))
	}
	reason, _, err := f.str("reason")
	if err != nil {
		return "", "", err
	}
	return cat, reason, nil
}
