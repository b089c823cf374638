package reference

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

const (
	gleuRef  = "It is a guide to action that ensures that the military will forever heed Party commands"
	gleuHyp1 = "It is a guide to action which ensures that the military always obeys the commands of the party"
	gleuHyp2 = "It is to insure the troops forever hearing the activity guidebook that party direct"
)

// TestGLEUPromptfoo holds the cases of promptfoo's
// test/assertions/gleu.test.ts: the references, the output and the range
// promptfoo's score must fall in.
func TestGLEUPromptfoo(t *testing.T) {
	for _, c := range []struct {
		name     string
		refs     []any
		output   string
		lo, hi   float64
		wantPass bool
	}{
		{"identical", []any{"The cat sat on the mat"}, "The cat sat on the mat", 0.999, 1, true},
		{"the the the", []any{"The cat sat on the mat"}, "the the the the the the the", 0.0909 - 5e-5, 0.0909 + 5e-5, false},
		{"machine translation 1", []any{gleuRef}, gleuHyp1, 0.4, 0.5, false},
		{"machine translation 2", []any{gleuRef}, gleuHyp2, 0.13, 0.14, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := GLEU{}.Evaluate(context.Background(), bench.Assertion{Type: "gleu", Value: c.refs}, &eval.Input{Output: c.output})
			if err != nil {
				t.Fatal(err)
			}
			if s.Score < c.lo || s.Score > c.hi || s.Pass != c.wantPass {
				t.Fatalf("%+v, want a score in [%v, %v], pass %v", s, c.lo, c.hi, c.wantPass)
			}
		})
	}
}

// TestGLEUNLTK: with tokenize: split the scores are nltk's doctests.
func TestGLEUNLTK(t *testing.T) {
	for _, c := range []struct {
		refs   []any
		output string
		want   float64
	}{
		{[]any{"the cat is on the mat"}, "the the the the the the the", 2.0 / 22},
		{[]any{gleuRef}, gleuHyp1, 29.0 / 66},
		{[]any{gleuRef}, gleuHyp2, 7.0 / 58},
		{[]any{"alpha beta", "gamma delta epsilon"}, "gamma delta", 0.5},
	} {
		v := map[string]any{"references": c.refs, "tokenize": "split"}
		s, err := GLEU{}.Evaluate(context.Background(), bench.Assertion{Type: "gleu", Value: v}, &eval.Input{Output: c.output})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(s.Score-c.want) > 1e-12 {
			t.Errorf("%q: %v, want %v", c.output, s.Score, c.want)
		}
	}
}

func TestGLEUValue(t *testing.T) {
	th := 0.1
	in := &eval.Input{Output: "Paris is the capital.", Case: &bench.Case{Expected: "paris is the capital", Variables: map[string]any{"city": "Paris"}}}
	for _, c := range []struct {
		name string
		a    bench.Assertion
		want string // a reason fragment, or an error fragment with "error: "
	}{
		{"case expected, trailing period dropped", bench.Assertion{Type: "gleu"}, "gleu 1 (10 of 10 n-grams) >= 0.5"},
		{"rendered reference", bench.Assertion{Type: "gleu", Value: "{{city}} is nice"}, "gleu 0.3 (3 of 10 n-grams) < 0.5"},
		{"threshold", bench.Assertion{Type: "gleu", Value: "{{city}} is nice", Threshold: &th}, ">= 0.1"},
		{"orders", bench.Assertion{Type: "gleu", Value: map[string]any{"references": "paris", "min_len": 1, "max_len": 1}}, "gleu 0.25 (1 of 4 n-grams)"},
		{"bad tokenize", bench.Assertion{Type: "gleu", Value: map[string]any{"tokenize": "words"}}, `error: tokenize is words`},
		{"bad order", bench.Assertion{Type: "gleu", Value: map[string]any{"max_len": 0}}, "error: max_len must be"},
		{"min above max", bench.Assertion{Type: "gleu", Value: map[string]any{"min_len": 3, "max_len": 2}}, "error: min_len 3 is above"},
		{"unknown option", bench.Assertion{Type: "gleu", Value: map[string]any{"n": 2}}, `error: unknown option "n"`},
		{"not strings", bench.Assertion{Type: "gleu", Value: []any{map[string]any{}}}, "error: item 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := GLEU{}.Evaluate(context.Background(), c.a, in)
			if want, isErr := strings.CutPrefix(c.want, "error: "); isErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("err = %v, want %q", err, want)
				}
				if verr := (GLEU{}).Validate(c.a); verr == nil {
					t.Fatal("Validate accepted what Evaluate refuses")
				}
				return
			}
			if err != nil || !strings.Contains(s.Reason, c.want) {
				t.Fatalf("%+v, %v; want reason with %q", s, err, c.want)
			}
		})
	}
	if _, err := (GLEU{}).Evaluate(context.Background(), bench.Assertion{Type: "gleu"}, &eval.Input{Output: "x"}); err == nil {
		t.Fatal("no reference anywhere: want an error")
	}
}
