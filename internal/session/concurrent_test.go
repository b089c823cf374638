package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// TestTwoRunsAtOnceOneCancelled runs two runs concurrently through one
// service and one store, cancels one mid-run, and checks that each ends
// with its own status, complete records and its own events only.
func TestTwoRunsAtOnceOneCancelled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Every answer takes 10ms, so the cancel lands while both runs call.
	cfg := loadConfig(t, "[providers.simulator.options]\npolicy = \"echo\"\nlatency = \"10ms\"\n")
	st := openStore(t)
	svc := session.New(cfg, st, nil)

	plan := func(name, prefix string, n int) *session.Plan {
		t.Helper()
		p, err := svc.Plan(ctx, session.Options{
			Datasets: []string{writeCases(t, prefix, n, "")}, Providers: []string{"simulator:fast"},
			Concurrency: 4, Name: name, NoCache: true,
		}, session.ModeRun)
		if err != nil {
			t.Fatalf("plan %s: %v", name, err)
		}
		t.Cleanup(func() { p.Close() })
		if p.Planned() != n {
			t.Fatalf("plan %s: %d planned, want %d", name, p.Planned(), n)
		}
		return p
	}
	const nCancelled, nCompleted = 1000, 150
	cancelled := plan("cancelled", "a", nCancelled).NewRun()
	completed := plan("completed", "b", nCompleted).NewRun()
	if cancelled.ID() == completed.ID() {
		t.Fatal("two runs share an id")
	}
	evCancelled := collect(cancelled.Subscribe(1 << 16))
	evCompleted := collect(completed.Subscribe(1 << 16))
	for _, r := range []*session.Run{cancelled, completed} {
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}

	deadline := time.Now().Add(20 * time.Second)
	for cancelled.Counters().Snapshot().Done < 30 || completed.Counters().Snapshot().Done < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("runs made no progress: %+v %+v", cancelled.Counters().Snapshot(), completed.Counters().Snapshot())
		}
		time.Sleep(2 * time.Millisecond)
	}
	cancelled.Cancel()
	if done := completed.Counters().Snapshot().Done; done >= nCompleted {
		t.Errorf("the second run had finished (%d results) before the first was cancelled: the runs did not overlap", done)
	}

	resCancelled, resCompleted := cancelled.Wait(), completed.Wait()
	for _, tc := range []struct {
		name      string
		run       *session.Run
		res       session.Result
		events    []event.Event
		status    bench.RunStatus
		stoppedBy string
		other     string
	}{
		{"cancelled", cancelled, resCancelled, evCancelled.wait(t), bench.RunCancelled, runner.StopCancelled, completed.ID()},
		{"completed", completed, resCompleted, evCompleted.wait(t), bench.RunCompleted, "", cancelled.ID()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := tc.run.ID()
			if tc.res.Err != nil {
				t.Fatalf("run failed: %v", tc.res.Err)
			}
			if tc.res.Run.Status != tc.status || tc.res.StoppedBy != tc.stoppedBy {
				t.Errorf("status %s stopped by %q, want %s stopped by %q", tc.res.Run.Status, tc.res.StoppedBy, tc.status, tc.stoppedBy)
			}
			row, err := st.GetRun(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if row.Status != tc.status {
				t.Errorf("stored status %s, want %s", row.Status, tc.status)
			}
			results := stored(t, st, id)
			checkRecords(t, tc.name, results, st.writes(id), row)
			checkEvents(t, tc.events, id, tc.other, results, tc.status)
			switch tc.status {
			case bench.RunCompleted:
				if len(results) != nCompleted {
					t.Errorf("%d results stored, want all %d planned", len(results), nCompleted)
				}
				for _, r := range results {
					if r.Status != bench.StatusSuccess {
						t.Errorf("result %s: %s %+v; the other run's cancel reached this one", r.CaseID, r.Status, r.Error)
					}
				}
			case bench.RunCancelled:
				if len(results) < 30 || len(results) >= nCancelled {
					t.Errorf("%d results stored; want the ones finished before the cancel (at least 30) and not all %d", len(results), nCancelled)
				}
				for _, r := range results {
					if r.Status != bench.StatusSuccess && r.Status != bench.StatusCancelled {
						t.Errorf("result %s of the cancelled run: %s %+v, want success or cancelled", r.CaseID, r.Status, r.Error)
					}
				}
			}
		})
	}
}

// checkRecords checks that a run's records are complete: each written
// exactly once, each the run's own, and the run's totals counting them.
func checkRecords(t *testing.T, name string, results []bench.Result, writes map[bench.Key]int, row *bench.Run) {
	t.Helper()
	seen := map[bench.Key]bool{}
	for _, r := range results {
		if r.RunID != row.ID {
			t.Errorf("run %s holds a result of run %s", row.ID, r.RunID)
		}
		if seen[r.Key()] {
			t.Errorf("key %+v stored twice", r.Key())
		}
		seen[r.Key()] = true
		if n := writes[r.Key()]; n != 1 {
			t.Errorf("result %+v written %d times, want once", r.Key(), n)
		}
	}
	if len(writes) != len(results) {
		t.Errorf("%s: %d keys written, %d stored", name, len(writes), len(results))
	}
	if row.Totals.Results != len(results) {
		t.Errorf("%s: run totals count %d results, %d stored", name, row.Totals.Results, len(results))
	}
}

// checkEvents checks a run's stream: opened by run_started, closed by
// run_finished with the run's status, one result event per stored record,
// and never an event of the other run.
func checkEvents(t *testing.T, events []event.Event, id, other string, results []bench.Result, status bench.RunStatus) {
	t.Helper()
	if len(events) < 2 || events[0].Type != event.TypeRunStarted || events[len(events)-1].Type != event.TypeRunFinished {
		t.Fatalf("stream of %d events does not run from run_started to run_finished", len(events))
	}
	if f := events[len(events)-1].Finished; f == nil || f.Status != status || f.Totals.Results != len(results) {
		t.Errorf("run_finished %+v, want status %s and %d results", f, status, len(results))
	}
	for _, e := range events {
		if e.RunID != id {
			t.Fatalf("event %s carries run id %q in the stream of %s (other run %s)", e.Type, e.RunID, id, other)
		}
		if e.Type == event.TypeResult && e.Result.RunID != id {
			t.Fatalf("result event of run %s carries a result of run %s", id, e.Result.RunID)
		}
	}
	ids := map[string]int{}
	for _, e := range ofType(events, event.TypeResult) {
		ids[e.Result.ID]++
	}
	for _, r := range results {
		if ids[r.ID] != 1 {
			t.Errorf("stored result %s (%s) had %d result events, want 1", r.ID, r.CaseID, ids[r.ID])
		}
		delete(ids, r.ID)
	}
	if len(ids) > 0 {
		t.Errorf("%d result events for results never stored", len(ids))
	}
}
