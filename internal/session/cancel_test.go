package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// slowRun plans a run of n cases against a simulator answering in 10ms.
func slowRun(t *testing.T, n int) (*session.Run, *recordingStore) {
	t.Helper()
	cfg := loadConfig(t, "[providers.simulator.options]\npolicy = \"echo\"\nlatency = \"10ms\"\n")
	st := openStore(t)
	p, err := session.New(cfg, st, nil).Plan(context.Background(), session.Options{
		Datasets: []string{writeCases(t, "s", n, "")}, Providers: []string{"simulator:fast"}, Concurrency: 2, NoCache: true,
	}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p.NewRun(), st
}

// TestCancelBeforeStartEndsTheRunCancelled: Cancel may be called "from
// anywhere", so a run cancelled before it starts (a server's queued run)
// must not then make every call.
func TestCancelBeforeStartEndsTheRunCancelled(t *testing.T) {
	t.Parallel()
	r, st := slowRun(t, 200)
	r.Cancel()
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := r.Wait()
	if res.Run.Status != bench.RunCancelled {
		t.Errorf("run cancelled before Start ended %s with %d results", res.Run.Status, len(stored(t, st, r.ID())))
	}
}

// TestCancelFromAnotherGoroutine cancels a started run from a goroutine
// that shares no lock or channel with the one that started it, as a
// server's cancel request would. Run it with -race: Cancel must not read
// the run's state unsynchronised with Start.
//
// Not parallel: a race report fails every test running at that moment.
func TestCancelFromAnotherGoroutine(t *testing.T) {
	r, _ := slowRun(t, 200)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Sleeping orders nothing for the race detector: the Cancel below
		// comes after Start in time only.
		time.Sleep(150 * time.Millisecond)
		r.Cancel()
	}()
	err := r.Start(context.Background())
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if res := r.Wait(); res.Run.Status != bench.RunCancelled {
		t.Errorf("run ended %s, want cancelled", res.Run.Status)
	}
}

// TestWaitAfterAFailedStartReturns: a run whose Start failed will never
// run, so Wait must report the failure instead of blocking for ever (a
// server waits on runs from other goroutines than the one starting them).
func TestWaitAfterAFailedStartReturns(t *testing.T) {
	t.Parallel()
	cfg := loadConfig(t, "")
	p, err := session.New(cfg, nil, nil).Plan(context.Background(), session.Options{
		Datasets: []string{writeCases(t, "w", 3, "")}, Providers: []string{"echo"}, NoCache: true,
	}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := p.NewRun()
	if err := r.Start(context.Background()); err == nil {
		t.Fatal("a run without a store started")
	}
	got := make(chan session.Result, 1)
	go func() { got <- r.Wait() }()
	select {
	case res := <-got:
		if res.Err == nil {
			t.Error("Wait after a failed Start reports no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait blocks for ever after a failed Start")
	}
}

// TestInterruptLeavesTheRunResumable: an interrupted run keeps every
// finished result and stays running in the store (not cancelled), so
// Continue finishes it without redoing a finished call.
func TestInterruptLeavesTheRunResumable(t *testing.T) {
	t.Parallel()
	r, st := slowRun(t, 200)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	r.Interrupt()
	res := r.Wait()
	if res.Run.Status != bench.RunRunning || res.StoppedBy != session.StopInterrupted {
		t.Fatalf("interrupted run ended %s (stopped by %q), want running (interrupted)", res.Run.Status, res.StoppedBy)
	}
	before := map[bench.Key]string{}
	for _, rec := range stored(t, st, r.ID()) {
		if rec.Status == bench.StatusSuccess {
			before[rec.Key()] = rec.ID
		}
	}
	if len(before) == 0 || len(before) >= 200 {
		t.Fatalf("%d results finished before the interrupt; want some, not all", len(before))
	}
	cfg := loadConfig(t, "[providers.simulator.options]\npolicy = \"echo\"\nlatency = \"1ms\"\n")
	p, err := session.New(cfg, st, nil).Continue(context.Background(), r.ID(), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	again := p.NewRun()
	if err := again.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res := again.Wait(); res.Run.Status != bench.RunCompleted || res.Run.Totals.Results != 200 {
		t.Fatalf("resumed run ended %s with %d results, want completed with 200", res.Run.Status, res.Run.Totals.Results)
	}
	for _, rec := range stored(t, st, r.ID()) {
		if id, ok := before[rec.Key()]; ok && id != rec.ID {
			t.Errorf("result %v finished before the interrupt was made again", rec.Key())
		}
	}
}
