package perplexity

import (
	"errors"
	"math"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

func TestReferenceVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("perplexity", "byte_perplexity", "bits_per_byte", "lm_eval_count_words_bytes")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			switch c.Metric {
			case "perplexity":
				var lps []float64
				var want float64
				c.Field("logprobs", &lps)
				c.Expect("perplexity", &want)
				got, err := Perplexity(lps)
				if err != nil || !refvec.Rel(got, want) {
					t.Errorf("Perplexity = %.17g, %v; want %.17g", got, err, want)
				}
			case "lm_eval_count_words_bytes":
				var in string
				var w, b int
				c.Field("input", &in)
				c.Expect("count_words", &w)
				c.Expect("count_bytes", &b)
				if got := CountWords(in); got != w {
					t.Errorf("CountWords(%q) = %d, want %d", in, got, w)
				}
				if got := CountBytes(in); got != b {
					t.Errorf("CountBytes(%q) = %d, want %d", in, got, b)
				}
			default:
				var docs []struct {
					Doc
					CountBytes int `json:"count_bytes"`
				}
				c.Field("docs", &docs)
				plain := make([]Doc, len(docs))
				for i, d := range docs {
					plain[i] = d.Doc
					if got := CountBytes(d.Text); got != d.CountBytes {
						t.Errorf("CountBytes(%q) = %d, want %d", d.Text, got, d.CountBytes)
					}
				}
				fn, field := BytePerplexity, "byte_perplexity"
				if c.Metric == "bits_per_byte" {
					fn, field = BitsPerByte, "bits_per_byte"
				}
				var want float64
				c.Expect(field, &want)
				got, err := fn(plain)
				if err != nil || !refvec.Rel(got, want) {
					t.Errorf("%s = %.17g, %v; want %.17g", field, got, err, want)
				}
			}
		})
	}
}

func TestCountWordsAndErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]int{"": 1, "a": 1, " a ": 3, "a  b\tc": 3, "a\x1fb": 2, "a\u00a0b": 2}
	for in, want := range tests {
		if got := CountWords(in); got != want {
			t.Errorf("CountWords(%q) = %d, want %d", in, got, want)
		}
	}
	if _, err := Perplexity(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("Perplexity(nil) err = %v", err)
	}
	if _, err := Perplexity([]float64{0.5}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Perplexity(+0.5) err = %v", err)
	}
	if _, err := Perplexity([]float64{math.NaN()}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Perplexity(NaN) err = %v", err)
	}
	if got := Score(1); got != 0.5 {
		t.Errorf("Score(1) = %v, want 0.5", got)
	}
	wp, err := WordPerplexity([]Doc{{Text: "a b", Loglikelihood: -2}})
	if err != nil || !refvec.Rel(wp, math.E) {
		t.Errorf("WordPerplexity = %v, %v; want e", wp, err)
	}
}
