package graded

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestMetricReplies(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"faithfulness", "relevance", "coherence"} {
		for _, tc := range []struct {
			name      string
			reply     string
			threshold *float64
			want      want
		}{
			{"full", `{"reason": "all supported", "pass": true, "score": 1}`, nil, want{score: 1, pass: true, reason: "all supported"}},
			{"default threshold reached", `{"pass": false, "score": 0.5}`, nil, want{score: 0.5, pass: true}},
			{"below default threshold", `{"reason": "two claims unsupported", "pass": false, "score": 0.4}`, nil, want{score: 0.4, reason: "score 0.4 is below the threshold 0.5: two claims unsupported"}},
			{"judge's pass does not gate", `{"pass": true, "score": 0.3}`, nil, want{score: 0.3}},
			{"own threshold", `{"pass": true, "score": 0.7}`, ptr(0.8), want{score: 0.7, reason: "below the threshold 0.8"}},
			{"score absent, fail", `{"pass": false}`, nil, want{score: 0}},
			{"score out of range", `{"pass": true, "score": 5}`, nil, want{unscored: true, reason: "outside [0, 1]"}},
			{"pass missing", `{"score": 0.9}`, nil, want{unscored: true, reason: `"pass" is missing`}},
		} {
			t.Run(typ+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				got := evaluate(t, bench.Assertion{Type: typ, Threshold: tc.threshold}, basicInput(), says(tc.reply))
				check(t, got, tc.want, judgeInfo(typ+"/v1", 1))
			})
		}
	}
}

func TestMetricRequests(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ      string
		has      []string
		criteria string // a phrase of the criteria written in the system message
	}{
		{"faithfulness", []string{"<context>\nParis is the capital of France.\n\nIt lies on the Seine.\n</context>", "<output>\n", "<guidance>\nmind Paris\n</guidance>"}, "factual claim"},
		{"relevance", []string{"<prompt>\nWhat is the capital of France?\n</prompt>", "<output>\n", "<guidance>\nmind Paris\n</guidance>"}, "off-topic"},
		{"coherence", []string{"<prompt>\n", "<output>\n", "<guidance>\nmind Paris\n</guidance>"}, "contradict"},
	} {
		j := says(`{"pass": true, "score": 1}`)
		evaluate(t, bench.Assertion{Type: tc.typ, Value: "mind {{city}}"}, basicInput(), j)
		req := j.requests()[0]
		if user := userMessage(t, req); !containsAll(user, tc.has...) {
			t.Errorf("%s request lacks one of %q:\n%s", tc.typ, tc.has, user)
		}
		if sys := systemMessage(t, req); !strings.Contains(sys, tc.criteria) {
			t.Errorf("%s system message does not state its criteria (%q)", tc.typ, tc.criteria)
		}
		j = says(`{"pass": true, "score": 1}`)
		evaluate(t, bench.Assertion{Type: tc.typ}, basicInput(), j)
		if user := userMessage(t, j.requests()[0]); strings.Contains(user, "guidance>") {
			t.Errorf("%s: guidance section without guidance:\n%s", tc.typ, user)
		}
	}
}

func TestMetricMissingInputs(t *testing.T) {
	t.Parallel()
	noContext := basicInput()
	noContext.Case.Context = []string{"  "}
	noPrompt := basicInput()
	noPrompt.Prompt = ""
	j := says()
	check(t, evaluate(t, bench.Assertion{Type: "faithfulness"}, noContext, j), want{unscored: true, reason: "no context"}, nil)
	check(t, evaluate(t, bench.Assertion{Type: "relevance"}, noPrompt, j), want{unscored: true, reason: "no prompt"}, nil)
	if len(j.requests()) != 0 {
		t.Errorf("judge called without the metric's input")
	}
	j = says(`{"pass": true, "score": 1}`)
	in := basicInput()
	in.Prompt = ""
	check(t, evaluate(t, bench.Assertion{Type: "coherence"}, in, j), want{score: 1, pass: true}, judgeInfo("coherence/v1", 1))
}
