package inference

import (
	"encoding/json"
	"testing"
)

// BenchmarkComputeLine times the heaviest closed-form kinds and the seeded
// kinds at their default sizes on 200 items.
func BenchmarkComputeLine(b *testing.B) {
	a, base := shifted(200, 0.02, 5)
	d := diffs(a[:50], base[:50])
	for _, tc := range []struct {
		kind   string
		inputs map[string]any
	}{
		{"wilcoxon", map[string]any{"d": d, "method": "exact"}},
		{"paired_t", map[string]any{"a": a, "b": base}},
		{"paired_bootstrap", map[string]any{"a": a, "b": base}},
		{"permutation", map[string]any{"a": a, "b": base}},
	} {
		in, _ := json.Marshal(tc.inputs)
		line, _ := json.Marshal(Request{Kind: tc.kind, Inputs: in})
		b.Run(tc.kind, func(b *testing.B) {
			for b.Loop() {
				if _, err := ComputeLine(line); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
