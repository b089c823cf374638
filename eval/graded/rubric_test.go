package graded

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestRubricReplies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		reply     string
		threshold *float64
		want      want
	}{
		{"pass with score", `{"reason": "greets the user", "pass": true, "score": 0.9}`, nil, want{score: 0.9, pass: true, reason: "greets the user"}},
		{"fail with score", `{"reason": "no greeting", "pass": false, "score": 0.1}`, nil, want{score: 0.1, reason: "no greeting"}},
		{"pass without score is 1", `{"reason": "ok", "pass": true}`, nil, want{score: 1, pass: true, reason: "ok"}},
		{"fail without score is 0", `{"pass": false}`, nil, want{score: 0, reason: "the judge gave no reason"}},
		{"judge's pass stands without a threshold", `{"pass": true, "score": 0.2}`, nil, want{score: 0.2, pass: true}},
		{"preamble and code fence", "Here is my grade:\n```json\n{\"reason\": \"fine\", \"pass\": true, \"score\": 1}\n```", nil, want{score: 1, pass: true, reason: "fine"}},
		{"first object wins", `{"pass": false, "score": 0} {"pass": true, "score": 1}`, nil, want{score: 0}},
		{"threshold reached", `{"pass": true, "score": 0.8}`, ptr(0.8), want{score: 0.8, pass: true}},
		{"below threshold fails", `{"reason": "mostly", "pass": true, "score": 0.7}`, ptr(0.8), want{score: 0.7, reason: "score 0.7 is below the threshold 0.8: mostly"}},
		{"threshold does not overturn a fail", `{"pass": false, "score": 0.9}`, ptr(0.5), want{score: 0.9}},
		{"pass as a string", `{"pass": "true", "score": 1}`, nil, want{unscored: true, reason: `"pass" is a string, want the JSON boolean`}},
		{"pass as a number", `{"pass": 1}`, nil, want{unscored: true, reason: `"pass" is a number`}},
		{"pass null", `{"pass": null, "score": 1}`, nil, want{unscored: true, reason: `"pass" is null`}},
		{"pass missing", `{"reason": "good", "score": 1}`, nil, want{unscored: true, reason: `"pass" is missing`}},
		{"pass key in another case", `{"Pass": true}`, nil, want{unscored: true, reason: `"pass" is missing`}},
		{"score as a string", `{"pass": true, "score": "0.8"}`, nil, want{unscored: true, reason: `"score" is a string, want a finite number`}},
		{"score null", `{"pass": true, "score": null}`, nil, want{unscored: true, reason: `"score" is null`}},
		{"score above 1", `{"pass": true, "score": 1.5}`, nil, want{unscored: true, reason: `"score" 1.5 is outside [0, 1]`}},
		{"score below 0", `{"pass": false, "score": -0.1}`, nil, want{unscored: true, reason: "outside [0, 1]"}},
		{"score on a 10 scale", `{"pass": true, "score": 8}`, nil, want{unscored: true, reason: `"score" 8 is outside`}},
		{"score overflows", `{"pass": true, "score": 1e400}`, nil, want{unscored: true, reason: `"score"`}},
		{"reason not a string", `{"pass": true, "score": 1, "reason": ["a"]}`, nil, want{unscored: true, reason: `"reason" is a list`}},
		{"no JSON", "PASS: the output greets the user", nil, want{unscored: true, reason: "no JSON object"}},
		{"broken JSON", `{"pass": true, "score": 1`, nil, want{unscored: true, reason: "no JSON object"}},
		{"empty reply", "", nil, want{unscored: true, reason: "no JSON object"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := bench.Assertion{Type: "llm-rubric", Value: "greets the user", Threshold: tc.threshold}
			got := evaluate(t, a, basicInput(), says(tc.reply))
			check(t, got, tc.want, judgeInfo("llm-rubric/v1", 1))
			if tc.want.unscored && got.Raw != tc.reply {
				t.Errorf("raw = %q, want the reply %q", got.Raw, tc.reply)
			}
		})
	}
}

func TestRubricRequest(t *testing.T) {
	t.Parallel()
	j := says(`{"pass": true, "score": 1}`)
	a := bench.Assertion{Type: "llm-rubric", Value: "names {{city}}", Config: map[string]any{"max_tokens": int64(300)}}
	evaluate(t, a, basicInput(), j)
	reqs := j.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d calls, want 1", len(reqs))
	}
	req := reqs[0]
	if req.Sampling.Temperature == nil || *req.Sampling.Temperature != 0 {
		t.Errorf("temperature = %v, want 0", req.Sampling.Temperature)
	}
	if req.Sampling.MaxTokens == nil || *req.Sampling.MaxTokens != 300 {
		t.Errorf("max tokens = %v, want config.max_tokens 300 (an int64, as suites decode it)", req.Sampling.MaxTokens)
	}
	if req.Sampling.Logprobs || req.Sampling.TopLogprobs != 0 {
		t.Errorf("llm-rubric asked for log probabilities: %+v", req.Sampling)
	}
	wantUser := "<prompt>\nWhat is the capital of France?\n</prompt>\n\n<output>\nThe capital of France is Paris.\n</output>\n\n<rubric>\nnames Paris\n</rubric>"
	if diff := cmp.Diff(wantUser, userMessage(t, req)); diff != "" {
		t.Errorf("user message (-want +got):\n%s", diff)
	}
	if sys := systemMessage(t, req); !containsAll(sys, "never an instruction", `"pass"`, `"score"`) {
		t.Errorf("system message lacks the data rule or the reply contract:\n%s", sys)
	}
	if j.names[0] != "grader" {
		t.Errorf("judge asked for %q, want the assertion's provider", j.names[0])
	}
}

func TestRubricWithoutPromptLeavesItOut(t *testing.T) {
	t.Parallel()
	j := says(`{"pass": true}`)
	in := basicInput()
	in.Prompt = ""
	evaluate(t, bench.Assertion{Type: "llm-rubric", Value: "x"}, in, j)
	if user := userMessage(t, j.requests()[0]); containsAny(user, "<prompt>", "</prompt>") {
		t.Errorf("empty prompt still rendered:\n%s", user)
	}
}
