package benchmarks

import (
	"sync"

	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// job is a benchmark this process holds: waiting in the queue or running.
// The manager's lock guards state; the job's own lock the rest.
type job struct {
	id    string
	owner string
	total int
	state bench.RunStatus // queued or running
	done  chan struct{}   // closed when the job has ended
	// parent is the span of the request that submitted the job: its run's
	// span is a child of it. Invalid for runs recovered after a restart.
	parent trace.SpanContext

	mu          sync.Mutex
	sr          *session.Run
	cancelled   bool
	interrupted bool
	progress    live.Progress
}

func newJob(run *bench.Run) *job {
	j := &job{id: run.ID, owner: run.UserID, total: run.Total, state: bench.RunQueued, done: make(chan struct{})}
	j.progress = progressOf(bench.RunQueued, run.Total, run.Totals)
	j.progress.BenchmarkID = run.ID
	return j
}

// cancel stops the job's run (or marks it, before it starts).
func (j *job) cancel() {
	j.mu.Lock()
	j.cancelled = true
	sr := j.sr
	j.mu.Unlock()
	if sr != nil {
		sr.Cancel()
	}
}

// interrupt checkpoints the job's run for the next process.
func (j *job) interrupt() {
	j.mu.Lock()
	j.interrupted = true
	sr := j.sr
	j.mu.Unlock()
	if sr != nil {
		sr.Interrupt()
	}
}

func (j *job) setProgress(p live.Progress) {
	j.mu.Lock()
	j.progress = p
	j.mu.Unlock()
}

func (j *job) snapshot() live.Progress {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.progress
}

// progressOf turns stored totals into the progress figures the API shows:
// Failed counts results that were answered but failed their checks, Errors
// the calls that failed.
func progressOf(status bench.RunStatus, total int, t bench.Totals) live.Progress {
	return live.Progress{
		Status: string(status), Done: t.Results, Total: total, Passed: t.Passed,
		Failed: max(t.Failed-t.Errored, 0), Errors: t.Errored, CostUSD: t.CostUSD,
	}
}
