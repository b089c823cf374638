package editdist

import (
	"errors"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

func TestReferenceVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("edit_distance", "levenshtein", "promptfoo_assert_levenshtein")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			var a string
			var refs []string
			c.Field("prediction", &a)
			c.Field("references", &refs)
			b := refs[0]
			o := Defaults()
			c.Option("substitution_cost", &o.SubstitutionCost)
			c.Option("transpositions", &o.Transpositions)
			checks := map[string]string{"distance": CodePoints, "distance_codepoints": CodePoints,
				"distance_utf16_units": UTF16, "distance_computed": UTF16}
			n := 0
			for field, unit := range checks {
				var want int
				if ok, _ := c.Expect(field, &want); !ok {
					continue
				}
				n++
				o.Unit = unit
				got, err := Distance(a, b, o)
				if err != nil || got != want {
					t.Errorf("%s: Distance(%q, %q, %+v) = %d, %v; want %d", field, a, b, o, got, err, want)
				}
				if rev, _ := Distance(b, a, o); rev != got {
					t.Errorf("%s: not symmetric: %d vs %d", field, got, rev)
				}
			}
			var sim float64
			if ok, _ := c.Expect("similarity_codepoints_derived", &sim); ok {
				n++
				o.Unit = CodePoints
				if got, err := Similarity(a, b, o); err != nil || !refvec.Rel(got, sim) {
					t.Errorf("Similarity = %v, %v; want %v", got, err, sim)
				}
			}
			if n == 0 {
				t.Fatal("no expectation checked")
			}
		})
	}
}

func TestRates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, hyp, ref string
		wer, cer       float64
	}{
		{"identical", "the cat sat", "the cat sat", 0, 0},
		{"one substitution", "the cat sit", "the cat sat", 1.0 / 3, 1.0 / 11},
		{"deletion and insertion", "cat sat down", "the cat sat", 2.0 / 3, 8.0 / 11},
		{"whitespace normalised", " the\tcat  sat ", "the cat sat", 0, 0},
		{"empty hypothesis", "", "a b", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := WER(tt.hyp, tt.ref)
			if err != nil || !refvec.Rel(w, tt.wer) {
				t.Errorf("WER = %v, %v; want %v", w, err, tt.wer)
			}
			c, err := CER(tt.hyp, tt.ref)
			if err != nil || !refvec.Rel(c, tt.cer) {
				t.Errorf("CER = %v, %v; want %v", c, err, tt.cer)
			}
		})
	}
	if _, err := WER("a", " "); !errors.Is(err, ErrEmptyReference) {
		t.Errorf("WER with empty reference: err = %v", err)
	}
	if _, err := Distance("a", "b", Options{Unit: "bytes"}); err == nil {
		t.Error("unknown unit accepted")
	}
}

func FuzzDistance(f *testing.F) {
	f.Add("kitten", "sitting", true)
	f.Add("😀", "a", false)
	f.Add("", "\xff", true)
	f.Fuzz(func(t *testing.T, a, b string, tr bool) {
		o := Defaults()
		o.Transpositions = tr
		d, _ := Distance(a, b, o)
		la, lb := len([]rune(a)), len([]rune(b))
		if d < max(la, lb)-min(la, lb) || d > max(la, lb) {
			t.Errorf("Distance(%q, %q) = %d outside [|la-lb|, max]", a, b, d)
		}
	})
}

func BenchmarkDistance(b *testing.B) {
	x := "The committee said on Tuesday that it would publish its findings."
	y := "On Tuesday the committee said it would release its findings."
	for b.Loop() {
		Distance(x, y, Defaults())
	}
}
