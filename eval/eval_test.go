package eval_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// fake is a hand-written evaluator whose behaviour the test sets.
type fake struct {
	EvaluateFn func(a bench.Assertion) (bench.Score, error)
	ValidateFn func(a bench.Assertion) error
}

func (f fake) Evaluate(_ context.Context, a bench.Assertion, _ *eval.Input) (bench.Score, error) {
	return f.EvaluateFn(a)
}

func (f fake) Validate(a bench.Assertion) error {
	if f.ValidateFn == nil {
		return nil
	}
	return f.ValidateFn(a)
}

// scoreOf is a fake that scores its value (a float64) and passes at 0.5.
func scoreOf(a bench.Assertion) (bench.Score, error) {
	f, _ := a.Value.(float64)
	return bench.Score{Score: f, Pass: f >= 0.5, Reason: "fake " + a.Type}, nil
}

func init() {
	eval.Register("fake-score", fake{EvaluateFn: scoreOf})
	eval.Register("fake-error", fake{EvaluateFn: func(bench.Assertion) (bench.Score, error) {
		return bench.Score{}, errors.New("value unusable")
	}})
	eval.Register("fake-strict", fake{
		EvaluateFn: scoreOf,
		ValidateFn: func(a bench.Assertion) error {
			if a.Value == nil {
				return errors.New("value is required")
			}
			return nil
		},
	})
	eval.Register("fake-unscored", fake{EvaluateFn: func(bench.Assertion) (bench.Score, error) {
		return bench.Unscored("judge reply unreadable", "garbage"), nil
	}})
	eval.Register("fake-plain", eval.Func(func(_ context.Context, a bench.Assertion, _ *eval.Input) (bench.Score, error) {
		return scoreOf(a)
	}))
}

func ptr(f float64) *float64 { return &f }

func sc(v float64) bench.Assertion { return bench.Assertion{Type: "fake-score", Value: v} }

func TestCheck(t *testing.T) {
	t.Parallel()
	unscored := bench.Unscored("judge reply unreadable", "garbage")
	pass := bench.Score{Score: 1, Pass: true, Reason: "fake fake-score"}
	fail := bench.Score{Score: 0, Pass: false, Reason: "fake fake-score"}
	tests := []struct {
		name      string
		as        []bench.Assertion
		threshold *float64
		want      eval.Outcome
	}{
		{
			name: "no assertions pass with score 1",
			want: eval.Outcome{Scores: map[string]bench.Score{}, Score: 1, Passed: true},
		},
		{
			name: "all pass",
			as:   []bench.Assertion{sc(1), {Type: "fake-score", Value: 1.0, Metric: "second"}},
			want: eval.Outcome{Scores: map[string]bench.Score{"fake-score": pass, "second": pass}, Score: 1, Passed: true},
		},
		{
			name: "one failure fails without threshold",
			as:   []bench.Assertion{sc(1), {Type: "fake-score", Value: 0.0, Metric: "m"}},
			want: eval.Outcome{Scores: map[string]bench.Score{"fake-score": pass, "m": fail}, Score: 0.5, Passed: false},
		},
		{
			name:      "threshold reached despite a failure",
			as:        []bench.Assertion{sc(1), sc(1), {Type: "fake-score", Value: 0.0, Metric: "m"}},
			threshold: ptr(0.6),
			want:      eval.Outcome{Scores: map[string]bench.Score{"fake-score": pass, "fake-score#1": pass, "m": fail}, Score: 2.0 / 3, Passed: true},
		},
		{
			name:      "threshold missed although all pass",
			as:        []bench.Assertion{sc(0.6), {Type: "fake-score", Value: 0.7, Metric: "m"}},
			threshold: ptr(0.9),
			want: eval.Outcome{Scores: map[string]bench.Score{
				"fake-score": {Score: 0.6, Pass: true, Reason: "fake fake-score"},
				"m":          {Score: 0.7, Pass: true, Reason: "fake fake-score"},
			}, Score: 0.65, Passed: false},
		},
		{
			name: "weights",
			as:   []bench.Assertion{{Type: "fake-score", Value: 1.0, Weight: ptr(3)}, {Type: "fake-score", Value: 0.0, Metric: "m"}},
			want: eval.Outcome{Scores: map[string]bench.Score{"fake-score": pass, "m": fail}, Score: 0.75, Passed: false},
		},
		{
			name: "weight 0 records without gating or averaging",
			as:   []bench.Assertion{sc(1), {Type: "fake-score", Value: 0.0, Metric: "m", Weight: ptr(0)}},
			want: eval.Outcome{Scores: map[string]bench.Score{"fake-score": pass, "m": fail}, Score: 1, Passed: true},
		},
		{
			name:      "only weight 0 scores 1",
			as:        []bench.Assertion{{Type: "fake-score", Value: 0.0, Weight: ptr(0)}},
			threshold: ptr(1),
			want:      eval.Outcome{Scores: map[string]bench.Score{"fake-score": fail}, Score: 1, Passed: true},
		},
		{
			name: "not- negates score and verdict",
			as:   []bench.Assertion{{Type: "not-fake-score", Value: 0.2}},
			want: eval.Outcome{Scores: map[string]bench.Score{
				"not-fake-score": {Score: 0.8, Pass: true, Reason: "not: fake fake-score"},
			}, Score: 0.8, Passed: true},
		},
		{
			name: "not- of a pass fails",
			as:   []bench.Assertion{{Type: "not-fake-plain", Value: 1.0}},
			want: eval.Outcome{Scores: map[string]bench.Score{
				"not-fake-plain": {Score: 0, Pass: false, Reason: "not: fake fake-plain"},
			}, Score: 0, Passed: false},
		},
		{
			name: "evaluator error is unscored with the error as reason, also negated",
			as:   []bench.Assertion{{Type: "fake-error"}, {Type: "not-fake-error"}},
			want: eval.Outcome{Scores: map[string]bench.Score{
				"fake-error":     {Reason: "value unusable", Unscored: true},
				"not-fake-error": {Reason: "value unusable", Unscored: true},
			}, Score: 0, Passed: false, Unscored: 2},
		},
		{
			name: "unknown type is unscored",
			as:   []bench.Assertion{{Type: "no-such-type"}},
			want: eval.Outcome{Scores: map[string]bench.Score{
				"no-such-type": {Reason: `unknown assertion type "no-such-type"`, Unscored: true},
			}, Score: 0, Passed: false, Unscored: 1},
		},
		{
			name: "unscored is left out of the mean and fails the case",
			as:   []bench.Assertion{sc(1), sc(0.6), {Type: "fake-unscored"}},
			want: eval.Outcome{Scores: map[string]bench.Score{
				"fake-score": pass, "fake-score#1": {Score: 0.6, Pass: true, Reason: "fake fake-score"},
				"fake-unscored": unscored,
			}, Score: 0.8, Passed: false, Unscored: 1},
		},
		{
			name:      "unscored fails the case even when the threshold is reached",
			as:        []bench.Assertion{sc(1), {Type: "fake-unscored"}},
			threshold: ptr(0.5),
			want:      eval.Outcome{Scores: map[string]bench.Score{"fake-score": pass, "fake-unscored": unscored}, Score: 1, Passed: false, Unscored: 1},
		},
		{
			name: "not- of unscored stays unscored",
			as:   []bench.Assertion{{Type: "not-fake-unscored"}},
			want: eval.Outcome{Scores: map[string]bench.Score{"not-fake-unscored": unscored}, Score: 0, Passed: false, Unscored: 1},
		},
		{
			name: "unscored with weight 0 neither gates nor counts",
			as:   []bench.Assertion{sc(1), {Type: "fake-unscored", Weight: ptr(0)}},
			want: eval.Outcome{Scores: map[string]bench.Score{"fake-score": pass, "fake-unscored": unscored}, Score: 1, Passed: true},
		},
		{
			name: "duplicate names never overwrite",
			as: []bench.Assertion{
				{Type: "fake-score", Value: 1.0, Metric: "a#2"},
				{Type: "fake-score", Value: 1.0, Metric: "a"},
				{Type: "fake-score", Value: 0.0, Metric: "a"},
				{Type: "fake-score", Value: 0.0, Metric: "a"},
			},
			want: eval.Outcome{Scores: map[string]bench.Score{"a#2": pass, "a": pass, "a#1": fail, "a#3": fail}, Score: 0.5, Passed: false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := eval.Check(context.Background(), tt.as, tt.threshold, &eval.Input{})
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		as      []bench.Assertion
		wantErr []string // substrings; nil means no error
	}{
		{name: "valid", as: []bench.Assertion{sc(1), {Type: "not-fake-strict", Value: 1.0}}},
		{name: "unknown type names known ones", as: []bench.Assertion{{Type: "bogus"}}, wantErr: []string{`assert[0]: unknown type "bogus"`, "fake-score"}},
		{name: "negative weight", as: []bench.Assertion{{Type: "fake-score", Weight: ptr(-1)}}, wantErr: []string{"assert[0] fake-score: weight must not be negative"}},
		{name: "validator through not-", as: []bench.Assertion{{Type: "not-fake-strict"}}, wantErr: []string{"assert[0] not-fake-strict: value is required"}},
		{
			name:    "all problems at once",
			as:      []bench.Assertion{{Type: "bogus"}, sc(1), {Type: "fake-strict"}},
			wantErr: []string{"assert[0]", "assert[2] fake-strict: value is required"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := eval.Validate(tt.as)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Validate: unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: no error, want one containing %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestRegisterDuplicatePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("Register of a duplicate type did not panic")
		}
	}()
	eval.Register("fake-score", fake{EvaluateFn: scoreOf})
}

func TestLookupAndTypes(t *testing.T) {
	t.Parallel()
	if _, ok := eval.Lookup("fake-score"); !ok {
		t.Error(`Lookup("fake-score") not found`)
	}
	if _, ok := eval.Lookup("not-fake-score"); ok {
		t.Error(`Lookup("not-fake-score") found; the prefix is Check's business`)
	}
	types := eval.Types()
	if !slices.IsSorted(types) {
		t.Errorf("Types not sorted: %v", types)
	}
	for _, want := range []string{"fake-error", "fake-plain", "fake-score", "fake-strict"} {
		if !slices.Contains(types, want) {
			t.Errorf("Types %v lacks %q", types, want)
		}
	}
}
