package benchmarks

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// execute runs one job through the session: the stored queued (or
// interrupted) run is continued with the options it was submitted with,
// so every finished result is kept and none is made twice.
func (m *Manager) execute(j *job) {
	defer func() {
		m.mu.Lock()
		m.running--
		delete(m.jobs, j.id)
		m.mu.Unlock()
		close(j.done)
		m.runs.Done()
		m.signal()
	}()
	// The run outlives its request, so it is not cancelled with it; its
	// span still has the request's as parent (no parent when tracing is off).
	ctx := trace.ContextWithSpanContext(context.Background(), j.parent)
	j.mu.Lock()
	cancelled, interrupted := j.cancelled, j.interrupted
	j.mu.Unlock()
	switch {
	case cancelled:
		m.endQueued(ctx, j.id, bench.RunCancelled, "")
		return
	case interrupted:
		m.release(ctx, j.id)
		return
	}
	p, err := m.svc.Continue(ctx, j.id, false, nil)
	if err != nil {
		m.endQueued(ctx, j.id, bench.RunFailed, fmt.Sprintf("the benchmark could not start: %v", err))
		return
	}
	defer func() {
		if err := p.Close(); err != nil {
			m.log.Warn("close benchmark plan", "run", j.id, "error", err)
		}
	}()
	if p.Options().Distributed {
		if m.o.Distributor == nil {
			// Submitted to a server that had workers; this one has none.
			m.endQueued(ctx, j.id, bench.RunFailed, "the benchmark asks for workers, and this server runs no distributed benchmarks (start it with `serve --distributed`)")
			return
		}
		p.Distribute(m.o.Distributor)
	}
	base, err := m.finishedBefore(ctx, j.id)
	if err != nil {
		m.endQueued(ctx, j.id, bench.RunFailed, fmt.Sprintf("the benchmark could not start: %v", err))
		return
	}
	sr := p.NewRun()
	sub := sr.Subscribe(256)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		m.watch(j, sub, base)
	}()
	j.mu.Lock()
	j.sr = sr
	if j.cancelled {
		sr.Cancel()
	}
	if j.interrupted {
		sr.Interrupt()
	}
	j.mu.Unlock()
	if err := sr.Start(ctx); err != nil {
		<-watched
		m.endQueued(ctx, j.id, bench.RunFailed, fmt.Sprintf("the benchmark could not start: %v", err))
		return
	}
	res := sr.Wait()
	<-watched
	if res.StoppedBy == session.StopInterrupted {
		m.release(ctx, j.id)
		return
	}
	run := res.Run
	if res.Err != nil {
		m.log.Error("benchmark failed", "run", j.id, "error", res.Err)
		m.noteFailure(ctx, &run, res.Err.Error())
	}
	m.publish(&run, progressOf(run.Status, run.Total, run.Totals))
}

// watch publishes a running job's progress from its event stream:
// cumulative figures (results an earlier process finished included) when
// it starts and at every saved batch. It runs beside the run, so a slow
// publisher never slows the run; events it cannot keep up with are dropped
// by the bus and the next batch's figures are right again.
func (m *Manager) watch(j *job, sub *event.Subscription, base bench.Totals) {
	run := &bench.Run{ID: j.id, UserID: j.owner}
	p := progressOf(bench.RunRunning, j.total, base)
	p.BenchmarkID = j.id
	for e := range sub.Events() {
		switch e.Type {
		case event.TypeRunStarted:
		case event.TypeBatchSaved:
			b := e.Progress
			p.Done = base.Results + b.Done
			p.Errors = base.Errored + b.Errors
			p.Failed = max(base.Failed-base.Errored, 0) + b.Failed
			p.Passed = base.Passed + max(b.Done-b.Errors-b.Failed, 0)
			p.CostUSD = base.CostUSD + b.CostUSD
		default:
			continue
		}
		j.setProgress(p)
		m.publish(run, p)
	}
}

// finishedBefore totals the results a resumed run keeps: what an earlier
// process stored, less the results the resume makes again (calls cut off
// by a cancel or interrupt).
func (m *Manager) finishedBefore(ctx context.Context, id string) (bench.Totals, error) {
	all, err := m.st.Totals(ctx, id)
	if err != nil {
		return bench.Totals{}, fmt.Errorf("read totals: %w", err)
	}
	t := all[id]
	for _, s := range []bench.Status{bench.StatusCancelled, bench.StatusSkipped} {
		for r, err := range m.st.Results(ctx, id, store.ResultFilter{Status: s}) {
			if err != nil {
				return bench.Totals{}, fmt.Errorf("read results: %w", err)
			}
			t.Results--
			t.Errored--
			if r.Passed {
				t.Passed--
			} else {
				t.Failed--
			}
			t.CostUSD -= r.Cost.Total
		}
	}
	return t, nil
}

// endQueued ends a run that never ran in this process: cancelled or
// failed, with the reason kept in its config.
func (m *Manager) endQueued(ctx context.Context, id string, status bench.RunStatus, reason string) {
	run, err := m.st.GetRun(ctx, id)
	if err != nil {
		m.log.Error("end benchmark", "run", id, "status", status, "error", err)
		return
	}
	if reason != "" {
		m.log.Warn("benchmark failed", "run", id, "reason", reason)
	}
	m.finalize(ctx, run, status, reason)
}

// finalize stores run's final status with its stored totals and
// publishes it.
func (m *Manager) finalize(ctx context.Context, run *bench.Run, status bench.RunStatus, reason string) {
	if all, err := m.st.Totals(ctx, run.ID); err == nil {
		run.Totals = all[run.ID]
	}
	run.Status = status
	if reason != "" {
		if run.Config == nil {
			run.Config = map[string]any{}
		}
		run.Config[errorKey] = reason
	}
	delete(run.Config, releasedKey)
	run.UpdatedAt = store.Now()
	if err := m.st.UpdateRun(ctx, run); err != nil {
		m.log.Error("end benchmark", "run", run.ID, "status", status, "error", err)
		return
	}
	m.publish(run, progressOf(status, run.Total, run.Totals))
}

// noteFailure keeps why a run failed in its config.
func (m *Manager) noteFailure(ctx context.Context, run *bench.Run, reason string) {
	if run.Config == nil {
		run.Config = map[string]any{}
	}
	run.Config[errorKey] = reason
	if err := m.st.UpdateRun(ctx, run); err != nil {
		m.log.Error("record benchmark failure", "run", run.ID, "error", err)
	}
}

// errorKey holds, in a run's Config, why the queue failed it.
const errorKey = "error"
