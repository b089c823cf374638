package gleu

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

// fixture is one case of testdata/gleu_nltk.json (see gleu_nltk.md for
// how the numbers were made and checked against nltk's doctests).
type fixture struct {
	Name       string   `json:"name"`
	References []string `json:"references"`
	Hypothesis string   `json:"hypothesis"`
	MinLen     int      `json:"min_len"`
	MaxLen     int      `json:"max_len"`
	TP         int      `json:"tp"`
	NAll       int      `json:"n_all"`
	GLEU       float64  `json:"gleu"`
}

func TestSentenceMatchesNLTK(t *testing.T) {
	b, err := os.ReadFile("testdata/gleu_nltk.json")
	if err != nil {
		t.Fatal(err)
	}
	var fs []fixture
	if err := json.Unmarshal(b, &fs); err != nil {
		t.Fatal(err)
	}
	if len(fs) < 10 {
		t.Fatalf("%d fixtures, want the full set", len(fs))
	}
	for _, f := range fs {
		t.Run(f.Name, func(t *testing.T) {
			refs := make([][]string, len(f.References))
			for i, r := range f.References {
				refs[i] = strings.Fields(r)
			}
			got := Sentence(refs, strings.Fields(f.Hypothesis), f.MinLen, f.MaxLen)
			if math.Abs(got.Score-f.GLEU) > 1e-12 || got.Matches != f.TP || got.Total != f.NAll {
				t.Fatalf("got %+v, want %v (%d/%d)", got, f.GLEU, f.TP, f.NAll)
			}
		})
	}
}

func TestSentenceNoReferences(t *testing.T) {
	if got := Sentence(nil, []string{"a"}, 1, 4); got.Score != 0 {
		t.Fatalf("no references: %+v, want 0", got)
	}
	if got := Sentence([][]string{{}}, nil, 1, 4); got.Score != 0 {
		t.Fatalf("nothing at all: %+v, want 0", got)
	}
}
