package lmeval

import (
	"math"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

func TestExactMatchVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("exact_match")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			var o MatchOptions
			c.Option("regexes_to_ignore", &o.RegexesToIgnore)
			c.Option("ignore_case", &o.IgnoreCase)
			c.Option("ignore_punctuation", &o.IgnorePunctuation)
			c.Option("ignore_numbers", &o.IgnoreNumbers)
			m, err := NewMatcher(o)
			if err != nil {
				t.Fatal(err)
			}
			var preds, refs []string
			var want float64
			c.Field("predictions", &preds)
			c.Field("references", &refs)
			c.Expect("exact_match_rounded_2dp", &want)
			got, err := m.ExactMatch(preds, refs)
			if err != nil || !refvec.Close(got, want, 0.005) {
				t.Errorf("ExactMatch = %v, %v; want %v (2 dp)", got, err, want)
			}
		})
	}
}

func TestMultipleChoiceVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("acc_multiple_choice")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			var choices []string
			var gold int
			var cond, uncond []float64
			c.Option("choices", &choices)
			c.Option("gold", &gold)
			c.Field("loglikelihoods_conditional", &cond)
			if c.Has("loglikelihoods_unconditional") {
				c.Field("loglikelihoods_unconditional", &uncond)
			}
			got, err := MultipleChoice(cond, choices, gold, uncond)
			if err != nil {
				t.Fatal(err)
			}
			fields := map[string]float64{"acc": got.Acc, "acc_norm": got.AccNorm, "acc_bytes": got.AccBytes,
				"acc_mutual_info": got.AccMutualInfo, "pred": float64(got.Pred),
				"pred_norm": float64(got.PredNorm), "pred_bytes": float64(got.PredBytes)}
			n := 0
			for k, g := range fields {
				var want float64
				if ok, _ := c.Expect(k, &want); ok {
					n++
					if g != want {
						t.Errorf("%s = %v, want %v", k, g, want)
					}
				}
			}
			if n == 0 {
				t.Fatal("nothing checked")
			}
		})
	}
}

func TestMatcherDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		o          MatchOptions
		pred, ref  string
		want       bool
		wantErrNew bool
	}{
		{name: "plain", pred: "Paris", ref: "Paris", want: true},
		{name: "case kept", pred: "paris", ref: "Paris"},
		{name: "ignore case", o: MatchOptions{IgnoreCase: true}, pred: "paris", ref: "PARIS", want: true},
		{name: "regex before lowercasing", o: MatchOptions{IgnoreCase: true, RegexesToIgnore: []string{"yell"}}, pred: "YELLING", ref: "ing"},
		{name: "unicode punctuation stays", o: MatchOptions{IgnorePunctuation: true}, pred: "“x”", ref: "x"},
		{name: "bad regex", o: MatchOptions{RegexesToIgnore: []string{"("}}, wantErrNew: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := NewMatcher(tt.o)
			if (err != nil) != tt.wantErrNew {
				t.Fatalf("NewMatcher err = %v", err)
			}
			if err != nil {
				return
			}
			if got := m.Match(tt.pred, tt.ref); got != tt.want {
				t.Errorf("Match(%q, %q) = %v, want %v", tt.pred, tt.ref, got, tt.want)
			}
		})
	}
	if _, err := MultipleChoice([]float64{-1}, nil, 1, nil); err == nil {
		t.Error("gold out of range accepted")
	}
	c, _ := MultipleChoice([]float64{-1, -1, math.Inf(-1)}, nil, 0, nil)
	if c.Pred != 0 {
		t.Errorf("tie went to %d, want 0", c.Pred)
	}
}
