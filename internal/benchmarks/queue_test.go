package benchmarks

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

func TestSubmitRunsToCompletionWithProgressInOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "5ms", Options{})
	run := f.submit(Request{Datasets: []string{f.cases("math.jsonl", 30)}, Providers: []string{"openai:gpt-4o-mini"}, Concurrency: 2, Tags: map[string]string{"team": "a"}})
	if run.Status != bench.RunQueued || run.UserID != "user-1" || run.Total != 30 {
		t.Fatalf("submitted run: status %s, owner %q, total %d; want queued, user-1, 30", run.Status, run.UserID, run.Total)
	}
	done := waitStatus(t, f.st, run.ID, 30*time.Second, bench.RunCompleted, bench.RunFailed, bench.RunCancelled)
	if done.Status != bench.RunCompleted || done.Totals.Results != 30 || done.Totals.Passed != 30 {
		t.Fatalf("run ended %s with totals %+v, want completed with 30 passed", done.Status, done.Totals)
	}
	if got := originOf(done); got != Origin {
		t.Errorf("saved options name origin %q, want %q", got, Origin)
	}
	waitFor(t, 5*time.Second, "the final progress message", func() bool {
		ps := f.pub.of(run.ID)
		return len(ps) > 0 && ps[len(ps)-1].Status == string(bench.RunCompleted)
	})
	ps := f.pub.of(run.ID)
	if ps[0].Status != string(bench.RunQueued) || ps[1].Status != string(bench.RunRunning) {
		t.Fatalf("first messages %+v, want queued then running", ps[:2])
	}
	if len(ps) < 4 {
		t.Fatalf("%d progress messages, want queued, running, at least one batch, completed: %+v", len(ps), ps)
	}
	last := ps[len(ps)-1]
	want := live.Progress{BenchmarkID: run.ID, Status: "completed", Done: 30, Total: 30, Passed: 30, CostUSD: done.Totals.CostUSD}
	if last != want {
		t.Errorf("final progress %+v, want %+v", last, want)
	}
	prev := -1
	for i, p := range ps[1 : len(ps)-1] {
		if p.Status != string(bench.RunRunning) || p.Done < prev || p.Total != 30 {
			t.Errorf("message %d: %+v; want running with done never decreasing", i+1, p)
		}
		prev = p.Done
	}
	for _, m := range f.pub.all() {
		if m.Topic != "benchmark.progress" || m.Owner != "user-1" {
			t.Errorf("message %+v: want topic benchmark.progress owned by user-1", m)
		}
	}
	// The manager lets go of a run just after storing and announcing its
	// end.
	waitFor(t, 5*time.Second, "the manager to let go of the ended benchmark", func() bool {
		_, held := f.m.Progress(run.ID)
		return !held
	})
}

func TestMaxRunningIsRespected(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "10ms", Options{MaxRunning: 2, QueueSize: 20})
	ds := f.cases("small.jsonl", 8)
	var ids []string
	for range 7 {
		ids = append(ids, f.submit(Request{Datasets: []string{ds}, Providers: []string{"openai:gpt-4o-mini"}, Concurrency: 2}).ID)
	}
	for _, id := range ids {
		waitStatus(t, f.st, id, 60*time.Second, bench.RunCompleted)
	}
	waitFor(t, 5*time.Second, "every final message", func() bool {
		n := 0
		for _, m := range f.pub.all() {
			if m.Payload.(live.Progress).Status == "completed" {
				n++
			}
		}
		return n == len(ids)
	})
	// Replay the messages in the order they were published: a run is
	// running from its first running message to its final one.
	state, most := map[string]string{}, 0
	for _, m := range f.pub.all() {
		state[m.RunID] = m.Payload.(live.Progress).Status
		n := 0
		for _, s := range state {
			if s == "running" {
				n++
			}
		}
		most = max(most, n)
	}
	if most != 2 {
		t.Errorf("at most %d benchmarks ran at once, want exactly max_running = 2", most)
	}
}

func TestQueueFullIs503(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "50ms", Options{MaxRunning: 1, QueueSize: 2})
	ds := f.cases("slow.jsonl", 40)
	req := Request{Datasets: []string{ds}, Providers: []string{"openai:gpt-4o-mini"}, Concurrency: 1}
	first := f.submit(req)
	waitFor(t, 10*time.Second, "the first run to start", func() bool {
		p, ok := f.m.Progress(first.ID)
		return ok && p.Status == "running"
	})
	f.submit(req)
	f.submit(req)
	_, err := f.m.Submit(context.Background(), "user-1", req)
	if d := asProblem(t, err); d.Status != http.StatusServiceUnavailable {
		t.Fatalf("submission past the queue: %d %s, want 503", d.Status, d.Detail)
	}
	if err := f.m.SetLimits(1, 3); err != nil {
		t.Fatal(err)
	}
	f.submit(req) // room again
	if mr, qs := f.m.Limits(); mr != 1 || qs != 3 {
		t.Errorf("limits %d, %d after SetLimits(1, 3)", mr, qs)
	}
	if err := f.m.SetLimits(0, 3); asProblem(t, err).Status != http.StatusBadRequest {
		t.Error("SetLimits(0, 3) accepted")
	}
}

func TestCancelQueuedAndRunning(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "30ms", Options{MaxRunning: 1})
	ds := f.cases("cancel.jsonl", 200)
	req := Request{Datasets: []string{ds}, Providers: []string{"openai:gpt-4o-mini"}, Concurrency: 2}
	running := f.submit(req)
	queued := f.submit(req)
	waitFor(t, 10*time.Second, "some results", func() bool {
		p, ok := f.m.Progress(running.ID)
		return ok && p.Done >= 5
	})

	got, err := f.m.Cancel(context.Background(), queued.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != bench.RunCancelled {
		t.Errorf("cancelled queued run is %s", got.Status)
	}
	if counts, _ := resultKeys(t, f.st, queued.ID); len(counts) != 0 {
		t.Errorf("the cancelled queued run made %d results", len(counts))
	}

	got, err = f.m.Cancel(context.Background(), running.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != bench.RunCancelled || got.Totals.Results == 0 || got.Totals.Results >= 200 {
		t.Errorf("cancelled running run: %s with %d results; want cancelled with its finished results", got.Status, got.Totals.Results)
	}
	if counts, _ := resultKeys(t, f.st, running.ID); len(counts) != got.Totals.Results {
		t.Errorf("%d results stored, totals say %d", len(counts), got.Totals.Results)
	}

	_, err = f.m.Cancel(context.Background(), running.ID)
	if d := asProblem(t, err); d.Status != http.StatusConflict {
		t.Errorf("cancelling an ended run: %d, want 409", d.Status)
	}
	_, err = f.m.Cancel(context.Background(), "0000000000000000")
	if d := asProblem(t, err); d.Status != http.StatusNotFound {
		t.Errorf("cancelling an unknown run: %d, want 404", d.Status)
	}
}
