package eval_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func set(threshold, weight *float64, metric string, members ...bench.Assertion) bench.Assertion {
	return bench.Assertion{Type: eval.SetType, Threshold: threshold, Weight: weight, Metric: metric, Assert: members}
}

func weighted(a bench.Assertion, w float64) bench.Assertion {
	a.Weight = &w
	return a
}

// TestAssertSet follows promptfoo's runAssertions: a set's members make
// an AssertionsResult of their own (weighted mean, the set's threshold or
// all must pass), added to the case's result with the set's weight and
// metric.
func TestAssertSet(t *testing.T) {
	for _, c := range []struct {
		name      string
		as        []bench.Assertion
		threshold *float64
		setName   string
		setScore  float64
		setPass   bool
		caseScore float64
		casePass  bool
	}{
		{
			name:    "all members pass",
			as:      []bench.Assertion{set(nil, nil, "", sc(1), sc(0.8))},
			setName: "assert-set", setScore: 0.9, setPass: true, caseScore: 0.9, casePass: true,
		},
		{
			name:    "a failing member fails a set without threshold",
			as:      []bench.Assertion{set(nil, nil, "", sc(1), sc(0.2))},
			setName: "assert-set", setScore: 0.6, caseScore: 0.6,
		},
		{
			name:    "the set's threshold overrides its members' verdicts",
			as:      []bench.Assertion{set(ptr(0.5), nil, "grouped", sc(1), sc(0.2))},
			setName: "grouped", setScore: 0.6, setPass: true, caseScore: 0.6, casePass: true,
		},
		{
			name:    "members' weights inside, the set's weight outside",
			as:      []bench.Assertion{set(ptr(0.1), ptr(3), "", weighted(sc(1), 3), sc(0)), sc(0.6)},
			setName: "assert-set", setScore: 0.75, setPass: true, caseScore: (3*0.75 + 0.6) / 4, casePass: true,
		},
		{
			name:    "a set below its threshold fails the case without one",
			as:      []bench.Assertion{set(ptr(0.9), nil, "", sc(1), sc(0.6)), sc(1)},
			setName: "assert-set", setScore: 0.8, caseScore: 0.9,
		},
		{
			name:      "the case's threshold reads the set's score",
			as:        []bench.Assertion{set(ptr(0.9), nil, "", sc(1), sc(0.6)), sc(1)},
			threshold: ptr(0.85),
			setName:   "assert-set", setScore: 0.8, caseScore: 0.9, casePass: true,
		},
		{
			name:    "weight 0 set records without gating",
			as:      []bench.Assertion{set(nil, ptr(0), "", sc(0)), sc(1)},
			setName: "assert-set", caseScore: 1, casePass: true,
		},
		{
			name:    "negated members",
			as:      []bench.Assertion{set(nil, nil, "", bench.Assertion{Type: "not-fake-score", Value: 0.25})},
			setName: "assert-set", setScore: 0.75, setPass: true, caseScore: 0.75, casePass: true,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := eval.Validate(c.as); err != nil {
				t.Fatal(err)
			}
			o := eval.Check(context.Background(), c.as, c.threshold, &eval.Input{Output: "x"})
			s := o.Scores[c.setName]
			if math.Abs(s.Score-c.setScore) > 1e-9 || s.Pass != c.setPass || s.Unscored {
				t.Fatalf("set %+v, want score %v pass %v", s, c.setScore, c.setPass)
			}
			if math.Abs(o.Score-c.caseScore) > 1e-9 || o.Passed != c.casePass {
				t.Fatalf("case %v %v, want %v %v", o.Score, o.Passed, c.caseScore, c.casePass)
			}
		})
	}
}

func TestAssertSetMemberWithoutVerdict(t *testing.T) {
	as := []bench.Assertion{set(ptr(0), nil, "", sc(1), bench.Assertion{Type: "fake-unscored"}), sc(1)}
	o := eval.Check(context.Background(), as, ptr(0), &eval.Input{})
	s := o.Scores["assert-set"]
	if !s.Unscored || o.Passed || !strings.Contains(s.Reason, "judge reply unreadable") {
		t.Fatalf("%+v, case %v: want the set unscored and the case failed", s, o.Passed)
	}
}

func TestAssertSetReasonListsMembers(t *testing.T) {
	o := eval.Check(context.Background(), []bench.Assertion{set(nil, nil, "", sc(1), sc(1), sc(0))}, nil, &eval.Input{})
	want := "fake-score pass (fake fake-score); fake-score#1 pass (fake fake-score); fake-score#2 fail (fake fake-score)"
	if got := o.Scores["assert-set"].Reason; got != want {
		t.Fatalf("reason %q, want %q", got, want)
	}
}

func TestAssertSetValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		a    bench.Assertion
		want string
	}{
		{"empty", set(nil, nil, ""), "assert must list"},
		{"nested", set(nil, nil, "", set(nil, nil, "", sc(1))), "cannot hold another"},
		{"side by side", set(nil, nil, "", bench.Assertion{Type: "fake-longest"}), "side-by-side"},
		{"negated", bench.Assertion{Type: "not-assert-set", Assert: []bench.Assertion{sc(1)}}, "cannot be negated"},
		{"value", bench.Assertion{Type: "assert-set", Value: "x", Assert: []bench.Assertion{sc(1)}}, "takes no value"},
		{"member problem", set(nil, nil, "", bench.Assertion{Type: "fake-strict"}), "value is required"},
		{"unknown member", set(nil, nil, "", bench.Assertion{Type: "nope"}), `unknown type "nope"`},
		{"threshold", set(ptr(2), nil, "", sc(1)), "between 0 and 1"},
		{"assert on another type", bench.Assertion{Type: "fake-score", Assert: []bench.Assertion{sc(1)}}, "only an assert-set holds assert"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := eval.Validate([]bench.Assertion{c.a})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate = %v, want %q", err, c.want)
			}
		})
	}
}

func TestAssertSetModels(t *testing.T) {
	judgedSet := []bench.Assertion{set(nil, nil, "", sc(1), bench.Assertion{Type: "fake-judged"}, bench.Assertion{Type: "fake-judged"})}
	if !eval.NeedsModels(judgedSet) {
		t.Fatal("a set with a judged member needs models")
	}
	if eval.NeedsModels([]bench.Assertion{set(nil, nil, "", sc(1))}) {
		t.Fatal("a set of plain members needs none")
	}
	if got := eval.EstimateOf(judgedSet[0]); got.Calls != 4 || got.Embeds != 2 {
		t.Fatalf("estimate %+v, want the members' calls added up", got)
	}
}
