package rouge

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

// expectedScores returns the full-precision scores of a vector when it has
// them (tolerance 1e-9), else the asserted ones with their places. Each
// type maps the fields the vector gives (precision, recall, fmeasure) to
// their values; asserted scores may give only some.
func expectedScores(t *testing.T, c refvec.Case) (map[string]map[string]float64, float64) {
	t.Helper()
	fields := func(in map[string]Score) map[string]map[string]float64 {
		out := make(map[string]map[string]float64, len(in))
		for k, s := range in {
			out[k] = map[string]float64{"precision": s.Precision, "recall": s.Recall, "fmeasure": s.FMeasure}
		}
		return out
	}
	var comp map[string]Score
	if ok, err := c.Expect("computed", &comp); err != nil {
		t.Fatal(err)
	} else if ok && comp != nil {
		return fields(comp), 0
	}
	var asserted map[string]map[string]float64
	if ok, _ := c.Expect("asserted", &asserted); ok {
		var places float64
		c.Expect("assert_places", &places)
		return asserted, 0.5 * math.Pow(10, -places)
	}
	out := map[string]Score{}
	for k, raw := range c.Expected {
		var s Score
		if err := json.Unmarshal(raw, &s); err == nil {
			out[k] = s
		}
	}
	return fields(out), 0
}

func TestReferenceVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("rouge", "rouge_multi")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			var split bool
			c.Option("split_summaries", &split)
			var types []string
			var stem bool
			c.Option("rouge_types", &types)
			c.Option("use_stemmer", &stem)
			s, err := New(types, stem, SplitSummaries(split))
			if err != nil {
				t.Fatal(err)
			}
			var pred string
			var refs []string
			c.Field("prediction", &pred)
			var got map[string]Score
			if c.Metric == "rouge_multi" {
				c.Field("targets", &refs)
				got = s.ScoreMulti(refs, pred)
			} else {
				c.Field("references", &refs)
				got = s.Score(refs[0], pred)
			}
			want, tol := expectedScores(t, c)
			if len(want) == 0 {
				t.Fatal("no expected scores")
			}
			for typ, w := range want {
				g := got[typ]
				gf := map[string]float64{"precision": g.Precision, "recall": g.Recall, "fmeasure": g.FMeasure}
				for field, wv := range w {
					if gv, known := gf[field]; !known || !refvec.Close(gv, wv, tol) {
						t.Errorf("%s %s = %v, want %v (tol %g; got %+v)", typ, field, gv, wv, tol, g)
					}
				}
			}
			var toks struct{ Target, Prediction []string }
			if c.Has("tokens") {
				c.Field("tokens", &toks)
				if diff := cmp.Diff(toks.Target, Tokenize(refs[0], stem), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("target tokens (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(toks.Prediction, Tokenize(pred, stem), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("prediction tokens (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestTokenizeVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("rouge_tokenize")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			var in string
			var stem bool
			var want []string
			c.Field("input", &in)
			c.Option("use_stemmer", &stem)
			c.Expect("tokens", &want)
			if diff := cmp.Diff(want, Tokenize(in, stem), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Tokenize(%q) (-want +got):\n%s", in, diff)
			}
		})
	}
}

func TestSummaryLevelLCSVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("rouge_summary_level_lcs")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			var tgt, pred [][]int
			var r, p, f float64
			c.Field("target_sentences", &tgt)
			c.Field("prediction_sentences", &pred)
			c.Expect("recall", &r)
			c.Expect("precision", &p)
			c.Expect("fmeasure_3dp", &f)
			got := SummaryLCS(tgt, pred)
			if !refvec.Rel(got.Recall, r) || !refvec.Rel(got.Precision, p) || !refvec.Close(got.FMeasure, f, 5e-4) {
				t.Errorf("SummaryLCS = %+v, want P %v R %v F≈%v", got, p, r, f)
			}
		})
	}
}

func TestNewRejectsBadTypes(t *testing.T) {
	t.Parallel()
	for _, types := range [][]string{nil, {"rouge0"}, {"rouge10"}, {"rougeX"}, {"rouge1", "bleu"}} {
		if _, err := New(types, false); err == nil {
			t.Errorf("New(%q) = nil error, want one", types)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "The quick-brown fox's 2nd run!", "İSTANBUL ΣΑΣ", "a\nb\n\nc", "\xff"} {
		f.Add(s)
	}
	s, _ := New([]string{"rouge1", "rouge2", "rougeL", "rougeLsum"}, true)
	f.Fuzz(func(t *testing.T, in string) {
		for _, tok := range Tokenize(in, true) {
			for i := 0; i < len(tok); i++ {
				if (tok[i] < 'a' || tok[i] > 'z') && (tok[i] < '0' || tok[i] > '9') {
					t.Fatalf("token %q has a byte outside [a-z0-9]", tok)
				}
			}
		}
		for typ, sc := range s.Score(in, in+" x") {
			if sc.FMeasure < 0 || sc.FMeasure > 1 {
				t.Errorf("%s F = %v out of [0,1]", typ, sc.FMeasure)
			}
		}
	})
}

func BenchmarkRougeL(b *testing.B) {
	target := "The committee said on Tuesday that it would publish its findings, including the 2,400-page report, before the end of the year, and that it expects the minister to respond in writing."
	pred := "On Tuesday the committee said it would release its findings, among them a 2,400-page report, by the end of the year; the minister is expected to respond in writing."
	s, err := New([]string{"rougeL"}, false)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Score(target, pred)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "scores/s")
}
