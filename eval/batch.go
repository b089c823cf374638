package eval

import (
	"context"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Batcher is implemented by evaluators that can score several assertions
// of their type on one answer in one go (a plugin with supports_batch
// makes one call instead of one per assertion). EvaluateBatch gets the
// assertions without their "not-" prefix and returns one verdict per
// assertion, in order; an error leaves every one of them unscored.
type Batcher interface {
	EvaluateBatch(ctx context.Context, as []bench.Assertion, in *Input) ([]bench.Score, error)
}

// scoreBatches scores, ahead of the others, the assertions whose type is
// a Batcher and appears two or more times in as: one EvaluateBatch per
// type, in the order the types first appear. It returns their verdicts by
// position (negation applied); nil when there is nothing to batch.
func scoreBatches(ctx context.Context, as []bench.Assertion, in *Input) map[int]bench.Score {
	var (
		order  []string
		groups map[string][]int
	)
	for i, a := range as {
		base, _ := splitNot(a.Type)
		en, ok := lookup(base)
		if !ok || en.comparer {
			continue
		}
		if _, ok := en.e.(Batcher); !ok {
			continue
		}
		if groups == nil {
			groups = map[string][]int{}
		}
		if _, seen := groups[base]; !seen {
			order = append(order, base)
		}
		groups[base] = append(groups[base], i)
	}
	var out map[int]bench.Score
	for _, base := range order {
		idx := groups[base]
		if len(idx) < 2 {
			continue // one assertion goes through Evaluate like any other
		}
		en, _ := lookup(base)
		inner := make([]bench.Assertion, len(idx))
		for k, i := range idx {
			inner[k] = as[i]
			inner[k].Type = base
		}
		scores, err := en.e.(Batcher).EvaluateBatch(ctx, inner, in)
		if err == nil && len(scores) != len(idx) {
			err = fmt.Errorf("%s: %d verdicts for %d assertions", base, len(scores), len(idx))
		}
		if out == nil {
			out = map[int]bench.Score{}
		}
		for k, i := range idx {
			if err != nil {
				out[i] = bench.Unscored(err.Error(), "")
				continue
			}
			out[i] = negateIf(as[i].Type, en.e, scores[k])
		}
	}
	return out
}

// negateIf applies a "not-" prefix of typ to a verdict of e, as
// evaluateOne does.
func negateIf(typ string, e Evaluator, s bench.Score) bench.Score {
	if _, negate := splitNot(typ); !negate {
		return s
	}
	if n, ok := e.(Negater); ok && !s.Unscored {
		return n.Negate(s)
	}
	return negated(s)
}
