package bleu

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

// optionsOf builds Options from a vector's sacreBLEU settings.
func optionsOf(t *testing.T, c refvec.Case) Options {
	t.Helper()
	var o Options
	var sv float64
	must := func(_ bool, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.Option("tokenize", &o.Tokenize))
	must(c.Option("lowercase", &o.Lowercase))
	must(c.Option("smooth_method", &o.SmoothMethod))
	ok, err := c.Option("smooth_value", &sv)
	must(ok, err)
	if ok {
		o.SmoothValue = &sv
	}
	must(c.Option("effective_order", &o.EffectiveOrder))
	must(c.Option("max_ngram_order", &o.MaxNgramOrder))
	return o
}

// wantScore returns the expected 0–100 score and its tolerance.
func wantScore(t *testing.T, c refvec.Case) (want, tol float64) {
	t.Helper()
	var comp struct{ Score *float64 }
	if ok, _ := c.Expect("computed", &comp); ok && comp.Score != nil {
		return *comp.Score, 0
	}
	c.Expect("tolerance", &tol)
	var v float64
	if ok, _ := c.Expect("score", &v); ok {
		return v, tol
	}
	if ok, _ := c.Expect("score_div_100", &v); ok {
		return 100 * v, 100 * tol
	}
	var s string
	if ok, _ := c.Expect("score_2dp", &s); ok {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return f, 0.005
	}
	if ok, _ := c.Expect("printed", &s); ok {
		var f float64
		if _, err := fmt.Sscanf(s, "BLEU = %f", &f); err != nil {
			t.Fatalf("parse printed %q: %v", s, err)
		}
		return f, 0.005
	}
	t.Fatalf("case %s: no expected score", c.ID)
	return 0, 0
}

// wantDetails returns the expected sacreBLEU fields, if the case has them.
func wantDetails(c refvec.Case) (Score, bool) {
	var s Score
	if ok, _ := c.Expect("computed", &s); ok && s.Counts != nil {
		return s, true
	}
	if ok, _ := c.Expect("counts", &s.Counts); !ok {
		return s, false
	}
	c.Expect("totals", &s.Totals)
	c.Expect("precisions", &s.Precisions)
	c.Expect("bp", &s.BP)
	c.Expect("sys_len", &s.SysLen)
	c.Expect("ref_len", &s.RefLen)
	c.Expect("score", &s.Score)
	return s, true
}

func TestReferenceVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("bleu_corpus", "bleu_sentence", "bleu_from_stats")
	if err != nil {
		t.Fatal(err)
	}
	approx := cmpopts.EquateApprox(1e-12, 1e-9)
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			s, err := New(optionsOf(t, c))
			if err != nil {
				t.Fatal(err)
			}
			got := score(t, s, c)
			want, tol := wantScore(t, c)
			if !refvec.Close(got.Score, want, tol) {
				t.Errorf("score = %.17g, want %.17g (tol %g)", got.Score, want, tol)
			}
			if wd, ok := wantDetails(c); ok {
				wd.Score = got.Score
				if diff := cmp.Diff(wd, got, approx); diff != "" {
					t.Errorf("details mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func score(t *testing.T, s *Scorer, c refvec.Case) Score {
	t.Helper()
	switch c.Metric {
	case "bleu_sentence":
		var hyp string
		var refs []string
		if err := c.Field("hypothesis", &hyp); err != nil {
			t.Fatal(err)
		}
		if err := c.Field("references", &refs); err != nil {
			t.Fatal(err)
		}
		return s.Sentence(hyp, refs)
	case "bleu_from_stats":
		var st struct {
			Correct, Total []int
			SysLen         int `json:"sys_len"`
			RefLen         int `json:"ref_len"`
		}
		if err := c.Field("stats", &st); err != nil {
			t.Fatal(err)
		}
		return s.FromStats(Stats{SysLen: st.SysLen, RefLen: st.RefLen, Correct: st.Correct, Total: st.Total})
	}
	var hyps []string
	var refs [][]string
	if err := c.Field("hypotheses", &hyps); err != nil {
		t.Fatal(err)
	}
	if err := c.Field("references", &refs); err != nil {
		t.Fatal(err)
	}
	got, err := s.Corpus(hyps, refs)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestTokenizer13aVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("tokenizer_13a")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			var in, joined string
			if err := c.Field("input", &in); err != nil {
				t.Fatal(err)
			}
			c.Expect("joined", &joined)
			if diff := cmp.Diff(joined, Tokenize13A(in)); diff != "" {
				t.Errorf("Tokenize13A(%q) (-want +got):\n%s", in, diff)
			}
		})
	}
}

func TestSentenceTokenized13a(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("bleu_sentence")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !c.Has("tokenized_13a") {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			var tok struct {
				Hypothesis string   `json:"hypothesis"`
				References []string `json:"references"`
			}
			var hyp string
			var refs []string
			c.Field("hypothesis", &hyp)
			c.Field("references", &refs)
			if err := c.Field("tokenized_13a", &tok); err != nil {
				t.Fatal(err)
			}
			got := Tokenize13A(strings.TrimRight(hyp, " \t\n"))
			if diff := cmp.Diff(tok.Hypothesis, got); diff != "" {
				t.Errorf("hypothesis (-want +got):\n%s", diff)
			}
			gotRefs := make([]string, len(refs))
			for i, r := range refs {
				gotRefs[i] = Tokenize13A(strings.TrimRight(r, " \t\n"))
			}
			if diff := cmp.Diff(tok.References, gotRefs); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
		})
	}
}
