package eval

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// SetType is the assert-set type: a group of assertions (its Assert) that
// is scored as one, with its own threshold, and weighed in the case's
// mean by its own weight under its own metric, as in promptfoo. Its score
// is the weighted mean of its members; it passes when that reaches its
// threshold, or without one when every member passes. A member without a
// verdict leaves the set without one. Sets do not nest, hold no
// side-by-side types (select-best, pairwise, max-score) and are not
// negated: promptfoo allows none of these.
const SetType = "assert-set"

// assertSet is the evaluator of SetType.
type assertSet struct{}

var (
	_ Evaluator     = assertSet{}
	_ Validator     = assertSet{}
	_ CallEstimator = assertSet{}
)

// maxSetReason bounds the members' summary in a set's reason.
const maxSetReason = 600

// Validate checks the members and what a set may hold.
func (assertSet) Validate(a bench.Assertion) error {
	if strings.HasPrefix(a.Type, "not-") {
		return errors.New("an assert-set cannot be negated; negate its members")
	}
	if a.Value != nil {
		return errors.New("an assert-set takes no value: its members go under assert")
	}
	if len(a.Assert) == 0 {
		return errors.New("assert must list the set's assertions")
	}
	for i, m := range a.Assert {
		base, _ := splitNot(m.Type)
		switch {
		case base == SetType:
			return fmt.Errorf("assert[%d]: an assert-set cannot hold another", i)
		case IsComparer(base):
			return fmt.Errorf("assert[%d] %s: side-by-side types belong at the case's top level, not in an assert-set", i, m.Type)
		}
	}
	if t := a.Threshold; t != nil && (*t < 0 || *t > 1) {
		return fmt.Errorf("threshold must be between 0 and 1, got %v", *t)
	}
	return Validate(a.Assert)
}

// Evaluate scores the members against in and combines them.
func (assertSet) Evaluate(ctx context.Context, a bench.Assertion, in *Input) (bench.Score, error) {
	o := combine(a.Assert, a.Threshold, func(_ int, m bench.Assertion) bench.Score {
		base, negate := splitNot(m.Type)
		en, ok := lookup(base)
		return evaluateOne(ctx, m, base, negate, en.e, ok, in)
	})
	parts := summary(a.Assert, o)
	if o.Unscored > 0 {
		return bench.Unscored("assert-set: a member has no verdict: "+parts, ""), nil
	}
	return bench.Score{Score: o.Score, Pass: o.Passed, Reason: parts}, nil
}

// summary lists the members' verdicts, in order, within maxSetReason.
func summary(as []bench.Assertion, o Outcome) string {
	var b strings.Builder
	seen := map[string]bench.Score{}
	for i, m := range as {
		name := uniqueName(seen, m.Name())
		s := o.Scores[name]
		seen[name] = s
		if i > 0 {
			b.WriteString("; ")
		}
		mark := "fail"
		switch {
		case s.Unscored:
			mark = "unscored"
		case s.Pass:
			mark = "pass"
		}
		fmt.Fprintf(&b, "%s %s (%s)", name, mark, s.Reason)
	}
	return bench.Truncate(b.String(), maxSetReason)
}

// EstimateCalls adds up the members' model calls.
func (assertSet) EstimateCalls(a bench.Assertion) CallEstimate {
	var sum CallEstimate
	for _, m := range a.Assert {
		e := EstimateOf(m)
		sum.Calls += e.Calls
		sum.PromptTokens = max(sum.PromptTokens, e.PromptTokens)
		sum.ReplyTokens = max(sum.ReplyTokens, e.ReplyTokens)
		sum.Embeds += e.Embeds
	}
	return sum
}
