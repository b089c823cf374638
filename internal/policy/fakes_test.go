package policy

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// t0 is the fake clocks' starting instant.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is a clock that moves only when told to or when something sleeps
// on it (when advance is set). It records every sleep.
type fakeClock struct {
	mu      sync.Mutex
	t       time.Time
	advance bool // sleeping moves the clock forward
	slept   []time.Duration
}

func newClock(advance bool) *fakeClock { return &fakeClock{t: t0, advance: advance} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) set(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t0.Add(d)
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	if c.advance {
		c.t = c.t.Add(d)
	}
	return nil
}

func (c *fakeClock) sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// fakeProvider is a provider whose behaviour is GenerateFn; it counts calls.
type fakeProvider struct {
	mu         sync.Mutex
	calls      int
	GenerateFn func(ctx context.Context, n int, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error)
}

func (f *fakeProvider) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	return f.GenerateFn(ctx, n, req, emit)
}

func (f *fakeProvider) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// scripted answers call n with errs[n-1] (nil: success, echoing the last
// message with usage 10+5).
func scripted(errs ...error) *fakeProvider {
	return &fakeProvider{GenerateFn: func(_ context.Context, n int, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		if n <= len(errs) && errs[n-1] != nil {
			return provider.Response{}, errs[n-1]
		}
		text := "answer"
		if len(req.Messages) > 0 {
			text = "answer to " + req.Messages[len(req.Messages)-1].Content
		}
		if emit != nil {
			if err := emit(provider.Chunk{Text: text}); err != nil {
				return provider.Response{}, err
			}
		}
		return provider.Response{Text: text, Model: "m-1", FinishReason: provider.FinishStop,
			Usage: bench.Usage{Prompt: 10, Completion: 5, Total: 15}}, nil
	}}
}

// failing fails every call with err.
func failing(err error) *fakeProvider {
	return &fakeProvider{GenerateFn: func(context.Context, int, provider.Request, func(provider.Chunk) error) (provider.Response, error) {
		return provider.Response{}, err
	}}
}

func perr(k provider.Kind) error {
	return &provider.Error{Kind: k, StatusCode: 500, Err: errString("boom")}
}

type errString string

func (e errString) Error() string { return string(e) }

// recorder is an event.Publisher that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []event.Event
	off    bool // Active reports false
}

func (r *recorder) Publish(e event.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) Active() bool { return !r.off }

func (r *recorder) attempts() []event.Attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []event.Attempt
	for _, e := range r.events {
		if e.Type == event.TypeAttempt && e.Attempt != nil {
			out = append(out, *e.Attempt)
		}
	}
	return out
}

// mapCache is an in-memory Cache.
type mapCache struct {
	mu   sync.Mutex
	m    map[string]*cache.Entry
	puts int
}

func newMapCache() *mapCache { return &mapCache{m: map[string]*cache.Entry{}} }

func (c *mapCache) Get(_ context.Context, key string) (*cache.Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	return e, ok
}

func (c *mapCache) Put(_ context.Context, key string, e *cache.Entry) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = e
	c.puts++
	return nil
}

func (c *mapCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// wrap wraps p with o and a fake clock (sleeping advances it), failing the
// test on error.
func wrap(t *testing.T, p provider.Provider, o Options) (*Provider, *fakeClock) {
	t.Helper()
	if o.ID == "" {
		o.ID = "fake:m"
	}
	w, err := Wrap(p, o)
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	c := newClock(true)
	w.now, w.sleep = c.now, c.sleep
	return w, c
}

func request(content string) *provider.Request {
	return &provider.Request{Model: "m", Messages: []bench.Message{{Role: "user", Content: content}}}
}
