package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// TestLiveRunBeats: while a run executes, the store sees its heartbeat, so
// `runs list` can tell a live run from one whose process died.
func TestLiveRunBeats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := loadConfig(t, "[providers.simulator.options]\npolicy = \"echo\"\nlatency = \"20ms\"\n")
	st := openStore(t)
	svc := session.New(cfg, st, nil)
	svc.HeartbeatEvery = 20 * time.Millisecond
	p, err := svc.Plan(ctx, session.Options{Datasets: []string{writeCases(t, "h", 20, "")}, Providers: []string{"simulator:x"}, Concurrency: 1, NoCache: true}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	run := p.NewRun()
	if err := run.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var beat time.Time
	deadline := time.Now().Add(10 * time.Second)
	for beat.IsZero() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		got, err := st.GetRun(ctx, run.ID())
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != bench.RunRunning && got.Status != bench.RunCompleted {
			t.Fatalf("live run shows as %s", got.Status)
		}
		beat = got.HeartbeatAt
	}
	res := run.Wait()
	if beat.IsZero() {
		t.Fatal("the store never saw a heartbeat from the live run")
	}
	if res.Run.Status != bench.RunCompleted {
		t.Errorf("status %s", res.Run.Status)
	}
	if time.Since(store.LastSeen(&res.Run)) > store.StaleAfter {
		t.Error("a finished run looks stale")
	}
}
