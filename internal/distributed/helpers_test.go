package distributed

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/llm-test-bench/llm-test-bench/bench"
	_ "github.com/llm-test-bench/llm-test-bench/eval/all"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// startServer runs a real nats-server with JetStream in this process, on
// a random loopback port, and connects to it.
func startServer(t *testing.T) (*Embedded, *nats.Conn) {
	t.Helper()
	srv, err := StartEmbedded(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, connect(t, srv.URL())
}

func connect(t *testing.T, url string) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// fakeProvider answers "echo: PROMPT" after delay, or waits for ctx when
// block is set; it counts calls and cancellations.
type fakeProvider struct {
	delay     time.Duration
	block     bool
	calls     atomic.Int64
	cancelled atomic.Int64
	started   chan struct{}
}

func (p *fakeProvider) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	p.calls.Add(1)
	if p.started != nil {
		select {
		case p.started <- struct{}{}:
		default:
		}
	}
	wait := p.delay
	if p.block {
		wait = time.Hour
	}
	select {
	case <-time.After(wait):
	case <-ctx.Done():
		p.cancelled.Add(1)
		return provider.Response{}, ctx.Err()
	}
	text := "echo: " + req.Messages[len(req.Messages)-1].Content
	if err := emit(provider.Chunk{Text: text}); err != nil {
		return provider.Response{}, err
	}
	return provider.Response{Text: text, FinishReason: "stop"}, nil
}

// fakeSource builds workers' runners around one fake provider.
type fakeSource struct {
	p *fakeProvider
	// usd is what each call costs.
	usd float64
}

func (s fakeSource) WorkerRunner(_ context.Context, m session.Manifest, conc int) (*runner.Runner, func() error, error) {
	rn := &runner.Runner{Targets: []*runner.Target{{ID: "fake", Vendor: "fake", Model: "m", Provider: s.p}}, Concurrency: conc, MaxRetries: 0}
	if s.usd > 0 {
		rn.Cost = func(*runner.Target, string, bench.Usage) bench.Cost { return bench.Cost{Total: s.usd, Currency: "USD"} }
	}
	if err := rn.Prepare(m.RunID); err != nil {
		return nil, nil, err
	}
	return rn, func() error { return nil }, nil
}

// startWorker runs an in-process worker until the test ends or stop is called.
func startWorker(t *testing.T, url, id string, p *fakeProvider, conc int) (stop func()) {
	t.Helper()
	return runWorker(t, url, &Worker{Info: WorkerInfo{ID: id, MaxConcurrentTasks: conc, HasGPU: true, Providers: []string{"fake"}}, Runners: fakeSource{p: p}, Heartbeat: 100 * time.Millisecond})
}

func startSourceWorker(t *testing.T, url, id string, src RunnerSource) {
	t.Helper()
	runWorker(t, url, &Worker{Info: WorkerInfo{ID: id, MaxConcurrentTasks: 2}, Runners: src})
}

func runWorker(t *testing.T, url string, w *Worker) (stop func()) {
	t.Helper()
	id := w.Info.ID
	nc := connect(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, nc) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("worker %s: %v", id, err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// sink keeps every result the coordinator's runner stores.
type sink struct {
	mu  sync.Mutex
	got []bench.Result
}

func (s *sink) WriteResults(_ context.Context, rs []bench.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, rs...)
	return nil
}

func (s *sink) results() []bench.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bench.Result(nil), s.got...)
}

func cases(n int) iter.Seq2[bench.Case, error] {
	return func(yield func(bench.Case, error) bool) {
		for i := range n {
			c := bench.Case{ID: fmt.Sprintf("c%03d", i), Prompt: fmt.Sprintf("say %d", i),
				Assert: []bench.Assertion{{Type: "icontains", Value: "echo"}}}
			if !yield(c, nil) {
				return
			}
		}
	}
}

func render(_ string, c *bench.Case) ([]bench.Message, string, error) {
	return []bench.Message{{Role: "user", Content: c.Prompt}}, c.Prompt, nil
}

// coordinate runs n cases through a coordinator on nc and returns what was stored.
func coordinate(ctx context.Context, t *testing.T, nc *nats.Conn, s Settings, runID string, n int) ([]bench.Result, runner.Summary) {
	t.Helper()
	co, err := NewCoordinator(ctx, nc, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := session.Manifest{RunID: runID, Targets: []session.TargetSpec{{ID: "fake", Vendor: "fake", Client: "fake", Model: "m"}}}
	d, err := co.Begin(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	local := &fakeProvider{}
	rn := &runner.Runner{Targets: []*runner.Target{{ID: "fake", Vendor: "fake", Model: "m", Provider: local}}, Remote: d, Concurrency: d.InFlight()}
	out := &sink{}
	mx := runner.Matrix{Cases: cases(n), Render: render, Targets: []string{"fake"}}
	sum, err := rn.RunJobs(ctx, runID, mx.Jobs(runID), out)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.End(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := local.calls.Load(); c != 0 {
		t.Errorf("the coordinator called the provider itself %d times", c)
	}
	return out.results(), sum
}

// byCase counts results per case id.
func byCase(rs []bench.Result) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.CaseID]++
	}
	return out
}
