// Package store keeps runs and their result records. One interface, two
// backends (SQLite by default, PostgreSQL for teams) that pass one
// conformance suite (storetest).
package store

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ErrNotFound is returned when a run or result does not exist.
var ErrNotFound = errors.New("not found")

// RunFilter narrows ListRuns. Zero values mean "no filter"; Limit 0 means 50.
type RunFilter struct {
	Status bench.RunStatus
	Limit  int
	Offset int
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

// Store is the persistence seam used by the runner, the CLI and the server.
type Store interface {
	// CreateRun inserts a new run; run.ID must be set.
	CreateRun(ctx context.Context, run *bench.Run) error
	// UpdateRun saves a run's status, total, totals, config and UpdatedAt.
	UpdateRun(ctx context.Context, run *bench.Run) error
	// GetRun returns a run by id, or by a unique id prefix of at least 6 characters.
	GetRun(ctx context.Context, id string) (*bench.Run, error)
	// ListRuns returns runs, newest first.
	ListRuns(ctx context.Context, f RunFilter) ([]bench.Run, error)
	// DeleteRun removes a run and its results.
	DeleteRun(ctx context.Context, id string) error

	// WriteResults stores a batch in one transaction. A result whose
	// (run, case, prompt, provider, repetition) already exists replaces it,
	// so writes are idempotent and --retry-errors can overwrite errors.
	WriteResults(ctx context.Context, results []bench.Result) error
	// Results streams a run's results in creation order without holding
	// them all in memory.
	Results(ctx context.Context, runID string, f ResultFilter) iter.Seq2[bench.Result, error]
	// Keys streams the keys of a run's results with one of the given
	// statuses (all statuses when none are given).
	Keys(ctx context.Context, runID string, statuses ...bench.Status) iter.Seq2[bench.Key, error]

	// Ping checks the database is reachable.
	Ping(ctx context.Context) error
	Close() error
}

// Now is the clock used for timestamps, truncated to microseconds so both
// backends round-trip it exactly.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
