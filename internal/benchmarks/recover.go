package benchmarks

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// recover takes over the server runs nobody holds: queued ones released by
// a process that shut down, and queued or running ones whose last sign of
// life is older than RecoverAfter (their process died). With on_restart =
// "resume" they join the queue (beyond its size: none is ever dropped);
// with "fail" they are marked failed with the reason.
func (m *Manager) recover(ctx context.Context) error {
	candidates, err := m.orphans(ctx)
	if err != nil {
		return err
	}
	for i := range candidates {
		run := &candidates[i]
		m.mu.Lock()
		_, held := m.jobs[run.ID]
		closing := m.closing
		m.mu.Unlock()
		if held || closing {
			continue
		}
		if m.o.OnRestart == OnRestartFail {
			m.log.Warn("benchmark abandoned by a stopped server marked failed", "run", run.ID, "status", run.Status)
			m.finalize(ctx, run, bench.RunFailed, fmt.Sprintf("the server stopped while the benchmark was %s, and [server] on_restart = \"fail\"", run.Status))
			continue
		}
		if err := m.requeue(ctx, run); err != nil {
			return err
		}
	}
	return nil
}

// requeue puts an abandoned run back in the queue, stored as queued.
func (m *Manager) requeue(ctx context.Context, run *bench.Run) error {
	was := run.Status
	if all, err := m.st.Totals(ctx, run.ID); err == nil {
		run.Totals = all[run.ID]
	}
	run.Status = bench.RunQueued
	delete(run.Config, releasedKey)
	run.UpdatedAt = store.Now()
	if err := m.st.UpdateRun(ctx, run); err != nil {
		return fmt.Errorf("requeue benchmark %s: %w", run.ID, err)
	}
	m.log.Info("benchmark abandoned by a stopped server queued again", "run", run.ID, "was", was, "done", run.Totals.Results, "total", run.Total)
	j := newJob(run)
	m.publish(run, j.snapshot()) // before the dispatcher can see it: queued comes first
	m.mu.Lock()
	if m.closing {
		m.mu.Unlock()
		m.release(context.WithoutCancel(ctx), run.ID)
		return nil
	}
	m.jobs[run.ID] = j
	m.queue = append(m.queue, j)
	m.mu.Unlock()
	m.signal()
	return nil
}

// orphans lists the server runs that nobody holds, oldest first.
func (m *Manager) orphans(ctx context.Context) ([]bench.Run, error) {
	now := time.Now()
	var out []bench.Run
	for _, status := range []bench.RunStatus{bench.RunQueued, bench.RunRunning, bench.RunInterrupted} {
		const page = 200
		for off := 0; ; off += page {
			runs, err := m.st.ListRuns(ctx, store.RunFilter{Status: status, Limit: page, Offset: off})
			if err != nil {
				return nil, fmt.Errorf("list %s runs: %w", status, err)
			}
			for _, r := range runs {
				if originOf(&r) != Origin {
					continue
				}
				_, released := r.Config[releasedKey]
				stale := now.Sub(store.LastSeen(&r)) > m.o.RecoverAfter
				if (released && r.Status == bench.RunQueued) || stale {
					out = append(out, r)
				}
			}
			if len(runs) < page {
				break
			}
		}
	}
	// Resume the oldest first.
	slices.SortStableFunc(out, func(a, b bench.Run) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// originOf reads the origin a run's saved options name.
func originOf(run *bench.Run) string {
	opts, _ := run.Config["bench"].(map[string]any)
	s, _ := opts["origin"].(string)
	return s
}
