package report

import (
	"iter"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Slice adapts an in-memory slice to a result stream, for tests and small
// runs.
func Slice(rs []bench.Result) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}
