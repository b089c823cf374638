package benchmarks

import (
	"context"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Cancel cancels a benchmark by id (or unique id prefix): a queued one at
// once; a running one stops making calls, its finished results kept, and
// Cancel returns once it has stopped (or ctx ends). 404 for an unknown id,
// 409 for a benchmark that has already ended or that another process is
// running.
func (m *Manager) Cancel(ctx context.Context, id string) (*bench.Run, error) {
	if j := m.held(id); j != nil {
		return m.cancelHeld(ctx, j)
	}
	run, err := m.st.GetRun(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(id)
	}
	if errors.Is(err, store.ErrAmbiguous) {
		return nil, badField("id", "%q names several benchmarks; give more of the id", id)
	}
	if err != nil {
		return nil, fmt.Errorf("cancel benchmark: %w", err)
	}
	if j := m.held(run.ID); j != nil {
		return m.cancelHeld(ctx, j)
	}
	switch run.Status {
	case bench.RunQueued, bench.RunInterrupted:
		// Nobody executes it now: a stopped server left it.
		m.finalize(ctx, run, bench.RunCancelled, "")
		return run, nil
	case bench.RunRunning:
		return nil, conflict("benchmark %s is running in another process; cancel it there", run.ID)
	}
	return nil, conflict("benchmark %s has already ended (%s)", run.ID, run.Status)
}

// held returns the job this process holds under id.
func (m *Manager) held(id string) *job {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.jobs[id]
}

func (m *Manager) cancelHeld(ctx context.Context, j *job) (*bench.Run, error) {
	m.mu.Lock()
	waiting := j.state == bench.RunQueued
	if waiting {
		for i, q := range m.queue {
			if q == j {
				m.queue = append(m.queue[:i:i], m.queue[i+1:]...)
				break
			}
		}
		delete(m.jobs, j.id)
		close(j.done)
	}
	m.mu.Unlock()
	if waiting {
		run, err := m.st.GetRun(ctx, j.id)
		if err != nil {
			return nil, fmt.Errorf("cancel benchmark: %w", err)
		}
		m.finalize(ctx, run, bench.RunCancelled, "")
		return run, nil
	}
	j.cancel()
	select {
	case <-j.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	run, err := m.st.GetRun(context.WithoutCancel(ctx), j.id)
	if err != nil {
		return nil, fmt.Errorf("cancel benchmark: %w", err)
	}
	return run, nil
}

// Progress returns the live figures of a benchmark this process holds
// (queued or running); false for any other.
func (m *Manager) Progress(id string) (live.Progress, bool) {
	j := m.held(id)
	if j == nil {
		return live.Progress{}, false
	}
	m.mu.Lock()
	state := j.state
	m.mu.Unlock()
	p := j.snapshot()
	if state == bench.RunRunning && p.Status == string(bench.RunQueued) {
		p.Status = string(bench.RunRunning) // starting: no event yet
	}
	return p, true
}
