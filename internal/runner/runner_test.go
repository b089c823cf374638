package runner

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func init() {
	eval.Register("runner-test-equals", eval.Func(func(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
		if in.Output == a.Value {
			return bench.Score{Score: 1, Pass: true}, nil
		}
		return bench.Score{Reason: "differs"}, nil
	}))
}

// fakeProvider answers with GenerateFn and counts calls.
type fakeProvider struct {
	GenerateFn func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error)
	calls      atomic.Int64
	inFlight   atomic.Int64
	peak       atomic.Int64
}

func (f *fakeProvider) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	f.calls.Add(1)
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return f.GenerateFn(ctx, req, emit)
}

func echoFn(_ context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	text := req.Messages[len(req.Messages)-1].Content
	if err := emit(provider.Chunk{Text: text}); err != nil {
		return provider.Response{}, err
	}
	return provider.Response{Text: text, FinishReason: provider.FinishStop, Usage: bench.Usage{Prompt: 10, Completion: 2, Total: 12}}, nil
}

// memSink keeps results in memory.
type memSink struct {
	mu      sync.Mutex
	results []bench.Result
	batches int
	err     error
}

func (s *memSink) WriteResults(_ context.Context, rs []bench.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.batches++
	s.results = append(s.results, rs...)
	return nil
}

func (s *memSink) all() []bench.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.results)
}

func casesOf(n int, expected string) iter.Seq2[bench.Case, error] {
	return func(yield func(bench.Case, error) bool) {
		for i := range n {
			c := bench.Case{ID: fmt.Sprintf("c%d", i), Prompt: fmt.Sprintf("q%d", i)}
			if expected != "" {
				c.Assert = []bench.Assertion{{Type: "runner-test-equals", Value: expected}}
			}
			if !yield(c, nil) {
				return
			}
		}
	}
}

func render(promptID string, c *bench.Case) ([]bench.Message, string, error) {
	text := c.Prompt
	if promptID != "default" {
		text = promptID + ":" + c.Prompt
	}
	return []bench.Message{{Role: bench.RoleUser, Content: text}}, text, nil
}

func newRunner(targets ...*Target) *Runner {
	return &Runner{Targets: targets, Render: render, Concurrency: 4, BatchSize: 7, BackoffBase: time.Millisecond}
}

func TestRunExpandsTheWholeMatrixOnce(t *testing.T) {
	t.Parallel()
	a := &fakeProvider{GenerateFn: echoFn}
	b := &fakeProvider{GenerateFn: echoFn}
	r := newRunner(&Target{ID: "a:m", Model: "m", Provider: a}, &Target{ID: "b:m", Model: "m", Provider: b})
	r.Prompts = []string{"p1", "p2"}
	r.Repeat = 2
	saved := 0
	r.Saved = func(batch []bench.Result) { saved += len(batch) }
	sink := &memSink{}
	sum, err := r.Run(context.Background(), "run1", casesOf(3, ""), sink)
	if err != nil {
		t.Fatal(err)
	}
	got := sink.all()
	if len(got) != 24 || sum.Results != 24 || sum.Succeeded != 24 || sum.Passed != 24 {
		t.Fatalf("results %d, summary %+v; want 24 successes", len(got), sum)
	}
	keys := map[bench.Key]bool{}
	for _, res := range got {
		if keys[res.Key()] {
			t.Errorf("duplicate result %+v", res.Key())
		}
		keys[res.Key()] = true
		if res.RunID != "run1" || res.Status != bench.StatusSuccess || res.Response != res.Prompt {
			t.Errorf("bad result %+v", res)
		}
	}
	if a.calls.Load() != 12 || b.calls.Load() != 12 {
		t.Errorf("calls a=%d b=%d, want 12 each", a.calls.Load(), b.calls.Load())
	}
	if saved != 24 {
		t.Errorf("Saved saw %d results, want 24", saved)
	}
	if sink.batches < 2 {
		t.Errorf("results were not batched by size: %d batches", sink.batches)
	}
}

func TestRunScoresAnswersAndRecordsFailuresAsData(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	p := &fakeProvider{GenerateFn: func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		if n.Add(1)%2 == 0 {
			return provider.Response{}, &provider.Error{Kind: provider.KindBadRequest, StatusCode: 400, Err: errors.New("bad")}
		}
		return provider.Response{Text: "yes", FinishReason: "stop"}, nil
	}}
	r := newRunner(&Target{ID: "a:m", Model: "m", Provider: p})
	r.Concurrency = 1
	sink := &memSink{}
	sum, err := r.Run(context.Background(), "run", casesOf(4, "yes"), sink)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Succeeded != 2 || sum.Errored != 2 || sum.Passed != 2 || sum.Failed != 2 {
		t.Errorf("summary %+v", sum)
	}
	for _, res := range sink.all() {
		switch res.Status {
		case bench.StatusSuccess:
			if !res.Passed || res.Scores["runner-test-equals"].Score != 1 {
				t.Errorf("success not scored: %+v", res)
			}
		case bench.StatusError:
			want := &bench.ErrorInfo{Kind: "bad_request", Status: 400, Message: "bad_request (HTTP 400): bad"}
			if diff := cmp.Diff(want, res.Error); diff != "" || res.Passed {
				t.Errorf("error record (-want +got):\n%s", diff)
			}
		}
	}
}

func TestRetriesHonourKindAndRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		kind      provider.Kind
		wantCalls int64
		wantOK    bool
	}{
		{"rate limited then ok", provider.KindRateLimited, 3, true},
		{"overloaded then ok", provider.KindOverloaded, 3, true},
		{"bad request is not retried", provider.KindBadRequest, 1, false},
		{"context length is not retried", provider.KindContextLength, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			var last time.Time
			var gap time.Duration
			p := &fakeProvider{GenerateFn: func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
				now := time.Now()
				if !last.IsZero() {
					gap = now.Sub(last)
				}
				last = now
				if n.Add(1) < 3 {
					return provider.Response{}, &provider.Error{Kind: tc.kind, RetryAfter: 30 * time.Millisecond, Err: errors.New("x")}
				}
				return provider.Response{Text: "ok"}, nil
			}}
			r := newRunner(&Target{ID: "a:m", Provider: p})
			r.MaxRetries = 3
			sink := &memSink{}
			if _, err := r.Run(context.Background(), "run", casesOf(1, ""), sink); err != nil {
				t.Fatal(err)
			}
			res := sink.all()[0]
			if p.calls.Load() != tc.wantCalls || (res.Status == bench.StatusSuccess) != tc.wantOK {
				t.Errorf("calls %d status %s; want %d calls, ok=%v", p.calls.Load(), res.Status, tc.wantCalls, tc.wantOK)
			}
			if tc.wantOK && gap < 30*time.Millisecond {
				t.Errorf("retry came after %s, before Retry-After", gap)
			}
			if tc.wantOK && res.Metadata["attempts"] != 3 {
				t.Errorf("attempts not recorded: %v", res.Metadata)
			}
		})
	}
}

func TestAuthFailureOpensTheBreaker(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{GenerateFn: func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		return provider.Response{}, &provider.Error{Kind: provider.KindAuth, StatusCode: 401, Err: errors.New("invalid key")}
	}}
	r := newRunner(&Target{ID: "a:m", Provider: p})
	r.Concurrency = 1
	sink := &memSink{}
	sum, err := r.Run(context.Background(), "run", casesOf(50, ""), sink)
	if err != nil {
		t.Fatal(err)
	}
	if p.calls.Load() != 1 {
		t.Errorf("provider called %d times after an auth failure, want 1", p.calls.Load())
	}
	if sum.Errored != 50 || sum.Succeeded != 0 {
		t.Errorf("summary %+v: every case should be an error record", sum)
	}
}

func TestTimeoutIsATimeoutResult(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{GenerateFn: func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		<-ctx.Done()
		return provider.Response{}, ctx.Err()
	}}
	r := newRunner(&Target{ID: "a:m", Provider: p})
	r.Timeout = 20 * time.Millisecond
	sink := &memSink{}
	if _, err := r.Run(context.Background(), "run", casesOf(2, ""), sink); err != nil {
		t.Fatal(err)
	}
	for _, res := range sink.all() {
		if res.Status != bench.StatusTimeout || res.Error == nil || res.Error.Kind != "timeout" {
			t.Errorf("got %s %+v, want timeout", res.Status, res.Error)
		}
	}
}

func TestCancelKeepsFinishedResults(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int64
	p := &fakeProvider{GenerateFn: func(cctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		if n.Add(1) == 10 {
			cancel()
		}
		if n.Load() > 8 {
			<-cctx.Done()
			return provider.Response{}, cctx.Err()
		}
		return provider.Response{Text: "ok"}, nil
	}}
	r := newRunner(&Target{ID: "a:m", Provider: p})
	r.Concurrency = 2
	sink := &memSink{}
	sum, err := r.Run(ctx, "run", casesOf(1000, ""), sink)
	if err != nil {
		t.Fatal(err)
	}
	if sum.StoppedBy != StopCancelled {
		t.Errorf("stopped by %q, want cancelled", sum.StoppedBy)
	}
	got := sink.all()
	if len(got) != sum.Results || len(got) >= 1000 || len(got) < 8 {
		t.Fatalf("saved %d results, summary %d", len(got), sum.Results)
	}
	succ := 0
	for _, res := range got {
		switch res.Status {
		case bench.StatusSuccess:
			succ++
		case bench.StatusCancelled:
		default:
			t.Errorf("unexpected status %s", res.Status)
		}
	}
	if succ != 8 {
		t.Errorf("kept %d successes, want the 8 finished before Ctrl-C", succ)
	}
}

func TestMaxCostStopsSpending(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{GenerateFn: echoFn}
	r := newRunner(&Target{ID: "a:m", Provider: p})
	r.Concurrency = 1
	r.MaxCost = 0.05
	r.Cost = func(*Target, string, bench.Usage) bench.Cost { return bench.Cost{Total: 0.01, Currency: "USD"} }
	sink := &memSink{}
	sum, err := r.Run(context.Background(), "run", casesOf(100, ""), sink)
	if err != nil {
		t.Fatal(err)
	}
	if sum.StoppedBy != StopMaxCost {
		t.Errorf("stopped by %q, want max_cost", sum.StoppedBy)
	}
	if c := p.calls.Load(); c < 5 || c > 6 {
		t.Errorf("%d calls made with a budget for 5", c)
	}
}

func TestSkipResumesWithoutRepeatingCalls(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{GenerateFn: echoFn}
	r := newRunner(&Target{ID: "a:m", Provider: p})
	r.Skip = func(k bench.Key) bool { return k.CaseID < "c5" }
	sink := &memSink{}
	if _, err := r.Run(context.Background(), "run", casesOf(10, ""), sink); err != nil {
		t.Fatal(err)
	}
	if p.calls.Load() != 5 {
		t.Errorf("%d calls, want 5 (c5..c9)", p.calls.Load())
	}
	for _, res := range sink.all() {
		if res.CaseID < "c5" {
			t.Errorf("skipped case %s was run again", res.CaseID)
		}
	}
}

func TestCacheAvoidsPayingTwice(t *testing.T) {
	t.Parallel()
	c, err := cache.OpenDisk(t.TempDir(), cache.TTLs{Default: time.Hour}, 64)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeProvider{GenerateFn: echoFn}
	run := func() []bench.Result {
		r := newRunner(&Target{ID: "a:m", BaseURL: "http://x", Provider: p})
		r.Cache = c
		r.Cost = func(*Target, string, bench.Usage) bench.Cost { return bench.Cost{Total: 1, Currency: "USD"} }
		sink := &memSink{}
		if _, err := r.Run(context.Background(), "run", casesOf(5, ""), sink); err != nil {
			t.Fatal(err)
		}
		return sink.all()
	}
	first := run()
	second := run()
	if p.calls.Load() != 5 {
		t.Errorf("%d calls over two runs, want 5", p.calls.Load())
	}
	for i, res := range second {
		if !res.Cached || res.Cost.Total != 0 || res.Status != bench.StatusSuccess || !strings.HasPrefix(res.Response, "q") {
			t.Errorf("second run result %d not served from cache: %+v", i, res)
		}
	}
	for _, res := range first {
		if res.Cached {
			t.Error("first run claims a cache hit")
		}
	}
}

func TestConcurrencyIsBoundedPerTarget(t *testing.T) {
	t.Parallel()
	slow := func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		time.Sleep(2 * time.Millisecond)
		return provider.Response{Text: "x"}, nil
	}
	a := &fakeProvider{GenerateFn: slow}
	b := &fakeProvider{GenerateFn: slow}
	r := newRunner(&Target{ID: "a:m", Provider: a, Concurrency: 2}, &Target{ID: "b:m", Provider: b})
	r.Concurrency = 5
	if _, err := r.Run(context.Background(), "run", casesOf(60, ""), &memSink{}); err != nil {
		t.Fatal(err)
	}
	if a.peak.Load() > 2 || b.peak.Load() > 5 {
		t.Errorf("peak in flight a=%d (limit 2) b=%d (limit 5)", a.peak.Load(), b.peak.Load())
	}
	if b.peak.Load() < 3 {
		t.Errorf("b never ran concurrently (peak %d)", b.peak.Load())
	}
}

func TestStoreFailureStopsTheRun(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{GenerateFn: echoFn}
	r := newRunner(&Target{ID: "a:m", Provider: p})
	sink := &memSink{err: errors.New("disk full")}
	_, err := r.Run(context.Background(), "run", casesOf(10000, ""), sink)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the store's failure", err)
	}
	if p.calls.Load() >= 10000 {
		t.Error("run went on after the store failed")
	}
}

func TestCaseConfigOverridesTargetSampling(t *testing.T) {
	t.Parallel()
	var got provider.Request
	p := &fakeProvider{GenerateFn: func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		got = req
		return provider.Response{Text: "x"}, nil
	}}
	t0, t1 := 0.0, 0.7
	mt := 64
	r := newRunner(&Target{ID: "a:m", Model: "m", Provider: p, Sampling: provider.Sampling{Temperature: &t0, MaxTokens: &mt}, Extra: map[string]any{"a": 1}})
	cases := func(yield func(bench.Case, error) bool) {
		yield(bench.Case{ID: "x", Prompt: "p", Config: map[string]any{"temperature": 0.7, "b": "y"}}, nil)
	}
	if _, err := r.Run(context.Background(), "run", cases, &memSink{}); err != nil {
		t.Fatal(err)
	}
	want := provider.Request{Model: "m", Messages: []bench.Message{{Role: "user", Content: "p"}},
		Sampling: provider.Sampling{Temperature: &t1, MaxTokens: &mt}, Extra: map[string]any{"a": 1, "b": "y"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

func TestVendorReportedCostWinsOverTheTable(t *testing.T) {
	t.Parallel()
	reported := 0.0042
	p := &fakeProvider{GenerateFn: func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		resp, err := echoFn(ctx, req, emit)
		resp.VendorCost = &reported
		return resp, err
	}}
	r := newRunner(&Target{ID: "openrouter:x", Provider: p})
	r.Cost = func(*Target, string, bench.Usage) bench.Cost {
		return bench.Cost{Input: 0.003, Output: 0.001, Total: 0.004, Currency: "USD"}
	}
	sink := &memSink{}
	if _, err := r.Run(context.Background(), "run", casesOf(2, ""), sink); err != nil {
		t.Fatal(err)
	}
	for _, res := range sink.all() {
		c := res.Cost
		if c.Total != reported || math.Abs(c.Input-0.00315) > 1e-12 || math.Abs(c.Input+c.Output-reported) > 1e-12 {
			t.Errorf("cost %+v, want the reported %v split 3:1", c, reported)
		}
	}
}
