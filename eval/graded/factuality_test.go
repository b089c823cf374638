package graded

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestFactualityReplies(t *testing.T) {
	t.Parallel()
	autoevals := map[string]any{"A": 0.4, "B": 0.6}
	for _, tc := range []struct {
		name      string
		reply     string
		scoreMap  map[string]any
		threshold *float64
		want      want
	}{
		{"A subset", `{"reason": "partial", "category": "A"}`, nil, nil, want{score: 1, pass: true, reason: "category A, a consistent subset of the reference: partial"}},
		{"B superset", `{"category": "B"}`, nil, nil, want{score: 1, pass: true, reason: "category B"}},
		{"C same", `{"category": "C"}`, nil, nil, want{score: 1, pass: true, reason: "category C"}},
		{"D disagrees", `{"reason": "says Lyon", "category": "D"}`, nil, nil, want{score: 0, reason: "category D, disagrees with the reference: says Lyon"}},
		{"E differs in form", `{"category": "E"}`, nil, nil, want{score: 1, pass: true, reason: "category E"}},
		{"space and case", `{"category": " c "}`, nil, nil, want{score: 1, pass: true, reason: "category C"}},
		{"score map overrides", `{"category": "A"}`, autoevals, nil, want{score: 0.4, pass: true}},
		{"score map keeps the rest", `{"category": "C"}`, autoevals, nil, want{score: 1, pass: true}},
		{"score map with a threshold", `{"category": "B"}`, autoevals, ptr(0.7), want{score: 0.6}},
		{"threshold reached", `{"category": "B"}`, autoevals, ptr(0.6), want{score: 0.6, pass: true}},
		{"zero score fails", `{"category": "E"}`, map[string]any{"E": 0}, nil, want{score: 0}},
		{"unknown category", `{"category": "F"}`, nil, nil, want{unscored: true, reason: `"category" "F" is not one of A, B, C, D and E`}},
		{"category with its option text", `{"category": "(A) subset"}`, nil, nil, want{unscored: true, reason: "is not one of"}},
		{"category missing", `{"reason": "same facts"}`, nil, nil, want{unscored: true, reason: `"category" is missing`}},
		{"category a number", `{"category": 3}`, nil, nil, want{unscored: true, reason: `"category" is a number`}},
		{"legacy letter in parentheses", "(C) The answers match.", nil, nil, want{unscored: true, reason: "no JSON object"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := bench.Assertion{Type: "factuality", Threshold: tc.threshold}
			if tc.scoreMap != nil {
				a.Config = map[string]any{"score_map": tc.scoreMap}
			}
			got := evaluate(t, a, basicInput(), says(tc.reply))
			check(t, got, tc.want, judgeInfo("factuality/v1", 1))
		})
	}
}

func TestFactualityReference(t *testing.T) {
	t.Parallel()
	t.Run("value wins over expected", func(t *testing.T) {
		t.Parallel()
		j := says(`{"category": "C"}`)
		evaluate(t, bench.Assertion{Type: "factuality", Value: "The capital is {{city}}."}, basicInput(), j)
		user := userMessage(t, j.requests()[0])
		if !containsAll(user, "<reference>\nThe capital is Paris.\n</reference>", "<question>\nWhat is the capital of France?\n</question>", "<output>\nThe capital of France is Paris.\n</output>") {
			t.Errorf("request:\n%s", user)
		}
	})
	t.Run("expected stands in", func(t *testing.T) {
		t.Parallel()
		j := says(`{"category": "C"}`)
		evaluate(t, bench.Assertion{Type: "factuality"}, basicInput(), j)
		if user := userMessage(t, j.requests()[0]); !strings.Contains(user, "<reference>\nParis\n</reference>") {
			t.Errorf("expected answer not used as the reference:\n%s", user)
		}
	})
	t.Run("no reference", func(t *testing.T) {
		t.Parallel()
		j := says()
		in := basicInput()
		in.Case.Expected = ""
		got := evaluate(t, bench.Assertion{Type: "factuality", Value: "  "}, in, j)
		check(t, got, want{unscored: true, reason: "no reference"}, nil)
		if n := len(j.requests()); n != 0 {
			t.Errorf("%d judge calls without a reference", n)
		}
	})
	t.Run("no case", func(t *testing.T) {
		t.Parallel()
		in := basicInput()
		in.Case = nil
		got := evaluate(t, bench.Assertion{Type: "factuality"}, in, says())
		check(t, got, want{unscored: true, reason: "no reference"}, nil)
	})
}
