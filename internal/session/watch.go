package session

import (
	"iter"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
)

// Watcher follows a run's work losslessly, unlike an event subscriber,
// which may miss events: it sees every job as it is handed out and every
// result once it is stored. Both methods must return quickly; they run on
// the run's own goroutines.
type Watcher interface {
	// Dispatched is called for each job as it is handed out, in the run's
	// order, from one goroutine.
	Dispatched(k bench.Key)
	// Saved is called for each batch of results once stored, from another
	// single goroutine. The batch must not be kept or changed.
	Saved(batch []bench.Result)
}

// StopEarly is Result.StoppedBy for a run stopped by Run.StopEarly.
const StopEarly = "stopped_early"

// stopState is a run's early stop: asked for, and whether it cut work.
type stopState struct {
	mu     sync.Mutex
	reason string
	cut    bool
}

// Watch makes w follow the run. Call it before Start; a second call
// replaces the first.
func (r *Run) Watch(w Watcher) { r.watcher = w }

// StopEarly ends the run by choice, with a reason such as "sequential":
// no new job is handed out, the jobs already handed out finish and are
// stored. If that cut any work, the run is stored as cancelled with the
// reason under "stopped_early" in its config, and Result.StoppedBy is
// StopEarly; if every job had already been handed out, it completes as
// usual. Safe to call from a Watcher and more than once (the first reason
// is kept).
func (r *Run) StopEarly(reason string) {
	r.stop.mu.Lock()
	defer r.stop.mu.Unlock()
	if r.stop.reason == "" {
		r.stop.reason = reason
	}
}

// stopped reports the early stop's reason when it cut work.
func (r *Run) stoppedEarly() (string, bool) {
	r.stop.mu.Lock()
	defer r.stop.mu.Unlock()
	return r.stop.reason, r.stop.cut
}

// watched hands jobs out while no early stop is asked, telling the
// watcher of each.
func (r *Run) watched(jobs iter.Seq2[runner.Job, error]) iter.Seq2[runner.Job, error] {
	return func(yield func(runner.Job, error) bool) {
		for j, err := range jobs {
			if err == nil && r.cutHere() {
				return
			}
			if err == nil && r.watcher != nil {
				r.watcher.Dispatched(j.Key)
			}
			if !yield(j, err) || err != nil {
				return
			}
		}
	}
}

// cutHere reports whether an early stop was asked, and records that it
// cut the run's work.
func (r *Run) cutHere() bool {
	r.stop.mu.Lock()
	defer r.stop.mu.Unlock()
	if r.stop.reason == "" {
		return false
	}
	r.stop.cut = true
	return true
}
