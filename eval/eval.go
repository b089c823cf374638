// Package eval defines the Evaluator contract, the registry of assertion
// types, and Check, which scores one response against a case's assertions
// (the README's "Assertions"): weighted mean, per-case threshold, "not-" negation and
// weight-0 metrics that record without gating.
package eval

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Input is everything an evaluator may look at for one response.
type Input struct {
	Case         *bench.Case
	Provider     string // the target that answered
	Prompt       string // the rendered prompt
	Output       string // the model's answer
	FinishReason string
	LatencyMs    float64
	TTFTMs       float64
	Usage        bench.Usage
	Cost         bench.Cost
	Logprobs     []float64
	// Judges gives model-graded evaluators a provider by name, behind the
	// run's call policy; nil when the run offers none.
	Judges Judges
}

// Evaluator scores one response against one assertion. It returns an error
// only when the assertion itself is unusable (bad value, bad schema); a
// response that fails the check is a Score with Pass false.
type Evaluator interface {
	Evaluate(ctx context.Context, a bench.Assertion, in *Input) (bench.Score, error)
}

// Validator is implemented by evaluators that can check an assertion's value
// at load time, before any call is made.
type Validator interface {
	Validate(a bench.Assertion) error
}

// Func adapts a function to Evaluator.
type Func func(ctx context.Context, a bench.Assertion, in *Input) (bench.Score, error)

// Evaluate calls f.
func (f Func) Evaluate(ctx context.Context, a bench.Assertion, in *Input) (bench.Score, error) {
	return f(ctx, a, in)
}

var (
	mu       sync.RWMutex
	registry = map[string]Evaluator{}
)

// Register adds an assertion type; it panics on a duplicate, as a programming error.
func Register(typ string, e Evaluator) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[typ]; dup {
		panic("eval: assertion type registered twice: " + typ)
	}
	registry[typ] = e
}

// Lookup returns the evaluator for a type, without its "not-" prefix.
func Lookup(typ string) (Evaluator, bool) {
	mu.RLock()
	defer mu.RUnlock()
	e, ok := registry[typ]
	return e, ok
}

// Types lists the registered assertion types, sorted.
func Types() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// splitNot strips a "not-" prefix.
func splitNot(typ string) (base string, negate bool) {
	if b, ok := strings.CutPrefix(typ, "not-"); ok {
		return b, true
	}
	return typ, false
}

// Validate checks that every assertion names a known type and, where the
// evaluator can tell, has a usable value. It reports all problems at once.
func Validate(as []bench.Assertion) error {
	var problems []string
	for i, a := range as {
		base, _ := splitNot(a.Type)
		e, ok := Lookup(base)
		if !ok {
			problems = append(problems, fmt.Sprintf("assert[%d]: unknown type %q (known: %s)", i, a.Type, strings.Join(Types(), ", ")))
			continue
		}
		if a.Weight != nil && *a.Weight < 0 {
			problems = append(problems, fmt.Sprintf("assert[%d] %s: weight must not be negative", i, a.Type))
		}
		if v, ok := e.(Validator); ok {
			if err := v.Validate(a); err != nil {
				problems = append(problems, fmt.Sprintf("assert[%d] %s: %v", i, a.Type, err))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// Outcome is a case's verdict over all its assertions.
type Outcome struct {
	Scores map[string]bench.Score
	Score  float64
	Passed bool
	// Unscored counts the gating assertions without a verdict.
	Unscored int
}

// Check runs every assertion against in; side-by-side types see a group
// of one. See Combine for how the verdicts make the case's.
func Check(ctx context.Context, as []bench.Assertion, threshold *float64, in *Input) Outcome {
	p := ScoreEach(ctx, as, in)
	CompareGroup(ctx, as, []*Input{in}, []Partial{p})
	return Combine(as, threshold, p)
}

// Partial holds one answer's verdicts by assertion position, before they
// are combined into the case's.
type Partial []bench.Score

// ScoreEach scores in against every assertion except the side-by-side
// ones (Comparer), which CompareGroup scores once every answer is in.
func ScoreEach(ctx context.Context, as []bench.Assertion, in *Input) Partial {
	p := make(Partial, len(as))
	for i, a := range as {
		if !IsComparer(a.Type) {
			p[i] = evaluateOne(ctx, a, in)
		}
	}
	return p
}

// CompareGroup scores the side-by-side assertions over a group of answers
// to one case (one input and one Partial per answer, in the same order).
func CompareGroup(ctx context.Context, as []bench.Assertion, ins []*Input, parts []Partial) {
	for i, a := range as {
		if !IsComparer(a.Type) {
			continue
		}
		for k, s := range compareOne(ctx, a, ins) {
			parts[k][i] = s
		}
	}
}

// Combine makes the case's verdict. The case score is the weighted mean of
// the assertion scores (weight-0 assertions are recorded but neither
// averaged nor gating; unscored ones are left out of the mean). With a
// threshold the case passes when the score reaches it; without one, when
// every gating assertion passes. A gating assertion without a verdict
// (unscored) fails the case either way: no verdict is not a pass. A case
// without assertions scores 1 and passes.
func Combine(as []bench.Assertion, threshold *float64, p Partial) Outcome {
	out := Outcome{Scores: make(map[string]bench.Score, len(as)), Score: 1, Passed: true}
	var sum, weights float64
	allPass := true
	for i, a := range as {
		s := p[i]
		out.Scores[uniqueName(out.Scores, a.Name())] = s
		w := a.EffectiveWeight()
		if w == 0 {
			continue
		}
		if s.Unscored {
			out.Unscored++
			continue
		}
		sum += w * s.Score
		weights += w
		allPass = allPass && s.Pass
	}
	switch {
	case weights > 0:
		out.Score = sum / weights
	case out.Unscored > 0:
		out.Score = 0
	}
	if threshold != nil {
		out.Passed = out.Score >= *threshold
	} else {
		out.Passed = allPass
	}
	if out.Unscored > 0 {
		out.Passed = false
	}
	return out
}

// uniqueName returns name, or name#N with the smallest N >= 1 that is not
// taken yet, so a repeated assertion never overwrites another score.
func uniqueName(taken map[string]bench.Score, name string) string {
	if _, dup := taken[name]; !dup {
		return name
	}
	for i := 1; ; i++ {
		n := fmt.Sprintf("%s#%d", name, i)
		if _, dup := taken[n]; !dup {
			return n
		}
	}
}

// evaluateOne scores one assertion. An evaluator's error leaves the
// assertion unscored with the error as its reason: never a silent 0.
func evaluateOne(ctx context.Context, a bench.Assertion, in *Input) bench.Score {
	base, negate := splitNot(a.Type)
	e, ok := Lookup(base)
	if !ok {
		return bench.Unscored(fmt.Sprintf("unknown assertion type %q", a.Type), "")
	}
	inner := a
	inner.Type = base
	s, err := e.Evaluate(ctx, inner, in)
	if err != nil {
		return bench.Unscored(err.Error(), "")
	}
	if negate {
		s = negated(s)
	}
	return s
}

// compareOne scores one side-by-side assertion over a group.
func compareOne(ctx context.Context, a bench.Assertion, ins []*Input) []bench.Score {
	base, negate := splitNot(a.Type)
	e, _ := Lookup(base)
	c, _ := e.(Comparer)
	inner := a
	inner.Type = base
	scores, err := c.Compare(ctx, inner, ins)
	if err == nil && len(scores) != len(ins) {
		err = fmt.Errorf("%s: %d verdicts for %d answers", base, len(scores), len(ins))
	}
	if err != nil {
		scores = make([]bench.Score, len(ins))
		for i := range scores {
			scores[i] = bench.Unscored(err.Error(), "")
		}
		return scores
	}
	if negate {
		for i := range scores {
			scores[i] = negated(scores[i])
		}
	}
	return scores
}

// negated inverts a verdict; an unscored one stays unscored.
func negated(s bench.Score) bench.Score {
	if s.Unscored {
		return s
	}
	s.Score, s.Pass, s.Reason = 1-s.Score, !s.Pass, "not: "+s.Reason
	return s
}
