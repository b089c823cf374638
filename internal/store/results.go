package store

import (
	"context"
	"iter"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ResultWriter is what the runner needs of the store: one method that
// stores a batch of finished results.
type ResultWriter interface {
	// WriteResults stores a batch in one transaction. A result whose
	// (run, case, prompt, provider, repetition) already exists replaces it,
	// so writes are idempotent and --retry-errors can overwrite errors.
	WriteResults(ctx context.Context, results []bench.Result) error
}

// ResultReader is what reports, resume and the `runs` commands need: the
// stored results, their keys and their totals.
type ResultReader interface {
	// Results streams a run's results in creation order without holding
	// them all in memory.
	Results(ctx context.Context, runID string, f ResultFilter) iter.Seq2[bench.Result, error]
	// Keys streams the keys of a run's results with one of the given
	// statuses (all statuses when none are given).
	Keys(ctx context.Context, runID string, statuses ...bench.Status) iter.Seq2[bench.Key, error]
	// Totals counts the stored results of each run in one grouped query,
	// so it is right while a run is live and after its process died. Runs
	// without results are absent from the map. Tokens and CostUSD are sums
	// of the records' totals; Errored counts the results whose status is
	// not success, Failed those not passed.
	Totals(ctx context.Context, runIDs ...string) (map[string]bench.Totals, error)
}

// ResultFilter narrows Results. Zero values mean "no filter".
type ResultFilter struct {
	Status   bench.Status
	Provider string
	// Passed filters on the verdict when non-nil.
	Passed *bool
	Limit  int
	Offset int
}
