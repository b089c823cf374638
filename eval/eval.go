// Package eval defines the Evaluator contract, the registry of assertion
// types, and Check, which scores one response against a case's assertions
// (the README's "Assertions"): weighted mean, per-case threshold, "not-" negation and
// weight-0 metrics that record without gating.
package eval

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

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
	// ToolCalls are the calls the model made (the case's Tools say what it
	// was offered).
	ToolCalls []bench.ToolCall
	// Judges gives model-graded evaluators a provider by name, behind the
	// run's call policy; nil when the run offers none.
	Judges Judges
	// Verdicts are this answer's verdicts on the case's other assertions,
	// in order; set only for side-by-side types (Comparer), which are
	// scored once those are in (max-score ranks answers by them).
	Verdicts []Verdict
}

// Verdict is one assertion's verdict on an answer.
type Verdict struct {
	Assertion bench.Assertion
	Score     bench.Score
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

// Negater is implemented by evaluators whose "not-" verdict is not the
// mirror image of their own (is-refusal: an empty output passes with score
// 0, and its negation fails with score 0, as promptfoo scores them).
type Negater interface {
	Negate(s bench.Score) bench.Score
}

// Inverter is implemented by evaluators that score their own "not-" form,
// when the negated verdict depends on more than the Score shows
// (javascript: promptfoo flips only the verdict of a returned number and
// keeps its score, but flips a returned boolean's score too). Check calls
// EvaluateNot instead of Evaluate for "not-<type>", and negates nothing.
type Inverter interface {
	EvaluateNot(ctx context.Context, a bench.Assertion, in *Input) (bench.Score, error)
}

// Func adapts a function to Evaluator.
type Func func(ctx context.Context, a bench.Assertion, in *Input) (bench.Score, error)

// Evaluate calls f.
func (f Func) Evaluate(ctx context.Context, a bench.Assertion, in *Input) (bench.Score, error) {
	return f(ctx, a, in)
}

// The registry is written at init and read for every answer: readers
// load an immutable snapshot without locking; Register copies it.
var (
	mu       sync.Mutex // serialises Register
	registry atomic.Pointer[map[string]entry]
)

// entry is a registered type with what the engine asks of it per answer.
type entry struct {
	e        Evaluator
	uses     Uses
	comparer bool
}

func init() {
	registry.Store(&map[string]entry{})
	Register(SetType, assertSet{})
}

// Register adds an assertion type; it panics on a duplicate, as a programming error.
func Register(typ string, e Evaluator) {
	mu.Lock()
	defer mu.Unlock()
	old := *registry.Load()
	if _, dup := old[typ]; dup {
		panic("eval: assertion type registered twice: " + typ)
	}
	next := make(map[string]entry, len(old)+1)
	maps.Copy(next, old)
	en := entry{e: e}
	if m, ok := e.(ModelUser); ok {
		en.uses = m.Uses()
	}
	_, en.comparer = e.(Comparer)
	next[typ] = en
	registry.Store(&next)
}

// lookup returns the entry of a type, without its "not-" prefix.
func lookup(typ string) (entry, bool) {
	en, ok := (*registry.Load())[typ]
	return en, ok
}

// Lookup returns the evaluator for a type, without its "not-" prefix.
func Lookup(typ string) (Evaluator, bool) {
	en, ok := lookup(typ)
	return en.e, ok
}

// Types lists the registered assertion types, sorted.
func Types() []string {
	return slices.Sorted(maps.Keys(*registry.Load()))
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
		if len(a.Assert) > 0 && base != SetType {
			problems = append(problems, fmt.Sprintf("assert[%d] %s: only an assert-set holds assert", i, a.Type))
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
	if HasComparer(as) {
		p := ScoreEach(ctx, as, in)
		CompareGroup(ctx, as, []*Input{in}, []Partial{p})
		return Combine(as, threshold, p)
	}
	batched := scoreBatches(ctx, as, in)
	return combine(as, threshold, func(i int, a bench.Assertion) bench.Score {
		if s, ok := batched[i]; ok {
			return s
		}
		base, negate := splitNot(a.Type)
		en, ok := lookup(base)
		return evaluateOne(ctx, a, base, negate, en.e, ok, in)
	})
}

// Partial holds one answer's verdicts by assertion position, before they
// are combined into the case's.
type Partial []bench.Score

// ScoreEach scores in against every assertion except the side-by-side
// ones (Comparer), which CompareGroup scores once every answer is in.
func ScoreEach(ctx context.Context, as []bench.Assertion, in *Input) Partial {
	p := make(Partial, len(as))
	batched := scoreBatches(ctx, as, in)
	for i, a := range as {
		if s, ok := batched[i]; ok {
			p[i] = s
			continue
		}
		base, negate := splitNot(a.Type)
		en, ok := lookup(base)
		if !en.comparer {
			p[i] = evaluateOne(ctx, a, base, negate, en.e, ok, in)
		}
	}
	return p
}

// CompareGroup scores the side-by-side assertions over a group of answers
// to one case (one input and one Partial per answer, in the same order).
// Each comparer sees copies of the inputs carrying the answers' verdicts
// on the other assertions.
func CompareGroup(ctx context.Context, as []bench.Assertion, ins []*Input, parts []Partial) {
	var withVerdicts []*Input
	for i, a := range as {
		if !IsComparer(a.Type) {
			continue
		}
		if withVerdicts == nil {
			withVerdicts = verdictsOf(as, ins, parts)
		}
		for k, s := range compareOne(ctx, a, withVerdicts) {
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
	return combine(as, threshold, func(i int, _ bench.Assertion) bench.Score { return p[i] })
}

// combine is Combine over the verdicts score gives, in assertion order.
func combine(as []bench.Assertion, threshold *float64, score func(int, bench.Assertion) bench.Score) Outcome {
	out := Outcome{Scores: make(map[string]bench.Score, len(as)), Score: 1, Passed: true}
	var sum, weights float64
	allPass := true
	for i, a := range as {
		s := score(i, a)
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
func evaluateOne(ctx context.Context, a bench.Assertion, base string, negate bool, e Evaluator, ok bool, in *Input) bench.Score {
	if !ok {
		return bench.Unscored(fmt.Sprintf("unknown assertion type %q", a.Type), "")
	}
	inner := a
	inner.Type = base
	if inv, ok := e.(Inverter); ok && negate {
		s, err := inv.EvaluateNot(ctx, inner, in)
		if err != nil {
			return bench.Unscored(err.Error(), "")
		}
		return s
	}
	s, err := e.Evaluate(ctx, inner, in)
	if err != nil {
		return bench.Unscored(err.Error(), "")
	}
	if negate {
		return negateIf(a.Type, e, s)
	}
	return s
}

// verdictsOf copies the inputs with their answers' verdicts on the
// assertions that are not side by side.
func verdictsOf(as []bench.Assertion, ins []*Input, parts []Partial) []*Input {
	out := make([]*Input, len(ins))
	for k, in := range ins {
		cp := *in
		cp.Verdicts = nil
		for i, a := range as {
			if !IsComparer(a.Type) {
				cp.Verdicts = append(cp.Verdicts, Verdict{Assertion: a, Score: parts[k][i]})
			}
		}
		out[k] = &cp
	}
	return out
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
