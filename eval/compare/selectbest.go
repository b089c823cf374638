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

// SelectBest is the select-best assertion type: a judge picks the answer
// that best meets the criteria, once with the answers in the group's order
// and once reversed.
type SelectBest struct{}

var (
	_ eval.Comparer  = SelectBest{}
	_ eval.Evaluator = SelectBest{}
	_ eval.ModelUser = SelectBest{}
	_ eval.Validator = SelectBest{}
)

// Uses reports that select-best calls a judge.
func (SelectBest) Uses() eval.Uses { return eval.UsesJudge }

// Validate checks that the value holds the criteria.
func (SelectBest) Validate(a bench.Assertion) error {
	_, err := criteriaOf(a, nil)
	return err
}

// Evaluate compares a group of one, which select-best cannot score.
func (s SelectBest) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	scores, err := s.Compare(ctx, a, []*eval.Input{in})
	if err != nil {
		return bench.Score{}, err
	}
	return scores[0], nil
}

// Compare asks the judge for the best answer of the group in both orders.
// The same choice both ways wins (1, pass) and the others lose (0); two
// different choices are a tie between those two (0.5, no pass) and the
// others lose. A group of fewer than two answers, a judge that cannot be
// reached and a reply outside the contract leave every answer unscored.
func (SelectBest) Compare(ctx context.Context, a bench.Assertion, group []*eval.Input) ([]bench.Score, error) {
	if len(group) == 0 {
		return nil, nil
	}
	criteria, err := criteriaOf(a, group[0])
	if err != nil {
		return nil, err
	}
	n := len(group)
	if n < 2 {
		return unscoredAll(n, fmt.Sprintf("select-best compares the answers of two or more providers to the same case; this run has %d", n), ""), nil
	}
	v, err := judge.Open(ctx, group[0], a, selectBestPrompt)
	if err != nil {
		return unscoredAll(n, err.Error(), ""), nil
	}
	answers, reversed := outputs(group)
	first, reason, failed := pick(ctx, v, criteria, group[0].Prompt, answers, n)
	if failed != nil {
		return settle(v, failed, nil), nil
	}
	back, _, failed := pick(ctx, v, criteria, group[0].Prompt, reversed, n)
	if failed != nil {
		return settle(v, failed, nil), nil
	}
	second := n - 1 - back
	return settle(v, bestScores(group, first, second, reason), consistentAll(n, first == second)), nil
}

// pick asks for the best of answers and returns its number, the judge's
// reason, or the unscored verdicts of a failed call or unreadable reply.
func pick(ctx context.Context, v *judge.Verdict, criteria, question string, answers []string, n int) (int, string, []bench.Score) {
	reply, err := askSelectBest(ctx, v, criteria, question, answers)
	if err != nil {
		return 0, "", unscoredAll(n, err.Error(), reply)
	}
	best, reason, err := parseBest(reply, n)
	if err != nil {
		return 0, "", unscoredAll(n, "select-best: "+err.Error(), reply)
	}
	return best, reason, nil
}

// bestScores makes the verdicts from the choice in group order (first)
// and the one in reversed order, mapped back to group order (second).
func bestScores(group []*eval.Input, first, second int, reason string) []bench.Score {
	why := ""
	if reason != "" {
		why = "; the judge: " + reason
	}
	out := make([]bench.Score, len(group))
	if first == second {
		for i := range out {
			if i == first {
				out[i] = bench.Score{Score: 1, Pass: true, Reason: fmt.Sprintf("chosen as the best of %d answers in both orders%s", len(group), why)}
			} else {
				out[i] = bench.Score{Reason: fmt.Sprintf("%s was chosen as the best in both orders%s", label(group, first), why)}
			}
		}
		return out
	}
	tie := fmt.Sprintf("position-inconsistent: the judge chose %s with the answers in order and %s with them reversed, a tie between the two", label(group, first), label(group, second))
	for i := range out {
		if i == first || i == second {
			out[i] = bench.Score{Score: 0.5, Reason: tie + why}
		} else {
			out[i] = bench.Score{Reason: tie + "; this answer was chosen in neither order" + why}
		}
	}
	return out
}

// outputs is the group's answers in order and reversed.
func outputs(group []*eval.Input) (inOrder, reversed []string) {
	n := len(group)
	inOrder, reversed = make([]string, n), make([]string, n)
	for i, in := range group {
		inOrder[i], reversed[n-1-i] = in.Output, in.Output
	}
	return inOrder, reversed
}

// consistentAll is the same position consistency for n verdicts.
func consistentAll(n int, ok bool) []*bool {
	out := make([]*bool, n)
	for i := range out {
		out[i] = boolPtr(ok)
	}
	return out
}

// criteriaOf reads the criteria from the value, rendered with the case's
// variables when in is given.
func criteriaOf(a bench.Assertion, in *eval.Input) (string, error) {
	s, ok := a.Value.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return "", errors.New("select-best needs its criteria as the value, a non-empty string (for example \"the most accurate and concise answer\")")
	}
	if in != nil {
		s = value.Render(s, in)
	}
	return s, nil
}
