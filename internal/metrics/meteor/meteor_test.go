package meteor

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/refvec"
)

func TestReferenceVectors(t *testing.T) {
	t.Parallel()
	cases, err := refvec.Load("meteor")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			var hyp []string
			var refs [][]string
			var want float64
			c.Field("hypothesis", &hyp)
			c.Field("references", &refs)
			c.Expect("score", &want)
			if got := Score(refs, hyp, Defaults()); !refvec.Rel(got, want) {
				t.Errorf("Score = %.17g, want %.17g", got, want)
			}
		})
	}
}

func TestStemStage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ref, hyp  []string
		wantAbove float64
	}{
		{"stems match", []string{"the", "cats", "running"}, []string{"the", "cat", "runs"}, 0.9},
		{"nothing matches", []string{"a"}, []string{"b"}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Single(tt.ref, tt.hyp, Defaults())
			if tt.wantAbove < 0 && got != 0 || tt.wantAbove >= 0 && got <= tt.wantAbove {
				t.Errorf("Single = %v, want > %v (0 when negative)", got, tt.wantAbove)
			}
		})
	}
	if got := Score(nil, []string{"a"}, Defaults()); got != 0 {
		t.Errorf("Score without references = %v, want 0", got)
	}
}
