package analysis_test

import (
	"math"
	"slices"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
)

func TestFrontier(t *testing.T) {
	t.Parallel()
	qcl := []analysis.Goal{analysis.Maximize, analysis.Minimize, analysis.Minimize}
	nan := math.NaN()
	tests := []struct {
		name   string
		points [][]float64
		goals  []analysis.Goal
		want   []int
	}{
		{"empty", nil, qcl, nil},
		{"one", [][]float64{{0.5, 1, 1}}, qcl, []int{0}},
		{
			"trade-offs kept, dominated dropped",
			[][]float64{
				{0.9, 10, 2}, // best quality
				{0.7, 1, 1},  // cheapest and fastest
				{0.7, 2, 1},  // dominated by 1 (costs more)
				{0.6, 1, 1},  // dominated by 1 (worse quality)
				{0.8, 5, 3},  // a trade-off: between 0 and 1 on quality and cost
			},
			qcl, []int{0, 1, 4},
		},
		{"equal points both kept", [][]float64{{0.5, 1, 1}, {0.5, 1, 1}, {0.4, 1, 1}}, qcl, []int{0, 1}},
		{"NaN neither kept nor dominating", [][]float64{{nan, 0, 0}, {0.5, 1, 1}, {0.4, nan, 0}}, qcl, []int{1}},
		{"maximize only", [][]float64{{1}, {3}, {2}}, []analysis.Goal{analysis.Maximize}, []int{1}},
		{"minimize only", [][]float64{{1}, {3}, {1}}, []analysis.Goal{analysis.Minimize}, []int{0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := analysis.Frontier(tt.points, tt.goals); !slices.Equal(got, tt.want) {
				t.Errorf("Frontier = %v, want %v", got, tt.want)
			}
		})
	}
}
