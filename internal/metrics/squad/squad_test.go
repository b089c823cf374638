package squad

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/pytext"
	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

func TestReferenceVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("squad_em_f1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID+"_"+c.Name, func(t *testing.T) {
			t.Parallel()
			var pred, wantNP string
			var refs, wantNR []string
			var v1 struct {
				ExactMatch float64 `json:"exact_match"`
				F1         float64 `json:"f1"`
			}
			var v2 struct {
				Exact float64 `json:"exact"`
				F1    float64 `json:"f1"`
			}
			c.Field("prediction", &pred)
			c.Field("references", &refs)
			c.Expect("v1.1", &v1)
			c.Expect("v2.0", &v2)
			c.Expect("normalized_prediction", &wantNP)
			c.Expect("normalized_references", &wantNR)
			if diff := cmp.Diff(wantNP, Normalize(pred)); diff != "" {
				t.Errorf("Normalize(%q) (-want +got):\n%s", pred, diff)
			}
			for i, r := range refs {
				if diff := cmp.Diff(wantNR[i], Normalize(r)); diff != "" {
					t.Errorf("Normalize(%q) (-want +got):\n%s", r, diff)
				}
			}
			g1, err := Compute(pred, refs, V1)
			if err != nil {
				t.Fatal(err)
			}
			if g1.ExactMatch != v1.ExactMatch || !refvec.Rel(g1.F1, v1.F1) {
				t.Errorf("v1.1 = %+v, want %+v", g1, v1)
			}
			g2, err := Compute(pred, refs, V2)
			if err != nil {
				t.Fatal(err)
			}
			if g2.ExactMatch != v2.Exact || !refvec.Rel(g2.F1, v2.F1) {
				t.Errorf("v2.0 = %+v, want %+v", g2, v2)
			}
		})
	}
}

func TestComputeErrors(t *testing.T) {
	t.Parallel()
	if _, err := Compute("x", nil, V1); !errors.Is(err, ErrNoReference) {
		t.Errorf("v1.1 without golds: err = %v, want ErrNoReference", err)
	}
	if got, err := Compute("", nil, V2); err != nil || got != (Score{ExactMatch: 1, F1: 1}) {
		t.Errorf("v2.0 empty vs none = %+v, %v; want EM 1 F1 1", got, err)
	}
	if _, err := Compute("x", []string{"x"}, "v3"); err == nil {
		t.Error("unknown version accepted")
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "The  Answer!", "éa b", "İstanbul\x1fthe", "a an the"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if strings.ContainsAny(n, pytext.Punctuation) || strings.Contains(n, "  ") {
			t.Errorf("Normalize(%q) = %q keeps punctuation or double spaces", s, n)
		}
		sc, err := Compute(s, []string{s}, V2)
		if err != nil || sc.ExactMatch != 1 || sc.F1 != 1 {
			t.Errorf("Compute(%q, itself) = %+v, %v; want 1, 1", s, sc, err)
		}
	})
}
