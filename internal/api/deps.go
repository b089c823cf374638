package api

import (
	"context"
	"iter"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/benchmarks"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Store is what the service reads: runs by reference, results streamed
// for export, and the paged, filtered queries of the API.
type Store interface {
	GetRun(ctx context.Context, ref string) (*bench.Run, error)
	Results(ctx context.Context, runID string, f store.ResultFilter) iter.Seq2[bench.Result, error]
	Totals(ctx context.Context, runIDs ...string) (map[string]bench.Totals, error)
	store.ResultQuerier
}

// SubmitRequest is what the benchmark manager is asked to run.
type SubmitRequest = benchmarks.Request

// Manager queues and runs benchmarks (internal/benchmarks). Its errors
// are *problem.Details.
type Manager interface {
	Submit(ctx context.Context, owner string, req SubmitRequest) (*bench.Run, error)
	Cancel(ctx context.Context, id string) (*bench.Run, error)
	Progress(id string) (live.Progress, bool)
	Limits() (maxRunning, queueSize int)
	SetLimits(maxRunning, queueSize int) error
}

// Providers builds one provider by name (vendor or vendor:model), as
// session.Service.Provider does; stop releases what it started.
type Providers interface {
	Provider(ctx context.Context, name string) (p provider.Provider, stop func(), err error)
}
