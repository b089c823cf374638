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
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Input is everything an evaluator may look at for one response.
type Input struct {
	Case         *bench.Case
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

// Judges finds a judge provider by name: a target of the run or a
// vendor:model id. Calls made through it are rate limited, retried, cached
// and costed like the run's own calls, and their cost counts in the run's
// totals and against its budget.
type Judges interface {
	Judge(ctx context.Context, name string) (provider.Provider, error)
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
}

// Check runs every assertion against in. The case score is the weighted mean
// of the assertion scores (weight-0 assertions are recorded but neither
// averaged nor gating). With a threshold the case passes when the score
// reaches it; without one, when every gating assertion passes. A case
// without assertions scores 1 and passes. An assertion that cannot be
// evaluated fails with the error as its reason.
func Check(ctx context.Context, as []bench.Assertion, threshold *float64, in *Input) Outcome {
	out := Outcome{Scores: make(map[string]bench.Score, len(as)), Score: 1, Passed: true}
	var sum, weights float64
	allPass := true
	for _, a := range as {
		s := evaluateOne(ctx, a, in)
		out.Scores[uniqueName(out.Scores, a.Name())] = s
		w := a.EffectiveWeight()
		if w == 0 {
			continue
		}
		sum += w * s.Score
		weights += w
		allPass = allPass && s.Pass
	}
	if weights > 0 {
		out.Score = sum / weights
	}
	if threshold != nil {
		out.Passed = out.Score >= *threshold
	} else {
		out.Passed = allPass
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

func evaluateOne(ctx context.Context, a bench.Assertion, in *Input) bench.Score {
	base, negate := splitNot(a.Type)
	e, ok := Lookup(base)
	if !ok {
		return bench.Score{Reason: fmt.Sprintf("unknown assertion type %q", a.Type)}
	}
	inner := a
	inner.Type = base
	s, err := e.Evaluate(ctx, inner, in)
	if err != nil {
		return bench.Score{Reason: err.Error()}
	}
	if negate {
		s = bench.Score{Score: 1 - s.Score, Pass: !s.Pass, Reason: "not: " + s.Reason}
	}
	return s
}
