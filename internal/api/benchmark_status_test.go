package api

import (
	"context"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// oneRun is a Store holding one run and its totals.
type oneRun struct {
	Store
	run bench.Run
}

func (s oneRun) GetRun(context.Context, string) (*bench.Run, error) { r := s.run; return &r, nil }
func (s oneRun) Totals(context.Context, ...string) (map[string]bench.Totals, error) {
	return map[string]bench.Totals{s.run.ID: s.run.Totals}, nil
}

// stillHeld is a Manager that has not yet let go of a run it finished.
type stillHeld struct {
	Manager
	p live.Progress
}

func (m stillHeld) Progress(string) (live.Progress, bool) { return m.p, true }

// A run the store shows ended is shown ended, even while the manager
// still holds its last live figures (it lets go a moment after storing
// the end).
func TestEndedRunIgnoresLateLiveProgress(t *testing.T) {
	t.Parallel()
	totals := bench.Totals{Results: 3, Succeeded: 3, Passed: 3}
	run := bench.Run{ID: "r1", UserID: "u1", Status: bench.RunCompleted, Total: 3, Totals: totals}
	c := New(Deps{
		Store:   oneRun{run: run},
		Manager: stillHeld{p: live.Progress{BenchmarkID: "r1", Status: "running", Done: 2, Total: 3}},
	})
	ctx := auth.WithPrincipal(context.Background(), &auth.Principal{UserID: "u1", Perms: auth.Permissions{PermBenchmarkRead}})
	b, err := c.GetBenchmark(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != "completed" || b.Progress.Done != 3 || b.FinishedAt == nil {
		t.Fatalf("benchmark %+v, want completed with 3 done and a finish time", b)
	}
}
