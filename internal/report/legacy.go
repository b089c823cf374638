package report

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Results is a re-iterable source of a run's results: each call returns a
// fresh stream.
//
// Deprecated: Results exists for Write and WriteFile, which read the
// results twice; WriteAll and Render take one stream and the run's summary.
type Results func() iter.Seq2[bench.Result, error]

// SliceResults adapts an in-memory slice to Results.
//
// Deprecated: use Slice with WriteAll or Render.
func SliceResults(rs []bench.Result) Results {
	return func() iter.Seq2[bench.Result, error] { return Slice(rs) }
}

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

// Write renders results in the named format to w, aggregating the summary
// in a first pass over results and writing in a second.
//
// Deprecated: use Render with the summary the run already holds, which
// reads the results once.
func Write(ctx context.Context, w io.Writer, format string, run bench.Run, results Results) error {
	if _, err := formatNamed(format); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	s, err := Summarize(ctx, run, results())
	if err != nil {
		return err
	}
	return Render(ctx, w, format, run, s, results())
}

// WriteFile writes one report file, aggregating the summary in a first
// pass over results and writing in a second.
//
// Deprecated: use WriteAll with the summary the run already holds, which
// writes every output from one pass.
func WriteFile(ctx context.Context, path string, run bench.Run, results Results) error {
	if _, err := formatFor(path); err != nil {
		return err
	}
	s, err := Summarize(ctx, run, results())
	if err != nil {
		return err
	}
	return WriteAll(ctx, []string{path}, run, s, results())
}
