package calibrate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// The assertion types used when Options.Type is empty.
const (
	DefaultGradedType   = "llm-rubric"
	DefaultPairwiseType = "pairwise"
)

// The providers a graded item's answer and a pairwise item's two answers
// are attributed to; a pairwise item's second answer is the baseline.
const (
	GradedProvider = "output"
	FirstProvider  = "output_1"
	SecondProvider = "output_2"
)

// Options say how to grade a labelled set.
type Options struct {
	// Type is the assertion type; "" means DefaultGradedType for a
	// graded set and DefaultPairwiseType for a pairwise one.
	Type string
	// Judge is the judge's provider id, set as the assertion's provider;
	// "" is the configured default judge.
	Judge string
	// Rubric is the assertion's value for items without their own.
	Rubric string
	// Concurrency bounds the items graded at once; below 1 means 1.
	Concurrency int
	// MaxCost stops grading once the judges have spent this much, in
	// USD; 0 means no cap.
	MaxCost float64
}

// Judges is where the judge calls go: the judges one item's evaluators
// see, and what every call has cost so far.
type Judges interface {
	For(itemID string) eval.Judges
	Spent() float64
}

// ErrCostLimit is returned by Grade when the judges spent Options.MaxCost.
var ErrCostLimit = errors.New("cost limit reached")

// Grader grades a labelled set with one assertion type and judge.
type Grader struct {
	set     *Set
	o       Options
	asserts []bench.Assertion // one per item
}

// NewGrader checks that the assertion type fits the set (a side-by-side
// type for a pairwise set, any other for a graded one) and that every
// item's assertion is valid, before any call is made.
func NewGrader(set *Set, o Options) (*Grader, error) {
	if o.Type == "" {
		o.Type = DefaultGradedType
		if set.Kind == Pairwise {
			o.Type = DefaultPairwiseType
		}
	}
	base := strings.TrimPrefix(o.Type, "not-")
	if err := noPairwiseRubric(set, o, base); err != nil {
		return nil, err
	}
	if _, ok := eval.Lookup(base); !ok {
		return nil, fmt.Errorf("unknown assertion type %q (known: %s)", o.Type, strings.Join(eval.Types(), ", "))
	}
	switch side := eval.IsComparer(o.Type); {
	case set.Kind == Pairwise && !side:
		return nil, fmt.Errorf("%s grades one answer at a time; a pairwise set needs a type that compares answers, such as %s", o.Type, DefaultPairwiseType)
	case set.Kind == Graded && side:
		return nil, fmt.Errorf("%s compares answers side by side; use it with a pairwise set (output_1, output_2)", o.Type)
	}
	g := &Grader{set: set, o: o, asserts: make([]bench.Assertion, len(set.Items))}
	var first error
	bad := 0
	for i := range set.Items {
		it := &set.Items[i]
		a := bench.Assertion{Type: o.Type, Provider: o.Judge}
		if r := cmp.Or(it.Rubric, o.Rubric); r != "" {
			a.Value = r
		}
		if set.Kind == Pairwise {
			a.Config = map[string]any{"baseline": SecondProvider}
		}
		if err := eval.Validate([]bench.Assertion{a}); err != nil {
			if first == nil {
				first = &LoadError{File: set.File, Line: it.Line, Err: fmt.Errorf("item %s: %w", it.ID, err)}
			}
			bad++
		}
		g.asserts[i] = a
	}
	if bad > 1 {
		return nil, fmt.Errorf("%w (and %d more items)", first, bad-1)
	}
	if first != nil {
		return nil, first
	}
	return g, nil
}

// noPairwiseRubric refuses a rubric for the pairwise type, whose value is
// a fixed baseline answer (here output_2 is the baseline) rather than
// criteria, before its own validation says so in a run's terms.
func noPairwiseRubric(set *Set, o Options, base string) error {
	if set.Kind != Pairwise || base != DefaultPairwiseType {
		return nil
	}
	const why = "%s takes no rubric: its value would be a fixed baseline answer, and here output_2 is the baseline; drop %s (select-best takes criteria)"
	if o.Rubric != "" {
		return fmt.Errorf(why, base, "--rubric")
	}
	for _, it := range set.Items {
		if it.Rubric != "" {
			return &LoadError{File: set.File, Line: it.Line, Err: fmt.Errorf(why, base, "the items' rubric and criteria")}
		}
	}
	return nil
}

// Type is the assertion type the grader uses.
func (g *Grader) Type() string { return g.o.Type }

// Grade asks the judge about every item, at most Options.Concurrency at a
// time, and returns the verdicts in the set's order (a pairwise item's is
// output_1's against the baseline output_2). A verdict the judge could
// not reach is unscored, not an error. The error is ctx's when it ends
// first, or wraps ErrCostLimit: no verdicts are returned with it, as a
// set graded in part measures nothing.
func (g *Grader) Grade(ctx context.Context, j Judges) ([]bench.Score, error) {
	out := make([]bench.Score, len(g.set.Items))
	eg, gctx := errgroup.WithContext(ctx)
	eg.SetLimit(max(1, g.o.Concurrency))
	var done atomic.Int64
	for i := range g.set.Items {
		if gctx.Err() != nil {
			break
		}
		eg.Go(func() error {
			if g.o.MaxCost > 0 && j.Spent() >= g.o.MaxCost {
				return ErrCostLimit
			}
			out[i] = g.one(gctx, i, j.For(g.set.Items[i].ID))
			done.Add(1)
			return nil
		})
	}
	err := eg.Wait()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("grading stopped after %d of %d items: %w", done.Load(), len(out), ctx.Err())
	}
	if err != nil {
		return nil, fmt.Errorf("%w ($%.4f of $%.4f) after %d of %d items", err, j.Spent(), g.o.MaxCost, done.Load(), len(out))
	}
	return out, nil
}

// one grades item i.
func (g *Grader) one(ctx context.Context, i int, judges eval.Judges) bench.Score {
	it := &g.set.Items[i]
	as := g.asserts[i : i+1]
	c := &bench.Case{ID: it.ID, Prompt: it.Input, Expected: it.Expected, Context: it.Context, Assert: as}
	if g.set.Kind == Graded {
		in := &eval.Input{Case: c, Provider: GradedProvider, Prompt: it.Input, Output: it.Output, Judges: judges}
		return eval.ScoreEach(ctx, as, in)[0]
	}
	ins := []*eval.Input{
		{Case: c, Provider: FirstProvider, Prompt: it.Input, Output: it.Output1, Judges: judges},
		{Case: c, Provider: SecondProvider, Prompt: it.Input, Output: it.Output2, Judges: judges},
	}
	parts := []eval.Partial{make(eval.Partial, 1), make(eval.Partial, 1)}
	eval.CompareGroup(ctx, as, ins, parts)
	return parts[0][0]
}
