package reference

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	// Registered together in the binary: no type may be registered twice.
	_ "github.com/llm-test-bench/llm-test-bench/eval/text"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

func ptr(f float64) *float64 { return &f }

func TestEvaluate(t *testing.T) {
	t.Parallel()
	c := &bench.Case{References: []string{"The cat sat on the mat."}, Expected: "A cat was sitting on the mat."}
	tests := []struct {
		name      string
		a         bench.Assertion
		output    string
		logprobs  []float64
		wantScore float64
		wantPass  bool
	}{
		{"bleu identical", bench.Assertion{Type: "bleu"}, "The cat sat on the mat.", nil, 1, true},
		{"bleu unrelated", bench.Assertion{Type: "bleu"}, "Dogs bark loudly", nil, 0, false},
		{"bleu value overrides case", bench.Assertion{Type: "bleu", Value: "Dogs bark loudly at night."}, "Dogs bark loudly at night.", nil, 1, true},
		{"chrf second reference best", bench.Assertion{Type: "chrf"}, "A cat was sitting on the mat.", nil, 1, true},
		{"rouge-n default unigram", bench.Assertion{Type: "rouge-n"}, "the cat sat", nil, 2 * (1.0 * 0.5) / 1.5, false},
		{"rouge-n bigram with threshold", bench.Assertion{Type: "rouge-n", Value: 2, Threshold: ptr(0.5)}, "the cat sat", nil, 2 * (1.0 * 0.4) / 1.4, true},
		{"rouge-l", bench.Assertion{Type: "rouge-l", Threshold: ptr(0.6)}, "the cat sat on a mat", nil, 5.0 / 6, true},
		{"rouge-lsum", bench.Assertion{Type: "rouge-lsum", Value: []any{"the cat\nsat on the mat"}}, "the cat sat on the mat", nil, 1, true},
		{"rouge-lsum newline sentences", bench.Assertion{Type: "rouge-lsum", Value: "First sentence. Second sentence."}, "Second sentence. First sentence.", nil, 0.5, false},
		{"rouge-lsum split_summaries", bench.Assertion{Type: "rouge-lsum", Value: map[string]any{"references": "First sentence. Second sentence.", "split_summaries": true}}, "Second sentence. First sentence.", nil, 1, true},
		{"squad-em normalised", bench.Assertion{Type: "squad-em"}, "the cat sat on the mat", nil, 1, true},
		{"squad-f1 partial", bench.Assertion{Type: "squad-f1"}, "cat", nil, 2 * (1.0 * 0.25) / 1.25, false},
		{"exact-match options", bench.Assertion{Type: "exact-match", Value: map[string]any{"references": "PARIS!", "ignore_case": true, "ignore_punctuation": true}}, "paris", nil, 1, true},
		{"wer one of three wrong", bench.Assertion{Type: "wer", Value: "a b c", Threshold: ptr(0.6)}, "a b d", nil, 2.0 / 3, true},
		{"cer exact", bench.Assertion{Type: "cer", Value: "abc"}, "abc", nil, 1, true},
		{"meteor identical", bench.Assertion{Type: "meteor", Value: "the cat sat on the mat"}, "the cat sat on the mat", nil, 0.9976851851851852, true},
		{"perplexity within max", bench.Assertion{Type: "perplexity", Threshold: ptr(3)}, "x", []float64{-1, -1}, 1 / (1 + math.E), true},
		{"perplexity above default", bench.Assertion{Type: "perplexity"}, "x", []float64{-4, -4}, 1 / (1 + math.Exp(4)), false},
		{"perplexity-score", bench.Assertion{Type: "perplexity-score", Threshold: ptr(0.25)}, "x", []float64{-1}, 1 / (1 + math.E), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, ok := eval.Lookup(tt.a.Type)
			if !ok {
				t.Fatalf("%s not registered", tt.a.Type)
			}
			if err := e.(eval.Validator).Validate(tt.a); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got, err := e.Evaluate(context.Background(), tt.a, &eval.Input{Case: c, Output: tt.output, Logprobs: tt.logprobs})
			if err != nil {
				t.Fatal(err)
			}
			if !refvec.Rel(got.Score, tt.wantScore) || got.Pass != tt.wantPass || got.Reason == "" {
				t.Errorf("got %+v, want score %v pass %v", got, tt.wantScore, tt.wantPass)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a       bench.Assertion
		wantErr string
	}{
		{bench.Assertion{Type: "bleu", Value: map[string]any{"tokenize": "moses"}}, "unknown tokenizer"},
		{bench.Assertion{Type: "bleu", Value: 3}, "want references"},
		{bench.Assertion{Type: "chrf", Value: map[string]any{"bta": 2}}, "unknown field"},
		{bench.Assertion{Type: "rouge-n", Value: 10}, "from 1 to 9"},
		{bench.Assertion{Type: "rouge-l", Value: map[string]any{"n": 2}}, "only for rouge-n"},
		{bench.Assertion{Type: "squad-f1", Value: map[string]any{"version": "v3"}}, "unknown version"},
		{bench.Assertion{Type: "exact-match", Value: map[string]any{"regexes_to_ignore": []any{"("}}}, "regexes_to_ignore"},
		{bench.Assertion{Type: "meteor", Threshold: ptr(1.5)}, "between 0 and 1"},
		{bench.Assertion{Type: "perplexity", Threshold: ptr(0.5)}, "must be >= 1"},
	}
	for _, tt := range tests {
		t.Run(tt.a.Type+"/"+tt.wantErr, func(t *testing.T) {
			t.Parallel()
			e, _ := eval.Lookup(tt.a.Type)
			err := e.(eval.Validator).Validate(tt.a)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestEvaluateErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, typ := range []string{"bleu", "rouge-n", "squad-em", "wer"} {
		e, _ := eval.Lookup(typ)
		if _, err := e.Evaluate(ctx, bench.Assertion{Type: typ}, &eval.Input{Case: &bench.Case{}, Output: "x"}); err == nil || !strings.Contains(err.Error(), "no reference") {
			t.Errorf("%s without references: err = %v", typ, err)
		}
	}
	e, _ := eval.Lookup("perplexity")
	if _, err := e.Evaluate(ctx, bench.Assertion{Type: "perplexity"}, &eval.Input{Output: "x"}); err == nil || !strings.Contains(err.Error(), "logprobs") {
		t.Errorf("perplexity without logprobs: err = %v", err)
	}
	out := eval.Check(ctx, []bench.Assertion{{Type: "not-bleu"}}, nil, &eval.Input{Case: &bench.Case{Expected: "a b c d"}, Output: "a b c d"})
	if out.Passed {
		t.Errorf("not-bleu on an identical answer passed: %+v", out)
	}
}

// TestReferenceVectorsThroughAssertions checks that the 0–1 gating scores are
// the reference implementations' numbers.
func TestReferenceVectorsThroughAssertions(t *testing.T) {
	t.Parallel()
	cases, err := refvec.LoadFrom("../../internal/metrics/testdata/reference_vectors.json", "squad_em_f1", "rouge", "bleu_sentence")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cases {
		var pred, hyp string
		var refs []string
		c.Field("references", &refs)
		c.Field("prediction", &pred)
		c.Field("hypothesis", &hyp)
		checks := map[string]float64{}
		switch c.Metric {
		case "squad_em_f1":
			var v1 struct {
				ExactMatch float64 `json:"exact_match"`
				F1         float64 `json:"f1"`
			}
			c.Expect("v1.1", &v1)
			checks["squad-em"], checks["squad-f1"] = v1.ExactMatch, v1.F1
		case "rouge":
			var types []string
			var stem, split bool
			c.Option("rouge_types", &types)
			c.Option("use_stemmer", &stem)
			c.Option("split_summaries", &split)
			var comp map[string]struct{ FMeasure float64 }
			if ok, _ := c.Expect("computed", &comp); !ok || comp == nil || stem || split {
				continue
			}
			if f, ok := comp["rougeL"]; ok {
				checks["rouge-l"] = f.FMeasure
			}
			if f, ok := comp["rouge1"]; ok {
				checks["rouge-n"] = f.FMeasure
			}
		case "bleu_sentence":
			var tok string
			var lower bool
			var sm string
			c.Option("tokenize", &tok)
			c.Option("lowercase", &lower)
			c.Option("smooth_method", &sm)
			var want float64
			c.Expect("score", &want)
			if tok != "13a" || lower || sm != "exp" {
				continue
			}
			pred = hyp
			checks["bleu"] = want / 100
		}
		for typ, want := range checks {
			n++
			e, _ := eval.Lookup(typ)
			a := bench.Assertion{Type: typ, Value: toAny(refs)}
			got, err := e.Evaluate(context.Background(), a, &eval.Input{Output: pred})
			if err != nil || !refvec.Close(got.Score, want, 1e-5) {
				t.Errorf("%s %s: score %v, %v; want %v", c.ID, typ, got.Score, err, want)
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d vector checks ran", n)
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
