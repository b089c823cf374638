package graded

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// tok is a generated token with its alternatives, probabilities as given.
func tok(text string, alts ...any) provider.TokenLogprobs {
	t := provider.TokenLogprobs{Token: text}
	for i := 0; i < len(alts); i += 2 {
		t.Top = append(t.Top, provider.TokenLogprob{Token: alts[i].(string), Logprob: math.Log(alts[i+1].(float64))})
	}
	return t
}

// ratingTokens are the tokens of `{"reason": " 7 ...", "score": 7}` with
// the alternatives at the final rating token given; the rating also
// appears earlier, in the reason, with other alternatives.
func ratingTokens(alts ...any) []provider.TokenLogprobs {
	return []provider.TokenLogprobs{
		tok(`{"`), tok("reason"), tok(`": "`),
		tok(" 7", "7", 0.9, "3", 0.1), // the rating quoted in the reason: not the one to weigh
		tok(` points`), tok(`", "`), tok("score"), tok(`": `),
		tok("7", alts...),
		tok("}"),
	}
}

func TestGEvalWeighting(t *testing.T) {
	t.Parallel()
	const reply = `{"reason": " 7 points", "score": 7}`
	for _, tc := range []struct {
		name string
		top  []provider.TokenLogprobs
		want want
	}{
		{
			// Kept: 7 (0.6), 8 (0.25), 6 (0.1), " 7" (0.02); dropped: "x" (not
			// a number), 5 (below 1%), 11 (above 10).
			// (7·0.6 + 8·0.25 + 6·0.1 + 7·0.02) / (0.6+0.25+0.1+0.02) = 6.94/0.97.
			name: "hand computed",
			top:  ratingTokens("7", 0.6, "8", 0.25, "6", 0.1, " 7", 0.02, "x", 0.02, "5", 0.005, "11", 0.02),
			want: want{score: 6.94 / 0.97 / 10, pass: true, reason: "probability-weighted rating 7.155"},
		},
		{
			name: "weighting can fail a rating that would pass",
			top:  ratingTokens("7", 0.5, "6", 0.5),
			want: want{score: 0.65, reason: "score 0.65 is below the threshold 0.7"},
		},
		{
			name: "no log probabilities",
			want: want{score: 0.7, pass: true, reason: "not probability-weighted"},
		},
		{
			name: "no token is the rating",
			top:  []provider.TokenLogprobs{tok(`{"score": `, "7", 0.5, "1", 0.5), tok("}")},
			want: want{score: 0.7, pass: true, reason: "not probability-weighted"},
		},
		{
			name: "no alternative survives",
			top:  ratingTokens("seven", 0.9, "4", 0.009, "12", 0.05),
			want: want{score: 0.7, pass: true, reason: "not probability-weighted"},
		},
		{
			name: "alternatives without the rating itself",
			top:  ratingTokens("10", 0.5, "9", 0.5),
			want: want{score: 0.95, pass: true, reason: "probability-weighted rating 9.5"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := &fakeJudges{ReplyFn: script(fakeReply{Text: steps}, fakeReply{Text: reply, Top: tc.top})}
			got := evaluate(t, bench.Assertion{Type: "g-eval", Value: "clear"}, basicInput(), j)
			check(t, got, tc.want, judgeInfo("g-eval/v1", 2))
		})
	}
}

func TestGEvalCalls(t *testing.T) {
	t.Parallel()
	j := says(steps, `{"reason": "fine", "score": 8}`)
	in := basicInput()
	evaluate(t, bench.Assertion{Type: "g-eval", Value: "names the capital of {{city}}'s country"}, in, j)
	reqs := j.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d calls, want steps then rating", len(reqs))
	}
	if s := reqs[0].Sampling; s.Logprobs || s.TopLogprobs != 0 {
		t.Errorf("steps call asked for log probabilities: %+v", s)
	}
	if s := reqs[1].Sampling; !s.Logprobs || s.TopLogprobs != 20 {
		t.Errorf("rating call sampling %+v, want the top 20 log probabilities", s)
	}
	if diff := cmp.Diff("<criteria>\nnames the capital of Paris's country\n</criteria>", userMessage(t, reqs[0])); diff != "" {
		t.Errorf("steps request (-want +got):\n%s", diff)
	}
	user := userMessage(t, reqs[1])
	for _, part := range []string{
		"<steps>\n1. Check the capital named.\n2. Check nothing contradicts it.\n3. Rate accordingly.\n</steps>",
		"<prompt>\nWhat is the capital of France?\n</prompt>",
		"<expected>\nParis\n</expected>",
		"<context>\nParis is the capital of France.\n\nIt lies on the Seine.\n</context>",
		"<output>\nThe capital of France is Paris.\n</output>",
	} {
		if !strings.Contains(user, part) {
			t.Errorf("rating request lacks %q:\n%s", part, user)
		}
	}
}

func TestGEvalGivenSteps(t *testing.T) {
	t.Parallel()
	j := says(`{"reason": "fine", "score": 9}`)
	a := bench.Assertion{Type: "g-eval", Value: "clear", Config: map[string]any{"steps": []any{"Read it.", "Rate it."}}}
	got := evaluate(t, a, basicInput(), j)
	check(t, got, want{score: 0.9, pass: true, reason: "rated 9/10"}, judgeInfo("g-eval/v1", 1))
	if user := userMessage(t, j.requests()[0]); !strings.Contains(user, "<steps>\n1. Read it.\n2. Rate it.\n</steps>") {
		t.Errorf("given steps not in the rating request:\n%s", user)
	}
}

func TestGEvalReplies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		steps, rating string
		threshold     *float64
		calls         int
		want          want
	}{
		{"ten", steps, `{"reason": "perfect", "score": 10}`, nil, 2, want{score: 1, pass: true, reason: "rated 10/10"}},
		{"zero", steps, `{"score": 0}`, nil, 2, want{score: 0, reason: "the judge gave no reason"}},
		{"whole number written as a float", steps, `{"score": 7.0}`, nil, 2, want{score: 0.7, pass: true}},
		{"own threshold", steps, `{"score": 6}`, ptr(0.6), 2, want{score: 0.6, pass: true}},
		{"one step", `{"steps": ["Rate it."]}`, `{"score": 8}`, nil, 2, want{score: 0.8, pass: true}},
		{"steps missing", `{"plan": ["a"]}`, "", nil, 1, want{unscored: true, reason: `evaluation steps: "steps" is missing`}},
		{"no steps", `{"steps": []}`, "", nil, 1, want{unscored: true, reason: `"steps" has 0 steps, want 1 to 10`}},
		{"eleven steps", `{"steps": ["1","2","3","4","5","6","7","8","9","10","11"]}`, "", nil, 1, want{unscored: true, reason: "has 11 steps"}},
		{"blank step", `{"steps": ["Read it.", "  "]}`, "", nil, 1, want{unscored: true, reason: "step 2 is blank"}},
		{"null step", `{"steps": ["Read it.", null]}`, "", nil, 1, want{unscored: true, reason: "step 2 is blank"}},
		{"step not a string", `{"steps": ["Read it.", 2]}`, "", nil, 1, want{unscored: true, reason: "an item that is not a string"}},
		{"steps a string", `{"steps": "Read it."}`, "", nil, 1, want{unscored: true, reason: `"steps" is a string`}},
		{"steps not JSON", "1. Read it.\n2. Rate it.", "", nil, 1, want{unscored: true, reason: "no JSON object"}},
		{"rating not whole", steps, `{"score": 7.5}`, nil, 2, want{unscored: true, reason: `"score" 7.5 is not a whole number`}},
		{"rating above 10", steps, `{"score": 11}`, nil, 2, want{unscored: true, reason: `"score" 11 is outside 0 to 10`}},
		{"rating below 0", steps, `{"score": -1}`, nil, 2, want{unscored: true, reason: "outside 0 to 10"}},
		{"rating as a string", steps, `{"score": "7"}`, nil, 2, want{unscored: true, reason: `"score" is a string`}},
		{"rating missing", steps, `{"reason": "good"}`, nil, 2, want{unscored: true, reason: `"score" is missing`}},
		{"rating on 0-1", steps, `{"score": 0.7}`, nil, 2, want{unscored: true, reason: "not a whole number"}},
		{"rating reason not a string", steps, `{"score": 7, "reason": 7}`, nil, 2, want{unscored: true, reason: `"reason" is a number`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := evaluate(t, bench.Assertion{Type: "g-eval", Value: "clear", Threshold: tc.threshold}, basicInput(), says(tc.steps, tc.rating))
			check(t, got, tc.want, judgeInfo("g-eval/v1", tc.calls))
		})
	}
}

func TestGEvalCriteriaList(t *testing.T) {
	t.Parallel()
	a := bench.Assertion{Type: "g-eval", Value: []any{"accurate", "concise"}}
	t.Run("mean over criteria", func(t *testing.T) {
		t.Parallel()
		got := evaluate(t, a, basicInput(), says(steps, `{"score": 9, "reason": "right"}`, steps, `{"score": 6, "reason": "wordy"}`))
		check(t, got, want{score: 0.75, pass: true, reason: "mean of 2 criteria 0.75; [1] rated 9/10"}, judgeInfo("g-eval/v1", 4))
		if !strings.Contains(got.Reason, "[2] rated 6/10") {
			t.Errorf("reason %q lacks the second criterion", got.Reason)
		}
	})
	t.Run("mean below threshold", func(t *testing.T) {
		t.Parallel()
		got := evaluate(t, a, basicInput(), says(steps, `{"score": 8}`, steps, `{"score": 5}`))
		check(t, got, want{score: 0.65, reason: "below the threshold 0.7"}, judgeInfo("g-eval/v1", 4))
	})
	t.Run("one criterion without a verdict leaves all unscored", func(t *testing.T) {
		t.Parallel()
		got := evaluate(t, a, basicInput(), says(steps, `{"score": 9}`, steps, `{"score": "high"}`))
		check(t, got, want{unscored: true, reason: "criterion 2: unreadable judge reply"}, judgeInfo("g-eval/v1", 4))
		if got.Raw != `{"score": "high"}` {
			t.Errorf("raw = %q, want the failing reply", got.Raw)
		}
	})
}
