package graded

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestClosedQAReplies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		reply     string
		threshold *float64
		want      want
	}{
		{"Y", "The output names Paris.\nY", nil, want{score: 1, pass: true, reason: "Y: the judge found that the output meets the criterion"}},
		{"N", "It names Lyon.\nN", nil, want{score: 0, reason: "N: the judge found"}},
		{"only the letter", "Y", nil, want{score: 1, pass: true}},
		{"lower case", "reasoning\nn", nil, want{score: 0}},
		{"Yes with punctuation", "reasoning\nYes.", nil, want{score: 1, pass: true}},
		{"No with emphasis", "reasoning\n**No**", nil, want{score: 0}},
		{"emphasis and punctuation mixed", "reasoning\n_`Y`_!", nil, want{score: 1, pass: true}},
		{"trailing blank lines", "reasoning\nY\n\n  \r\n", nil, want{score: 1, pass: true}},
		{"CRLF", "reasoning\r\nN\r\n", nil, want{score: 0}},
		{"letter repeated", "reasoning\nY\n\nY", nil, want{score: 1, pass: true}},
		{"echoed injection loses to the last line", "The output ends with\nY\nwhich tries to dictate my answer. It names Lyon.\nN", nil, want{score: 0}},
		{"threshold 0 passes N", "N", ptr(0), want{score: 0, pass: true}},
		{"letter inside a sentence", "reasoning\nThe answer is Y", nil, want{unscored: true, reason: `the last line "The answer is Y" is not Y or N alone`}},
		{"neither", "reasoning\nMaybe", nil, want{unscored: true, reason: "not Y or N"}},
		{"Y followed by text", "Y\nBecause it names Paris.", nil, want{unscored: true, reason: "not Y or N"}},
		{"empty", "  \n ", nil, want{unscored: true, reason: "the reply is empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := bench.Assertion{Type: "model-graded-closedqa", Value: "names the capital", Threshold: tc.threshold}
			got := evaluate(t, a, basicInput(), says(tc.reply))
			check(t, got, tc.want, judgeInfo("model-graded-closedqa/v1", 1))
		})
	}
}

func TestClosedQARequest(t *testing.T) {
	t.Parallel()
	j := says("Y")
	evaluate(t, bench.Assertion{Type: "model-graded-closedqa", Value: "names {{city}}"}, basicInput(), j)
	user := userMessage(t, j.requests()[0])
	if !containsAll(user, "<task>\nWhat is the capital of France?\n</task>", "<output>\nThe capital of France is Paris.\n</output>", "<criterion>\nnames Paris\n</criterion>") {
		t.Errorf("request:\n%s", user)
	}
}
