package compare

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// DefaultPairwiseThreshold is the score a pairwise verdict must reach to
// pass when the assertion sets none: at least as good as the baseline.
const DefaultPairwiseThreshold = 0.5

// Pairwise is the pairwise assertion type: a judge compares each answer
// with a baseline answer, once with the answer shown first and once with
// the baseline shown first.
type Pairwise struct{}

var (
	_ eval.Comparer  = Pairwise{}
	_ eval.Evaluator = Pairwise{}
	_ eval.ModelUser = Pairwise{}
	_ eval.Validator = Pairwise{}
)

// Uses reports that pairwise calls a judge.
func (Pairwise) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks the baseline settings and the threshold.
func (Pairwise) Validate(a bench.Assertion) error {
	id, hasID := a.Config["baseline"]
	if hasID {
		if s, ok := id.(string); !ok || strings.TrimSpace(s) == "" {
			return errors.New("config.baseline must name a provider of the run (a non-empty string)")
		}
	}
	if a.Value != nil {
		if hasID {
			return errors.New("set either config.baseline (a provider whose answer is the baseline) or a value (a fixed baseline answer), not both")
		}
		if s, ok := value.Scalar(a.Value); !ok || strings.TrimSpace(s) == "" {
			return errors.New("the value, when set, is the baseline answer: a non-empty string")
		}
	}
	if t := a.Threshold; t != nil && (*t < 0 || *t > 1) {
		return fmt.Errorf("threshold must be between 0 and 1, got %v", *t)
	}
	return nil
}

// Evaluate compares one answer with the baseline; a baseline named by
// config.baseline is never in a group of one other answer.
func (p Pairwise) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	scores, err := p.Compare(ctx, a, []*eval.Input{in})
	if err != nil {
		return bench.Score{}, err
	}
	return scores[0], nil
}

// baseline is the answer the group's answers are compared with.
type baseline struct {
	text   string
	member int    // the group member that wrote it, -1 for a fixed answer
	source string // where it came from, for reasons
}

// Compare judges every answer of the group against the baseline in both
// orders (see the package documentation for the scores).
func (p Pairwise) Compare(ctx context.Context, a bench.Assertion, group []*eval.Input) ([]bench.Score, error) {
	if len(group) == 0 {
		return nil, nil
	}
	if err := p.Validate(a); err != nil {
		return nil, err
	}
	base, reason := baselineOf(a, group)
	if reason != "" {
		return unscoredAll(len(group), reason, ""), nil
	}
	threshold := DefaultPairwiseThreshold
	if a.Threshold != nil {
		threshold = *a.Threshold
	}
	scores := make([]bench.Score, len(group))
	consistent := make([]*bool, len(group))
	var v *judge.Verdict
	var openErr error
	for i, in := range group {
		if i == base.member {
			scores[i] = bench.Score{Score: 0.5, Pass: true, Reason: "the baseline"}
			continue
		}
		if v == nil && openErr == nil {
			v, openErr = judge.Open(ctx, group[0], a, pairwisePrompt)
		}
		if openErr != nil {
			scores[i] = bench.Unscored(openErr.Error(), "")
			continue
		}
		scores[i], consistent[i] = versus(ctx, v, in.Prompt, in.Output, base, threshold)
	}
	return settle(v, scores, consistent), nil
}

// versus judges one answer against the baseline in both orders.
func versus(ctx context.Context, v *judge.Verdict, question, answer string, base baseline, threshold float64) (bench.Score, *bool) {
	var got [2]outcome
	var marks [2]byte
	for k, pair := range [2][2]string{{answer, base.text}, {base.text, answer}} {
		reply, err := askPairwise(ctx, v, question, pair[0], pair[1])
		if err != nil {
			return bench.Unscored(err.Error(), reply), nil
		}
		m, err := parseMarker(reply)
		if err != nil {
			return bench.Unscored("pairwise: "+err.Error(), reply), nil
		}
		answerSlot := byte('A' + k) // the answer is A first, then B
		marks[k], got[k] = m, outcomeOf(m, answerSlot)
	}
	score, summary := combine(got[0], got[1])
	reason := fmt.Sprintf("against %s: answer shown first [[%c]] %s, baseline shown first [[%c]] %s; %s",
		base.source, marks[0], got[0], marks[1], got[1], summary)
	return bench.Score{Score: score, Pass: score >= threshold, Reason: reason}, boolPtr(got[0] == got[1])
}

// outcome is how an answer fared against the baseline in one order.
type outcome int8

const (
	loss outcome = iota
	tie
	win
)

func (o outcome) String() string {
	switch o {
	case win:
		return "win"
	case loss:
		return "loss"
	}
	return "tie"
}

// outcomeOf reads marker m for the answer shown in slot ('A' or 'B').
func outcomeOf(m, slot byte) outcome {
	switch m {
	case 'C':
		return tie
	case slot:
		return win
	}
	return loss
}

// combine makes the score from both orders' outcomes: a win both ways is
// 1, a loss both ways 0, and anything else, a tie in either order or two
// orders that disagree, a tie of 0.5.
func combine(first, second outcome) (float64, string) {
	switch {
	case first == win && second == win:
		return 1, "better than the baseline in both orders"
	case first == loss && second == loss:
		return 0, "worse than the baseline in both orders"
	case first == tie && second == tie:
		return 0.5, "as good as the baseline in both orders"
	case first == tie || second == tie:
		return 0.5, "a tie in one order: counted as a tie"
	}
	return 0.5, "position-inconsistent, the orders disagree: counted as a tie"
}

// baselineOf resolves the baseline: the answer of the provider that
// config.baseline names, else the value, else the case's expected answer.
// The reason is set when there is none to compare with.
func baselineOf(a bench.Assertion, group []*eval.Input) (baseline, string) {
	if id, ok := a.Config["baseline"].(string); ok {
		for i, in := range group {
			if in.Provider == id {
				return baseline{text: in.Output, member: i, source: "the baseline " + id}, ""
			}
		}
		return baseline{}, fmt.Sprintf("baseline answer not available: provider %q has no answer to compare with (its call failed, or it is not a target of this run)", id)
	}
	if s, ok := value.Scalar(a.Value); ok {
		return baseline{text: value.Render(s, group[0]), member: -1, source: "the baseline answer of the value"}, ""
	}
	if c := group[0].Case; c != nil && c.Expected != "" {
		return baseline{text: c.Expected, member: -1, source: "the case's expected answer"}, ""
	}
	return baseline{}, "pairwise needs a baseline: config.baseline (a provider of the run), a value (a fixed baseline answer) or the case's expected answer"
}
