package chrf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

func optionsOf(c refvec.Case) Options {
	o := Defaults()
	c.Option("char_order", &o.CharOrder)
	c.Option("word_order", &o.WordOrder)
	c.Option("beta", &o.Beta)
	c.Option("lowercase", &o.Lowercase)
	c.Option("whitespace", &o.Whitespace)
	c.Option("eps_smoothing", &o.EpsSmoothing)
	return o
}

func wantScore(t *testing.T, c refvec.Case) (float64, float64) {
	t.Helper()
	var comp struct{ Score *float64 }
	if ok, _ := c.Expect("computed", &comp); ok && comp.Score != nil {
		return *comp.Score, 0
	}
	var v, tol float64
	c.Expect("tolerance", &tol)
	if ok, _ := c.Expect("score", &v); ok {
		return v, tol
	}
	var printed string
	if ok, _ := c.Expect("printed", &printed); ok {
		if _, err := fmt.Sscanf(printed[strings.Index(printed, "=")+1:], "%f", &v); err != nil {
			t.Fatalf("parse %q: %v", printed, err)
		}
		return v, 0.005
	}
	t.Fatal("no expected score")
	return 0, 0
}

func TestReferenceVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("chrf_sentence", "chrf_corpus")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			s, err := New(optionsOf(c))
			if err != nil {
				t.Fatal(err)
			}
			want, tol := wantScore(t, c)
			var got float64
			if c.Metric == "chrf_sentence" {
				var hyp string
				var refs []string
				c.Field("hypothesis", &hyp)
				c.Field("references", &refs)
				got = s.Sentence(hyp, refs)
				var same bool
				if ok, _ := c.Expect("corpus_score_same_single_segment", &same); ok && same {
					streams := make([][]string, len(refs))
					for i, r := range refs {
						streams[i] = []string{r}
					}
					corp, err := s.Corpus([]string{hyp}, streams)
					if err != nil || corp != got {
						t.Errorf("corpus of one segment = %v, %v; want %v", corp, err, got)
					}
				}
			} else {
				var hyps []string
				var refs [][]string
				c.Field("hypotheses", &hyps)
				c.Field("references", &refs)
				if got, err = s.Corpus(hyps, refs); err != nil {
					t.Fatal(err)
				}
			}
			if !refvec.Close(got, want, tol) {
				t.Errorf("score = %.17g, want %.17g (tol %g)", got, want, tol)
			}
		})
	}
}

func TestCorpusRejectsRaggedStreams(t *testing.T) {
	t.Parallel()
	s, _ := New(Defaults())
	if _, err := s.Corpus([]string{"a", "b"}, [][]string{{"a"}}); err == nil {
		t.Error("ragged reference stream accepted")
	}
}

func FuzzSentence(f *testing.F) {
	f.Add("Hello, world!", "hello world", true)
	f.Add("", "", false)
	f.Add("(hi) ΣΑΣ", "\x1c x", true)
	f.Fuzz(func(t *testing.T, hyp, ref string, plus bool) {
		o := Defaults()
		if plus {
			o.WordOrder = 2
		}
		s, _ := New(o)
		got := s.Sentence(hyp, []string{ref})
		if got < 0 || got > 100.0000001 {
			t.Errorf("chrF(%q, %q) = %v out of range", hyp, ref, got)
		}
	})
}

func BenchmarkSentenceChrF(b *testing.B) {
	hyp := "The committee said on Tuesday that it would publish its findings, including the 2,400-page report, before the end of the year."
	refs := []string{
		"On Tuesday the committee said it would release its findings, among them a 2,400-page report, by the end of the year.",
		"The panel announced on Tuesday that its conclusions, including the 2,400 page report, will be published before year's end.",
	}
	for _, wo := range []int{0, 2} {
		b.Run(fmt.Sprintf("word_order=%d", wo), func(b *testing.B) {
			o := Defaults()
			o.WordOrder = wo
			s, _ := New(o)
			b.ReportAllocs()
			for b.Loop() {
				s.Sentence(hyp, refs)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "scores/s")
		})
	}
}
