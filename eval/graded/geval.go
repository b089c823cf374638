package graded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func init() {
	eval.Register("g-eval", GEval{})
}

// G-Eval's defaults.
const (
	// DefaultGEvalThreshold is the score g-eval must reach when the
	// assertion sets no threshold (promptfoo's default).
	DefaultGEvalThreshold = 0.7
	// gevalMax is the top of the judge's rating scale.
	gevalMax = 10
	// gevalTop is how many alternatives per token the rating call asks for.
	gevalTop = 20
	// minTokenProb is the least probability an alternative rating needs to
	// count in the weighted score.
	minTokenProb = 0.01
	// Step lists outside [minSteps, maxSteps] are refused; the prompt asks
	// for three to six.
	minSteps, maxSteps = 1, 10
)

// GEval is g-eval: the judge writes evaluation steps for each criterion
// (unless config.steps gives them), then rates the output from 0 to 10
// following them. The rating is weighted by the probabilities of the
// judge's alternatives for the rating token when the judge returns them.
type GEval struct{}

var (
	_ eval.Evaluator = GEval{}
	_ eval.Validator = GEval{}
	_ eval.ModelUser = GEval{}
)

// Uses reports that g-eval calls a judge.
func (GEval) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the criteria, config.steps, the threshold and the config.
func (GEval) Validate(a bench.Assertion) error {
	_, _, err := gevalSettings(a)
	return err
}

// gevalSettings reads the criteria and the given steps (nil: generate them).
func gevalSettings(a bench.Assertion) (criteria, steps []string, err error) {
	if criteria, err = stringList(a.Value, "value", "the criteria"); err != nil {
		return nil, nil, err
	}
	if v, ok := a.Config["steps"]; ok {
		if steps, err = stringList(v, "config.steps", "the evaluation steps"); err != nil {
			return nil, nil, err
		}
		if len(steps) > maxSteps {
			return nil, nil, fmt.Errorf("config.steps has %d steps, want at most %d", len(steps), maxSteps)
		}
		if len(criteria) > 1 {
			return nil, nil, fmt.Errorf("config.steps fits one criterion, and value lists %d: give one criterion or drop config.steps", len(criteria))
		}
	}
	return criteria, steps, checkCommon(a, "steps")
}

// stringList reads a non-empty string or a non-empty list of non-empty
// strings; where and what name it in messages.
func stringList(v any, where, what string) ([]string, error) {
	var items []string
	switch l := v.(type) {
	case string:
		items = []string{l}
	case []string:
		items = l
	case []any:
		for i, e := range l {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%s[%d] is %s, want a string", where, i, value.Kind(e))
			}
			items = append(items, s)
		}
	case nil:
		return nil, fmt.Errorf("%s is missing: give %s as a string or a list of strings", where, what)
	default:
		return nil, fmt.Errorf("%s is %s, want %s as a string or a list of strings", where, value.Kind(v), what)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s is an empty list: give %s", where, what)
	}
	for i, s := range items {
		if strings.TrimSpace(s) == "" {
			if len(items) == 1 {
				return nil, fmt.Errorf("%s is blank: give %s", where, what)
			}
			return nil, fmt.Errorf("%s[%d] is blank", where, i)
		}
	}
	return items, nil
}

// Evaluate rates the output on every criterion; the score is their mean.
func (GEval) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	criteria, steps, err := gevalSettings(a)
	if err != nil {
		return bench.Score{}, err
	}
	v, err := judge.Open(ctx, in, a, gevalPrompt)
	if err != nil {
		return judge.Fail(nil, err), nil
	}
	th := threshold(a, DefaultGEvalThreshold)
	var sum float64
	reasons := make([]string, 0, len(criteria))
	for i, c := range criteria {
		r, err := rate(ctx, v, in, value.Render(c, in), steps)
		if err != nil {
			if len(criteria) > 1 {
				err = &noVerdict{reason: fmt.Sprintf("criterion %d: %v", i+1, err), raw: rawOf(err)}
			}
			return unscored(v, err), nil
		}
		sum += r.score
		reasons = append(reasons, r.String())
	}
	score := sum / float64(len(criteria))
	reason := reasons[0]
	if len(criteria) > 1 {
		reason = fmt.Sprintf("mean of %d criteria %s; %s", len(criteria), format(score), joinNumbered(reasons))
	}
	if score < th {
		reason = fmt.Sprintf("score %s is below the threshold %s: %s", format(score), format(th), reason)
	}
	return v.Score(score, score >= th, reason), nil
}

// rawOf is the judge's text behind a noVerdict, "" for other errors.
func rawOf(err error) string {
	if nv, ok := errors.AsType[*noVerdict](err); ok {
		return nv.raw
	}
	return ""
}

// joinNumbered writes "[1] a; [2] b".
func joinNumbered(items []string) string {
	var b strings.Builder
	for i, s := range items {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "[%d] %s", i+1, s)
	}
	return b.String()
}

// rating is one criterion's verdict.
type rating struct {
	raw      int     // the judge's rating, 0–10
	weighted float64 // the probability-weighted rating, 0–10 (raw when not weighted)
	isWeight bool    // whether weighted came from the judge's probabilities
	score    float64 // weighted / 10
	reason   string
}

// String writes the rating for a verdict's reason.
func (r rating) String() string {
	how := "not probability-weighted: the judge returned no usable log probabilities"
	if r.isWeight {
		how = fmt.Sprintf("probability-weighted rating %s from the judge's top log probabilities", format(r.weighted))
	}
	return fmt.Sprintf("rated %d/10, score %s (%s): %s", r.raw, format(r.score), how, reasonOf(r.reason, "the judge gave no reason"))
}

// rate makes one criterion's calls: the steps (unless given) and the rating.
func rate(ctx context.Context, v *judge.Verdict, in *eval.Input, criterion string, steps []string) (rating, error) {
	if steps == nil {
		r, err := ask(ctx, v, gevalStepsPrompt, map[string]string{"criteria": criterion}, 0)
		if err != nil {
			return rating{}, err
		}
		if steps, err = parseSteps(r.Text); err != nil {
			return rating{}, badReply(fmt.Errorf("evaluation steps: %w", err), r.Text)
		}
	}
	var list strings.Builder
	for i, s := range steps {
		fmt.Fprintf(&list, "%d. %s\n", i+1, strings.TrimSpace(s))
	}
	vars := map[string]string{
		"criteria": criterion,
		"steps":    strings.TrimSuffix(list.String(), "\n"),
		"prompt":   in.Prompt,
		"expected": expectedOf(in),
		"context":  contextOf(in),
		"output":   in.Output,
	}
	r, err := ask(ctx, v, gevalPrompt, vars, gevalTop)
	if err != nil {
		return rating{}, err
	}
	raw, reason, err := parseRating(r.Text)
	if err != nil {
		return rating{}, badReply(err, r.Text)
	}
	w, ok := weightedRating(raw, r.TopLogprobs)
	return rating{raw: raw, weighted: w, isWeight: ok, score: w / gevalMax, reason: reason}, nil
}

// parseSteps reads {"steps": [...]}: 1 to 10 non-empty strings.
func parseSteps(text string) ([]string, error) {
	f, err := firstObject(text)
	if err != nil {
		return nil, err
	}
	raw, ok := f["steps"]
	if !ok {
		return nil, errors.New(`"steps" is missing`)
	}
	var steps []string
	if jsonKind(raw) != "a list" || json.Unmarshal(raw, &steps) != nil {
		return nil, fmt.Errorf(`"steps" is %s, want a list of strings`, kindOfSteps(raw))
	}
	if len(steps) < minSteps || len(steps) > maxSteps {
		return nil, fmt.Errorf(`"steps" has %d steps, want %d to %d`, len(steps), minSteps, maxSteps)
	}
	for i, s := range steps {
		if strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf(`step %d is blank`, i+1)
		}
	}
	return steps, nil
}

// kindOfSteps names what "steps" holds when it is not a list of strings.
func kindOfSteps(raw []byte) string {
	if k := jsonKind(raw); k != "a list" {
		return k
	}
	return "a list with an item that is not a string"
}

// parseRating reads {"score": 0–10, "reason": "..."}: the score a whole
// number, the reason an optional string.
func parseRating(text string) (int, string, error) {
	f, err := firstObject(text)
	if err != nil {
		return 0, "", err
	}
	n, ok, err := f.num("score")
	switch {
	case err != nil:
		return 0, "", err
	case !ok:
		return 0, "", errors.New(`"score" is missing`)
	case n < 0 || n > gevalMax:
		return 0, "", fmt.Errorf(`"score" %v is outside 0 to %d`, n, gevalMax)
	case n != math.Trunc(n):
		return 0, "", fmt.Errorf(`"score" %v is not a whole number`, n)
	}
	reason, _, err := f.str("reason")
	if err != nil {
		return 0, "", err
	}
	return int(n), reason, nil
}

// weightedRating weights the rating by the judge's probabilities (G-Eval,
// as DeepEval computes it): at the last generated token that is the
// rating written out, the alternatives that are whole numbers from 0 to
// 10 with a probability of at least 1% are averaged, weighted by their
// probabilities (a number written twice, " 7" and "7", counts twice). It
// reports false, with the raw rating, when there is no such token or no
// alternative survives.
func weightedRating(raw int, toks []provider.TokenLogprobs) (float64, bool) {
	want := strconv.Itoa(raw)
	at := -1
	for i := len(toks) - 1; i >= 0; i-- {
		if strings.TrimSpace(toks[i].Token) == want {
			at = i
			break
		}
	}
	if at < 0 {
		return float64(raw), false
	}
	var sum, mass float64
	for _, alt := range toks[at].Top {
		n, ok := ratingToken(alt.Token)
		p := math.Exp(alt.Logprob)
		if !ok || !(p >= minTokenProb) || p > 1 {
			continue
		}
		sum += float64(n) * p
		mass += p
	}
	if mass == 0 {
		return float64(raw), false
	}
	return sum / mass, true
}

// ratingToken reads a token that is a rating: one or two ASCII digits
// (surrounding space ignored) worth 0 to 10.
func ratingToken(tok string) (int, bool) {
	t := strings.TrimSpace(tok)
	if len(t) == 0 || len(t) > 2 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, false
		}
		n = n*10 + int(t[i]-'0')
	}
	return n, n <= gevalMax
}
