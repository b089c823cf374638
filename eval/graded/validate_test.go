package graded

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	cfg := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name string
		a    bench.Assertion
		want string // a fragment of the error; "" for none
	}{
		{"rubric ok", bench.Assertion{Type: "llm-rubric", Value: "polite", Threshold: ptr(0.5), Config: cfg("max_tokens", int64(200))}, ""},
		{"rubric missing", bench.Assertion{Type: "llm-rubric"}, "value is missing: give the rubric as a non-empty string"},
		{"rubric blank", bench.Assertion{Type: "llm-rubric", Value: " \n"}, "value is blank"},
		{"rubric a number", bench.Assertion{Type: "llm-rubric", Value: 3}, "value is a number, want the rubric as a string"},
		{"rubric a list", bench.Assertion{Type: "llm-rubric", Value: []any{"a"}}, "value is a list"},
		{"threshold above 1", bench.Assertion{Type: "llm-rubric", Value: "x", Threshold: ptr(1.5)}, "threshold 1.5 is outside [0, 1]"},
		{"threshold below 0", bench.Assertion{Type: "coherence", Threshold: ptr(-0.1)}, "threshold -0.1 is outside [0, 1]"},
		{"unknown config key", bench.Assertion{Type: "llm-rubric", Value: "x", Config: cfg("scoremap", 1)}, `config: unknown key "scoremap" (this type knows: max_tokens)`},
		{"max_tokens a word", bench.Assertion{Type: "llm-rubric", Value: "x", Config: cfg("max_tokens", "many")}, `config.max_tokens is "many", want a whole number of at least 1`},
		{"max_tokens zero", bench.Assertion{Type: "g-eval", Value: "x", Config: cfg("max_tokens", 0)}, "config.max_tokens is 0"},
		{"max_tokens fraction", bench.Assertion{Type: "factuality", Config: cfg("max_tokens", 10.5)}, "config.max_tokens is 10.5"},
		{"g-eval list", bench.Assertion{Type: "g-eval", Value: []any{"a", "b"}}, ""},
		{"g-eval steps", bench.Assertion{Type: "g-eval", Value: "a", Config: cfg("steps", []any{"read", "rate"})}, ""},
		{"g-eval missing", bench.Assertion{Type: "g-eval"}, "value is missing: give the criteria as a string or a list of strings"},
		{"g-eval empty list", bench.Assertion{Type: "g-eval", Value: []any{}}, "value is an empty list"},
		{"g-eval item not a string", bench.Assertion{Type: "g-eval", Value: []any{"a", 2}}, "value[1] is a number, want a string"},
		{"g-eval blank item", bench.Assertion{Type: "g-eval", Value: []any{"a", ""}}, "value[1] is blank"},
		{"g-eval a map", bench.Assertion{Type: "g-eval", Value: map[string]any{"a": 1}}, "value is a map"},
		{"g-eval steps a map", bench.Assertion{Type: "g-eval", Value: "a", Config: cfg("steps", map[string]any{})}, "config.steps is a map"},
		{"g-eval steps item", bench.Assertion{Type: "g-eval", Value: "a", Config: cfg("steps", []any{"read", true})}, "config.steps[1] is a boolean"},
		{"g-eval too many steps", bench.Assertion{Type: "g-eval", Value: "a", Config: cfg("steps", []any{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"})}, "config.steps has 11 steps, want at most 10"},
		{"g-eval steps with two criteria", bench.Assertion{Type: "g-eval", Value: []any{"a", "b"}, Config: cfg("steps", []any{"read"})}, "config.steps fits one criterion, and value lists 2"},
		{"g-eval threshold", bench.Assertion{Type: "g-eval", Value: "a", Threshold: ptr(7)}, "threshold 7 is outside [0, 1]"},
		{"factuality ok", bench.Assertion{Type: "factuality", Value: "Paris", Config: cfg("score_map", map[string]any{"A": 0.4, "B": int64(1)})}, ""},
		{"factuality yaml map", bench.Assertion{Type: "factuality", Config: cfg("score_map", map[any]any{"D": 0.2})}, ""},
		{"factuality value a list", bench.Assertion{Type: "factuality", Value: []any{"Paris"}}, "value is a list, want the reference answer as a string"},
		{"score_map not a map", bench.Assertion{Type: "factuality", Config: cfg("score_map", "A=1")}, "config.score_map is a string, want a map from categories (A to E) to scores"},
		{"score_map unknown category", bench.Assertion{Type: "factuality", Config: cfg("score_map", map[string]any{"F": 1})}, `config.score_map: unknown category "F", want A, B, C, D or E`},
		{"score_map lower-case key", bench.Assertion{Type: "factuality", Config: cfg("score_map", map[string]any{"a": 1})}, `unknown category "a"`},
		{"score_map above 1", bench.Assertion{Type: "factuality", Config: cfg("score_map", map[string]any{"D": 2})}, "config.score_map.D is 2, want a number from 0 to 1"},
		{"score_map a word", bench.Assertion{Type: "factuality", Config: cfg("score_map", map[string]any{"A": "high"})}, `config.score_map.A is "high"`},
		{"score_map a numeric string", bench.Assertion{Type: "factuality", Config: cfg("score_map", map[string]any{"A": "0.5"})}, `config.score_map.A is "0.5"`},
		{"closedqa ok", bench.Assertion{Type: "model-graded-closedqa", Value: "polite"}, ""},
		{"closedqa missing", bench.Assertion{Type: "model-graded-closedqa"}, "value is missing: give the criterion"},
		{"qa ok", bench.Assertion{Type: "model-graded-qa", Config: cfg("partial_credit", true)}, ""},
		{"qa partial_credit a string", bench.Assertion{Type: "model-graded-qa", Config: cfg("partial_credit", "yes")}, `config.partial_credit is "yes", want true or false`},
		{"qa unknown key", bench.Assertion{Type: "model-graded-qa", Config: cfg("partial", true)}, `unknown key "partial" (this type knows: max_tokens, partial_credit)`},
		{"metric guidance ok", bench.Assertion{Type: "faithfulness", Value: "be strict"}, ""},
		{"metric guidance a list", bench.Assertion{Type: "relevance", Value: []any{"x"}}, "value is a list, want extra guidance for the judge as a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := eval.Validate([]bench.Assertion{tc.a})
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tc.want != "" && err == nil:
				t.Errorf("Validate accepted it; want an error with %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("Validate: %v; want it to say %q", err, tc.want)
			}
		})
	}
}
