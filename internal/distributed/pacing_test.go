package distributed

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// stampProvider answers at once and notes when each call started.
type stampProvider struct {
	mu    sync.Mutex
	calls []time.Time
}

func (p *stampProvider) Generate(_ context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	p.mu.Lock()
	p.calls = append(p.calls, time.Now())
	p.mu.Unlock()
	text := "echo: " + req.Messages[len(req.Messages)-1].Content
	if err := emit(provider.Chunk{Text: text}); err != nil {
		return provider.Response{}, err
	}
	return provider.Response{Text: text, FinishReason: "stop"}, nil
}

// TestRateLimitHoldsAcrossWorkers: a target's requests_per_minute holds
// for the run as a whole, not per worker. Three workers of eight slots
// each could make every call at once; at 600 a minute (ten a second, a
// burst of ten) the calls of 50 jobs spread over about four seconds, and
// no second-long window holds much more than the burst plus one second's
// rate. (Times are taken at the workers, so the delivery's jitter is
// allowed for.)
func TestRateLimitHoldsAcrossWorkers(t *testing.T) {
	t.Parallel()
	srv, nc := startServer(t)
	ctx := context.Background()
	var ps []*stampProvider
	for _, id := range []string{"w1", "w2", "w3"} {
		p := &stampProvider{}
		ps = append(ps, p)
		runWorker(t, srv.URL(), &Worker{Info: WorkerInfo{ID: id, MaxConcurrentTasks: 8}, Runners: stampSource{p: p}})
	}
	co, err := NewCoordinator(ctx, nc, Settings{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n, rpm = 50, 600
	d, err := co.Begin(ctx, session.Manifest{RunID: "run-paced", Targets: []session.TargetSpec{{ID: "fake", RequestsPerMinute: rpm}}})
	if err != nil {
		t.Fatal(err)
	}
	rn := &runner.Runner{Targets: []*runner.Target{{ID: "fake", Provider: &fakeProvider{}}}, Remote: d, Concurrency: d.InFlight()}
	out := &sink{}
	mx := runner.Matrix{Cases: cases(n), Render: render, Targets: []string{"fake"}}
	if _, err := rn.RunJobs(ctx, "run-paced", mx.Jobs("run-paced"), out); err != nil {
		t.Fatal(err)
	}
	if err := d.End(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(out.results()); got != n {
		t.Fatalf("%d results, want %d", got, n)
	}
	var all []time.Time
	busy := 0
	for _, p := range ps {
		all = append(all, p.calls...)
		if len(p.calls) > 0 {
			busy++
		}
	}
	if len(all) != n || busy < 2 {
		t.Fatalf("%d calls on %d workers, want %d on several", len(all), busy, n)
	}
	first, last := all[0], all[0]
	for _, c := range all {
		first, last = minTime(first, c), maxTime(last, c)
	}
	// 50 calls = a burst of 10, then 40 at 10 a second: 4 s (without the
	// limit, a fraction of one).
	if span := last.Sub(first); span < 3500*time.Millisecond {
		t.Errorf("%d calls within %s; at %d a minute they need 4s", n, span, rpm)
	}
	// The most calls any one-second window holds: the burst (10) and a
	// second's rate (10), one for the window's edge and a few for the
	// delivery's jitter (without the limit: all 50).
	for _, start := range all {
		in := 0
		for _, c := range all {
			if !c.Before(start) && c.Before(start.Add(time.Second)) {
				in++
			}
		}
		if in > 25 {
			t.Errorf("%d calls in the second after %s, want at most 25", in, start.Format(time.StampMilli))
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// stampSource builds workers' runners around one stampProvider.
type stampSource struct{ p *stampProvider }

func (s stampSource) WorkerRunner(_ context.Context, m session.Manifest, conc int) (*runner.Runner, func() error, error) {
	rn := &runner.Runner{Targets: []*runner.Target{{ID: "fake", Vendor: "fake", Model: "m", Provider: s.p}}, Concurrency: conc}
	if err := rn.Prepare(m.RunID); err != nil {
		return nil, nil, err
	}
	return rn, func() error { return nil }, nil
}
