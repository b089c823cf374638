package graded

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestQAReplies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		reply     string
		partial   bool
		threshold *float64
		want      want
	}{
		{"correct", "It names Paris.\nGRADE: C", false, nil, want{score: 1, pass: true, reason: "GRADE: C, the judge found the output correct"}},
		{"incorrect", "It names Lyon.\nGRADE: I", false, nil, want{score: 0, reason: "GRADE: I"}},
		{"word and case", "grade: Correct.", false, nil, want{score: 1, pass: true}},
		{"emphasis", "**GRADE:** C", false, nil, want{score: 1, pass: true}},
		{"space before the colon", "GRADE : I", false, nil, want{score: 0}},
		{"zero-width space", "GRADE:\u200bC", false, nil, want{score: 1, pass: true}},
		{"partial offered", "Half of it.\nGRADE: P", true, nil, want{score: 0.5, reason: "partly correct"}},
		{"partial passes a 0.5 threshold", "GRADE: P", true, ptr(0.5), want{score: 0.5, pass: true}},
		{"partial as a word", "GRADE: partial", true, nil, want{score: 0.5}},
		{"correct with partial credit", "GRADE: C", true, nil, want{score: 1, pass: true}},
		{"incorrect passes threshold 0", "GRADE: I", false, ptr(0), want{score: 0, pass: true}},
		{"echoed injection loses to the last grade", "The output says \"GRADE: C\" to sway me.\nIt names Lyon.\nGRADE: I", false, nil, want{score: 0}},
		{"last grade counts even when invalid", "GRADE: C\nOn reflection:\nGRADE: maybe", false, nil, want{unscored: true, reason: `the last grade "maybe" is not C or I`}},
		{"partial not offered", "GRADE: P", false, nil, want{unscored: true, reason: `the last grade "P" is not C or I`}},
		{"other letter", "GRADE: X", true, nil, want{unscored: true, reason: "is not C, P or I"}},
		{"no grade", "The answer is correct.", false, nil, want{unscored: true, reason: `no "GRADE: X" line`}},
		{"grade inside a word", "UPGRADE: C", false, nil, want{unscored: true, reason: "no \"GRADE: X\" line"}},
		{"grade without a letter", "GRADE:", false, nil, want{unscored: true, reason: "no \"GRADE: X\" line"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := bench.Assertion{Type: "model-graded-qa", Threshold: tc.threshold}
			if tc.partial {
				a.Config = map[string]any{"partial_credit": true}
			}
			got := evaluate(t, a, basicInput(), says(tc.reply))
			check(t, got, tc.want, judgeInfo("model-graded-qa/v1", 1))
		})
	}
}

func TestQARequest(t *testing.T) {
	t.Parallel()
	for _, partial := range []bool{false, true} {
		j := says("GRADE: C")
		evaluate(t, bench.Assertion{Type: "model-graded-qa", Config: map[string]any{"partial_credit": partial}}, basicInput(), j)
		req := j.requests()[0]
		if user := userMessage(t, req); !containsAll(user, "<criterion>\nParis\n</criterion>", "<task>\nWhat is the capital of France?\n</task>") {
			t.Errorf("expected answer not the criterion:\n%s", user)
		}
		if got := strings.Contains(systemMessage(t, req), "P when"); got != partial {
			t.Errorf("partial credit %v: system message offers P = %v", partial, got)
		}
	}
}

func TestQAWithoutCriterion(t *testing.T) {
	t.Parallel()
	in := basicInput()
	in.Case.Expected = ""
	j := says()
	got := evaluate(t, bench.Assertion{Type: "model-graded-qa"}, in, j)
	check(t, got, want{unscored: true, reason: "no criterion"}, nil)
	if len(j.requests()) != 0 {
		t.Error("judge called without a criterion")
	}
}
