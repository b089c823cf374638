package report

import (
	"context"
	"fmt"
	"iter"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// millionResults is a run of 1,000,000 results: 2 providers x 100,000
// cases x 5 repetitions, with a tenth of the cases flaky.
func millionResults(sample func()) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		const cases, reps = 100_000, 5
		for i := range cases * reps * 2 {
			if sample != nil && i%100_000 == 0 {
				sample()
			}
			r := benchResult(i)
			c := (i / 2) % cases
			r.CaseID, r.Repetition = fmt.Sprint("case-", c), (i/2)/cases
			r.Passed = c%10 != 0 || r.Repetition%2 == 0
			if !yield(r, nil) {
				return
			}
		}
	}
}

// BenchmarkSummarizeMillion aggregates a 1,000,000-result run for a
// report, as `runs show` and the reports do, and reports the time per
// result and the live heap the aggregation holds at its peak (the
// per-case state: 200,000 case keys here).
func BenchmarkSummarizeMillion(b *testing.B) {
	var peak uint64
	for b.Loop() {
		base := liveHeap()
		s, err := Summarize(context.Background(), bench.Run{ID: "million"}, millionResults(func() {
			if h := liveHeap(); h > base {
				peak = max(peak, h-base)
			}
		}))
		if err != nil || s.Total != 1_000_000 {
			b.Fatalf("%d results, %v", s.Total, err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-MB")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1_000_000, "ns/result") // a million results per op
}
