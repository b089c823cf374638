package store

import (
	"context"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// RunStore keeps runs: what the CLI, the run service and the server need
// to start, track, find and finish them.
type RunStore interface {
	// CreateRun inserts a new run; run.ID must be set. The store assigns
	// run.Seq, the run's number in this database (never reused).
	CreateRun(ctx context.Context, run *bench.Run) error
	// UpdateRun saves a run's status, total, totals, config and UpdatedAt.
	// bench.RunInterrupted is derived, never stored: UpdateRun refuses it.
	UpdateRun(ctx context.Context, run *bench.Run) error
	// Heartbeat records that the process executing runID is alive at at.
	// A live run beats every HeartbeatInterval.
	Heartbeat(ctx context.Context, runID string, at time.Time) error
	// GetRun returns a run by reference (see ResolveRun): its id, a unique id
	// prefix of at least MinPrefix characters, or its number (#12 or 12).
	// A running run whose heartbeat is stale comes back interrupted.
	GetRun(ctx context.Context, ref string) (*bench.Run, error)
	// ListRuns returns runs, newest first, with the same derived status
	// as GetRun.
	ListRuns(ctx context.Context, f RunFilter) ([]bench.Run, error)
	// DeleteRun removes a run (by exact id) and its results.
	DeleteRun(ctx context.Context, id string) error
}

// RunFilter narrows ListRuns. Zero values mean "no filter"; Limit 0 means 50.
// Status bench.RunRunning selects live runs only, bench.RunInterrupted the
// running runs whose heartbeat is stale.
type RunFilter struct {
	Status bench.RunStatus
	Limit  int
	Offset int
}

const (
	// HeartbeatInterval is how often the process executing a run should
	// call Heartbeat.
	HeartbeatInterval = 5 * time.Second
	// StaleAfter is how long a running run may go without a sign of life
	// before it is reported as interrupted: several missed heartbeats, so
	// that a busy machine or a slow database write is not mistaken for a
	// dead process.
	StaleAfter = 30 * time.Second
)

// LastSeen is the last sign of life of run: its heartbeat, or its last
// update when that is later (a run resumed by UpdateRun counts as alive
// before its first beat, and runs stored before heartbeats existed fall
// back on their last update).
func LastSeen(run *bench.Run) time.Time {
	if run.HeartbeatAt.After(run.UpdatedAt) {
		return run.HeartbeatAt
	}
	return run.UpdatedAt
}

// DeriveStatus reports a running run whose last sign of life is older
// than StaleAfter at now as bench.RunInterrupted. Backends apply it to
// every run they return; it changes nothing stored.
func DeriveStatus(run *bench.Run, now time.Time) {
	if run.Status == bench.RunRunning && now.Sub(LastSeen(run)) > StaleAfter {
		run.Status = bench.RunInterrupted
	}
}
