package calibrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// fakeValue reports the assertion's value as its reason and refuses an
// assertion without one, so tests see which rubric each item was given.
const fakeValue = "calibtest-value"

type valueType struct{}

func (valueType) Evaluate(_ context.Context, a bench.Assertion, _ *eval.Input) (bench.Score, error) {
	return bench.Score{Score: 1, Pass: true, Reason: fmt.Sprint(a.Value)}, nil
}

func (valueType) Validate(a bench.Assertion) error {
	if a.Value == nil {
		return errors.New("needs a rubric")
	}
	return nil
}

func init() { eval.Register(fakeValue, valueType{}) }

func mustLoad(t *testing.T, path string) *Set {
	t.Helper()
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func grade(t *testing.T, set *Set, o Options, j *fakeJudges) *Report {
	t.Helper()
	g, err := NewGrader(set, o)
	if err != nil {
		t.Fatal(err)
	}
	v, err := g.Grade(t.Context(), j)
	if err != nil {
		t.Fatal(err)
	}
	return Build(set, v, g.Type(), o.Judge, j.Spent())
}

// TestGradeGradedSet grades the shipped graded set with a judge that
// passes answers containing the expected text: hand-counted, it passes 9
// of the 11 human passes and 2 of the 8 human fails, and cannot grade
// the empty answer.
func TestGradeGradedSet(t *testing.T) {
	t.Parallel()
	j := &fakeJudges{cost: 0.001}
	r := grade(t, mustLoad(t, "testdata/graded.jsonl"), Options{Type: fakeContains, Judge: fakeJudgeID, Concurrency: 3}, j)
	if r.Items != 20 || r.Scored != 19 || r.Unscored != 1 || r.Judge != fakeJudgeID || r.Type != fakeContains {
		t.Fatalf("report %+v", r)
	}
	if diff := cmp.Diff([]Reason{{Reason: "nothing to grade: the answer is empty", Count: 1, FirstItem: "river"}}, r.UnscoredReasons); diff != "" {
		t.Errorf("unscored reasons (-want +got):\n%s", diff)
	}
	b := r.Binary
	if diff := cmp.Diff(Binary{TP: 9, FN: 2, FP: 2, TN: 6}, b.Confusion); diff != "" {
		t.Fatalf("confusion (-want +got):\n%s", diff)
	}
	// statsmodels: cohens_kappa([[9,2],[2,6]]); proportion_confint(method="wilson").
	checkInterval(t, b.Kappa, Interval{0.5681818181818182, 0.19329047404368993, 0.9430731623199465}, 1e-9)
	checkInterval(t, b.Accuracy, Interval{15.0 / 19, 0.5666572155618583, 0.9149232336708375}, 1e-9)
	checkInterval(t, b.Sensitivity, Interval{9.0 / 11, 0.5230194380391557, 0.9486323102539149}, 1e-9)
	checkInterval(t, b.Specificity, Interval{0.75, 0.40927543031016883, 0.9285207872478909}, 1e-9)
	if len(j.items) != 19 {
		t.Errorf("the judge was asked about %d items, want 19 (all but the empty answer)", len(j.items))
	}
	if !near(r.CostUSD, 0.019, 1e-12) {
		t.Errorf("cost %v, want 0.019", r.CostUSD)
	}
}

// TestGradePairwiseSet grades the shipped pairwise set with a judge that
// prefers clearly longer answers and otherwise the one shown first.
func TestGradePairwiseSet(t *testing.T) {
	t.Parallel()
	j := &fakeJudges{}
	r := grade(t, mustLoad(t, "testdata/pairwise.json"), Options{Type: fakeLonger, Judge: fakeJudgeID, Concurrency: 4}, j)
	p := r.Pairwise
	if p == nil || r.Scored != 12 {
		t.Fatalf("report %+v", r)
	}
	if diff := cmp.Diff(Pairs{{2, 2, 2}, {1, 2, 0}, {0, 0, 3}}, p.Confusion); diff != "" {
		t.Fatalf("confusion (-want +got):\n%s", diff)
	}
	checkInterval(t, p.AgreementWithTies, Interval{7.0 / 12, 0.31951131254954973, 0.8067396863412435}, 1e-9)
	checkInterval(t, p.AgreementWithoutTies, Interval{4.0 / 7, 0.2504583645276572, 0.8417801447485302}, 1e-9)
	checkInterval(t, p.Kappa, Interval{0.393939393939394, 0.009638952259576172, 0.7782398356192117}, 1e-9)
	if p.PositionKnown != 12 || !near(p.PositionConsistency.Value, 7.0/12, 1e-12) || p.WithoutTiesItems != 7 {
		t.Errorf("position consistency %+v over %d, %d items without ties", p.PositionConsistency, p.PositionKnown, p.WithoutTiesItems)
	}
	for id, n := range j.items {
		if n != 2 {
			t.Errorf("item %s: %d judge calls, want 2 (both orders)", id, n)
		}
	}
}

// TestGradeNumericLabels ranks the judge's 0/1 scores against human
// scores; scipy.stats.spearmanr gives 0.8781140799175227.
func TestGradeNumericLabels(t *testing.T) {
	t.Parallel()
	r := grade(t, mustLoad(t, "testdata/scores.jsonl"), Options{Type: fakeContains, Judge: fakeJudgeID}, &fakeJudges{})
	if r.Numeric == nil || r.Numeric.Spearman == nil || r.Numeric.Pairs != 8 {
		t.Fatalf("report %+v", r)
	}
	if !near(*r.Numeric.Spearman, 0.8781140799175227, 1e-12) {
		t.Errorf("spearman %v", *r.Numeric.Spearman)
	}
}

// TestGradeRubrics checks that an item's own rubric or criteria wins over
// --rubric, which the other items get.
func TestGradeRubrics(t *testing.T) {
	t.Parallel()
	set := mustLoad(t, "testdata/graded.jsonl")
	g, err := NewGrader(set, Options{Type: fakeValue, Rubric: "The answer is right."})
	if err != nil {
		t.Fatal(err)
	}
	v, err := g.Grade(t.Context(), &fakeJudges{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"capital-au": "The answer names the correct capital city.", "gold": "The answer gives the element's chemical symbol."}
	for i, s := range v {
		id := set.Items[i].ID
		w, ok := want[id]
		if !ok {
			w = "The answer is right."
		}
		if s.Reason != w {
			t.Errorf("item %s got rubric %q, want %q", id, s.Reason, w)
		}
	}
}

func TestNewGraderRefuses(t *testing.T) {
	t.Parallel()
	graded := mustLoad(t, "testdata/graded.jsonl")
	pairwise := mustLoad(t, "testdata/pairwise.json")
	withRubric := mustLoad(t, "testdata/pairwise.json")
	withRubric.Items[0].Rubric = "the more helpful answer"
	for _, tc := range []struct {
		name string
		set  *Set
		o    Options
		want string
	}{
		{"unknown type", graded, Options{Type: "no-such-judge"}, `unknown assertion type "no-such-judge"`},
		{"side-by-side type on a graded set", graded, Options{Type: fakeLonger}, "use it with a pairwise set"},
		{"one-answer type on a pairwise set", pairwise, Options{Type: fakeContains}, "needs a type that compares answers"},
		{"rubric for the pairwise type", pairwise, Options{Rubric: "the more helpful answer"}, "pairwise takes no rubric: its value would be a fixed baseline answer"},
		{"item rubric for the pairwise type", withRubric, Options{}, "testdata/pairwise.json:2: pairwise takes no rubric"},
		{"no rubric for most items", graded, Options{Type: fakeValue}, "testdata/graded.jsonl:2: item hexagon: assert[0] calibtest-value: needs a rubric (and 17 more items)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewGrader(tc.set, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestGradeBoundsConcurrency checks that no more items than asked are
// graded at once, and that every item is graded.
func TestGradeBoundsConcurrency(t *testing.T) {
	t.Parallel()
	j := &fakeJudges{delay: 5 * time.Millisecond}
	r := grade(t, mustLoad(t, "testdata/graded.jsonl"), Options{Type: fakeContains, Judge: fakeJudgeID, Concurrency: 3}, j)
	if j.peak > 3 || j.peak < 2 {
		t.Errorf("peak %d calls at once, want 2–3 with concurrency 3", j.peak)
	}
	if r.Scored != 19 {
		t.Errorf("%d scored", r.Scored)
	}
}

func TestGradeStops(t *testing.T) {
	t.Parallel()
	set := mustLoad(t, "testdata/graded.jsonl")
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		j := &fakeJudges{delay: 20 * time.Millisecond}
		g, _ := NewGrader(set, Options{Type: fakeContains, Judge: fakeJudgeID, Concurrency: 2})
		time.AfterFunc(30*time.Millisecond, cancel)
		v, err := g.Grade(ctx, j)
		if !errors.Is(err, context.Canceled) || v != nil {
			t.Fatalf("got %d verdicts and %v, want none and context.Canceled", len(v), err)
		}
		if len(j.items) >= 19 {
			t.Errorf("the judge was asked about %d items after the cancel", len(j.items))
		}
	})
	t.Run("cost limit", func(t *testing.T) {
		t.Parallel()
		j := &fakeJudges{cost: 0.01}
		g, _ := NewGrader(set, Options{Type: fakeContains, Judge: fakeJudgeID, Concurrency: 1, MaxCost: 0.05})
		v, err := g.Grade(t.Context(), j)
		if !errors.Is(err, ErrCostLimit) || v != nil {
			t.Fatalf("got %d verdicts and %v, want none and ErrCostLimit", len(v), err)
		}
		if calls := len(j.items); calls != 5 {
			t.Errorf("%d judge calls before stopping at $0.05 with $0.01 a call, want 5", calls)
		}
	})
}

// TestGradeJudgeFailuresAreUnscored checks that failed judge calls are
// counted apart, never as agreement or disagreement.
func TestGradeJudgeFailuresAreUnscored(t *testing.T) {
	t.Parallel()
	j := &fakeJudges{fail: map[string]bool{"hexagon": true, "austen": true, "moon": true}}
	r := grade(t, mustLoad(t, "testdata/graded.jsonl"), Options{Type: fakeContains, Judge: fakeJudgeID}, j)
	// hexagon was a false negative, austen a false positive, moon a true negative.
	if diff := cmp.Diff(Binary{TP: 9, FN: 1, FP: 1, TN: 5}, r.Binary.Confusion); diff != "" {
		t.Errorf("confusion (-want +got):\n%s", diff)
	}
	if r.Unscored != 4 || r.Scored != 16 || len(r.UnscoredReasons) != 2 || r.UnscoredReasons[0].Count != 3 {
		t.Errorf("unscored %d, scored %d, reasons %+v", r.Unscored, r.Scored, r.UnscoredReasons)
	}
}
