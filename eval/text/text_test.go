package text_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	_ "github.com/llm-test-bench/llm-test-bench/eval/text"
)

func ptr(f float64) *float64 { return &f }

// run checks one assertion through eval.Check, as the runner does.
func run(a bench.Assertion, output string, vars map[string]any) bench.Score {
	in := &eval.Input{Output: output, Case: &bench.Case{ID: "c", Variables: vars}}
	out := eval.Check(context.Background(), []bench.Assertion{a}, nil, in)
	return out.Scores[a.Name()]
}

func yes(reason string) bench.Score { return bench.Score{Score: 1, Pass: true, Reason: reason} }
func no(reason string) bench.Score  { return bench.Score{Score: 0, Pass: false, Reason: reason} }

func TestText(t *testing.T) {
	t.Parallel()
	vars := map[string]any{"city": "Paris", "n": 2, "list": []any{"a", "b"}}
	tests := []struct {
		name   string
		a      bench.Assertion
		output string
		want   bench.Score
	}{
		{"equals", bench.Assertion{Type: "equals", Value: "Paris"}, "Paris", yes(`equals "Paris"`)},
		{"equals is exact", bench.Assertion{Type: "equals", Value: "Paris"}, "Paris.", no(`expected "Paris", got "Paris."`)},
		{"equals renders vars", bench.Assertion{Type: "equals", Value: "{{city}}"}, "Paris", yes(`equals "Paris"`)},
		{"equals int value", bench.Assertion{Type: "equals", Value: 42}, "42", yes(`equals "42"`)},
		{"equals uint64 value", bench.Assertion{Type: "equals", Value: uint64(7)}, "7", yes(`equals "7"`)},
		{"equals float64 whole", bench.Assertion{Type: "equals", Value: 3.0}, "3", yes(`equals "3"`)},
		{"not-equals", bench.Assertion{Type: "not-equals", Value: "Paris"}, "Lyon", yes(`not: expected "Paris", got "Lyon"`)},
		{"equals JSON map", bench.Assertion{Type: "equals", Value: map[string]any{"a": 1, "b": []any{true}}}, `{"b":[true], "a":1.0}`, yes("output equals the expected JSON")},
		{"equals JSON map differs", bench.Assertion{Type: "equals", Value: map[string]any{"a": 1}}, `{"a":2}`, no("output JSON differs from the expected JSON")},
		{"equals JSON list non-JSON output", bench.Assertion{Type: "equals", Value: []any{1, 2}}, `1, 2`, no("output is not JSON, expected JSON equal to the value")},
		{"equals JSON from YAML map[any]any", bench.Assertion{Type: "equals", Value: map[any]any{"k": uint64(1)}}, `{"k":1}`, yes("output equals the expected JSON")},

		{"contains", bench.Assertion{Type: "contains", Value: "Paris"}, "It is Paris.", yes(`contains "Paris"`)},
		{"contains is case-sensitive", bench.Assertion{Type: "contains", Value: "paris"}, "It is Paris.", no(`does not contain "paris"`)},
		{"contains number", bench.Assertion{Type: "contains", Value: 1889}, "built in 1889", yes(`contains "1889"`)},
		{"icontains", bench.Assertion{Type: "icontains", Value: "paris"}, "PARIS!", yes(`contains "paris"`)},
		{"icontains renders", bench.Assertion{Type: "icontains", Value: "{{city}}"}, "paris", yes(`contains "Paris"`)},
		{"not-contains", bench.Assertion{Type: "not-contains", Value: "Lyon"}, "Paris", yes(`not: does not contain "Lyon"`)},
		{"not-icontains fails", bench.Assertion{Type: "not-icontains", Value: "PARIS"}, "paris", no(`not: contains "PARIS"`)},

		{"contains-any list", bench.Assertion{Type: "contains-any", Value: []any{"Lyon", "Paris"}}, "Paris", yes(`contains "Paris"`)},
		{"contains-any none", bench.Assertion{Type: "contains-any", Value: []any{"Lyon", "Nice"}}, "Paris", no(`contains none of ["Lyon", "Nice"]`)},
		{"contains-any comma string", bench.Assertion{Type: "contains-any", Value: "Lyon, Paris"}, "Paris", yes(`contains "Paris"`)},
		{"icontains-any", bench.Assertion{Type: "icontains-any", Value: []any{"LYON", "paris"}}, "PaRiS", yes(`contains "paris"`)},
		{"contains-all", bench.Assertion{Type: "contains-all", Value: []any{"a", "b"}}, "a b", yes(`contains all 2 of ["a", "b"]`)},
		{"contains-all missing", bench.Assertion{Type: "contains-all", Value: []any{"a", "b", "c"}}, "a", no(`missing ["b", "c"]`)},
		{"contains-all mixed kinds", bench.Assertion{Type: "contains-all", Value: []any{1, uint64(2), 3.5}}, "1 2 3.5", yes(`contains all 3 of ["1", "2", "3.5"]`)},
		{"icontains-all", bench.Assertion{Type: "icontains-all", Value: "A, B"}, "a b", yes(`contains all 2 of ["A", "B"]`)},
		{"icontains-all rendered items", bench.Assertion{Type: "icontains-all", Value: []any{"{{city}}", "x"}}, "paris", no(`missing ["x"]`)},
		{"not-contains-any", bench.Assertion{Type: "not-contains-any", Value: []any{"bad", "worse"}}, "fine", yes(`not: contains none of ["bad", "worse"]`)},

		{"starts-with", bench.Assertion{Type: "starts-with", Value: "Yes"}, "Yes, Paris", yes(`starts with "Yes"`)},
		{"starts-with case", bench.Assertion{Type: "starts-with", Value: "yes"}, "Yes, Paris", no(`does not start with "yes"`)},

		{"regex", bench.Assertion{Type: "regex", Value: `^\d{4}$`}, "1889", yes(`matches /^\d{4}$/`)},
		{"regex no match", bench.Assertion{Type: "regex", Value: `^\d{4}$`}, "in 1889", no(`does not match /^\d{4}$/`)},
		{"regex rendered", bench.Assertion{Type: "regex", Value: `(?i)^{{city}}\b`}, "paris it is", yes(`matches /(?i)^Paris\b/`)},
		{"not-regex", bench.Assertion{Type: "not-regex", Value: `\berror\b`}, "all good", yes(`not: does not match /\berror\b/`)},

		// Levenshtein scores 1 on a pass and 0 on a failure, as promptfoo's
		// test/assertions/levenshtein.test.ts expects.
		{"levenshtein exact", bench.Assertion{Type: "levenshtein", Value: "kitten"}, "kitten", yes("edit distance 0 ≤ 5 (similarity 1.000)")},
		{"levenshtein default threshold", bench.Assertion{Type: "levenshtein", Value: "kitten"}, "sitting", yes("edit distance 3 ≤ 5 (similarity 0.571)")},
		{"levenshtein tight threshold", bench.Assertion{Type: "levenshtein", Value: "kitten", Threshold: ptr(2)}, "sitting", no("edit distance 3 > 2 (similarity 0.571)")},
		{"levenshtein at threshold passes", bench.Assertion{Type: "levenshtein", Value: "kitten", Threshold: ptr(3)}, "sitting", yes("edit distance 3 ≤ 3 (similarity 0.571)")},
		{"not-levenshtein", bench.Assertion{Type: "not-levenshtein", Value: "kitten", Threshold: ptr(2)}, "sitting", yes("not: edit distance 3 > 2 (similarity 0.571)")},
		{"levenshtein both empty", bench.Assertion{Type: "levenshtein", Value: ""}, "", yes("edit distance 0 ≤ 5 (similarity 1.000)")},
		{"levenshtein promptfoo pass", bench.Assertion{Type: "levenshtein", Value: "hello world"}, "hello world!", yes("edit distance 1 ≤ 5 (similarity 0.917)")},
		{"levenshtein promptfoo fail", bench.Assertion{Type: "levenshtein", Value: "hello world"}, "goodbye everyone", no("edit distance 14 > 5 (similarity 0.125)")},

		{"word-count int", bench.Assertion{Type: "word-count", Value: 3}, "one two  three\n", yes("3 words, expected exactly 3")},
		{"word-count uint64", bench.Assertion{Type: "word-count", Value: uint64(2)}, "one two three", no("3 words, expected exactly 2")},
		{"word-count float64", bench.Assertion{Type: "word-count", Value: 3.0}, "a b c", yes("3 words, expected exactly 3")},
		{"word-count range", bench.Assertion{Type: "word-count", Value: map[string]any{"min": 2, "max": uint64(4)}}, "a b c", yes("3 words, expected 2–4")},
		{"word-count min only", bench.Assertion{Type: "word-count", Value: map[string]any{"min": 5.0}}, "a b c", no("3 words, expected at least 5")},
		{"word-count max only", bench.Assertion{Type: "word-count", Value: map[any]any{"max": 3}}, "", yes("0 words, expected at most 3")},
		{"not-word-count", bench.Assertion{Type: "not-word-count", Value: 1}, "a b", yes("not: 2 words, expected exactly 1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := eval.Validate([]bench.Assertion{tt.a}); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got := run(tt.a, tt.output, vars)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("score (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    bench.Assertion
		want string
	}{
		{"equals without value", bench.Assertion{Type: "equals"}, "value is required"},
		{"contains list", bench.Assertion{Type: "contains", Value: []any{"a"}}, "value is a list, want a string"},
		{"icontains map", bench.Assertion{Type: "not-icontains", Value: map[string]any{}}, "want a string"},
		{"contains-any empty", bench.Assertion{Type: "contains-any", Value: []any{}}, "empty list"},
		{"contains-all nested", bench.Assertion{Type: "contains-all", Value: []any{[]any{"x"}}}, "item 0 is a list"},
		{"contains-all number", bench.Assertion{Type: "icontains-all", Value: 3}, "want a list of strings"},
		{"contains-any missing", bench.Assertion{Type: "contains-any"}, "value is required"},
		{"starts-with missing", bench.Assertion{Type: "starts-with"}, "value is required"},
		{"regex invalid", bench.Assertion{Type: "regex", Value: "a(b"}, "invalid regex"},
		{"not-regex invalid", bench.Assertion{Type: "not-regex", Value: `(?<name>x)\`}, "invalid regex"},
		{"regex missing", bench.Assertion{Type: "regex"}, "value is required"},
		{"levenshtein negative", bench.Assertion{Type: "levenshtein", Value: "x", Threshold: ptr(-1)}, "must not be negative"},
		{"levenshtein missing", bench.Assertion{Type: "levenshtein"}, "value is required"},
		{"levenshtein number", bench.Assertion{Type: "levenshtein", Value: 42}, "value is a number, want a string"},
		{"levenshtein list", bench.Assertion{Type: "levenshtein", Value: []any{"a"}}, "want a string"},
		{"word-count negative", bench.Assertion{Type: "word-count", Value: -1}, "whole number ≥ 0"},
		{"word-count fraction", bench.Assertion{Type: "word-count", Value: 2.5}, "whole number ≥ 0"},
		{"word-count min>max", bench.Assertion{Type: "word-count", Value: map[string]any{"min": 5, "max": 2}}, "min 5 is greater than max 2"},
		{"word-count unknown key", bench.Assertion{Type: "word-count", Value: map[string]any{"least": 5}}, `unknown key "least"`},
		{"word-count empty map", bench.Assertion{Type: "word-count", Value: map[string]any{}}, "needs min or max"},
		{"word-count text", bench.Assertion{Type: "word-count", Value: "many"}, "whole number"},
		{"equals odd map key", bench.Assertion{Type: "equals", Value: map[any]any{[2]int{}: 1}}, "map key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := eval.Validate([]bench.Assertion{tt.a})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate(%+v) = %v, want an error containing %q", tt.a, err, tt.want)
			}
		})
	}
}

func TestRegexPlaceholderCheckedAtEvaluate(t *testing.T) {
	t.Parallel()
	a := bench.Assertion{Type: "regex", Value: "{{pat}}"}
	if err := eval.Validate([]bench.Assertion{a}); err != nil {
		t.Fatalf("Validate: %v (a templated regex is checked per case)", err)
	}
	got := run(a, "x", map[string]any{"pat": "a(b"})
	if got.Pass || !strings.Contains(got.Reason, "invalid regex") {
		t.Errorf("templated invalid regex = %+v, want a failure naming the invalid regex", got)
	}
}

// TestCaseThreshold runs several text assertions with weights and a case
// threshold through eval.Check.
func TestCaseThreshold(t *testing.T) {
	t.Parallel()
	as := []bench.Assertion{
		{Type: "icontains", Value: "paris", Weight: ptr(2)},
		{Type: "starts-with", Value: "The"},
		{Type: "levenshtein", Value: "Paris", Weight: ptr(0)},
	}
	in := &eval.Input{Output: "It is Paris."}
	tests := []struct {
		name      string
		threshold *float64
		want      eval.Outcome
	}{
		{"no threshold: a gating failure fails", nil, eval.Outcome{Score: 2.0 / 3, Passed: false}},
		{"threshold reached", ptr(0.6), eval.Outcome{Score: 2.0 / 3, Passed: true}},
		{"threshold missed", ptr(0.7), eval.Outcome{Score: 2.0 / 3, Passed: false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := eval.Check(context.Background(), as, tt.threshold, in)
			if len(got.Scores) != 3 {
				t.Errorf("recorded %d scores, want 3 (weight 0 is recorded too)", len(got.Scores))
			}
			got.Scores = nil
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
		})
	}
}
