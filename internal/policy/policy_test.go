package policy

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestDoRetries(t *testing.T) {
	t.Parallel()
	rateLimited := &provider.Error{Kind: provider.KindRateLimited, StatusCode: 429, RetryAfter: 7 * time.Second, Err: errors.New("slow down")}
	tests := []struct {
		name       string
		maxRetries int
		errs       []error // per call; nil or past the end: success
		always     error   // every call fails with it
		wantCalls  int
		wantKind   provider.Kind // "" for success
		wantWaits  []event.Wait
		wantErrors []string
	}{
		{
			name: "success at once", maxRetries: 3,
			wantCalls: 1, wantWaits: []event.Wait{"none"}, wantErrors: []string{""},
		},
		{
			name: "overloaded retried until it succeeds", maxRetries: 3,
			errs:      []error{perr(provider.KindOverloaded), perr(provider.KindTransient)},
			wantCalls: 3, wantWaits: []event.Wait{"none", "backoff", "backoff"},
			wantErrors: []string{"overloaded", "transient", ""},
		},
		{
			name: "timeouts are retried", maxRetries: 1,
			errs:      []error{perr(provider.KindTimeout)},
			wantCalls: 2, wantWaits: []event.Wait{"none", "backoff"}, wantErrors: []string{"timeout", ""},
		},
		{
			name: "retry-after is honoured", maxRetries: 2,
			errs:      []error{rateLimited},
			wantCalls: 2, wantWaits: []event.Wait{"none", "retry_after"}, wantErrors: []string{"rate_limited", ""},
		},
		{
			name: "retries run out", maxRetries: 2,
			always:    perr(provider.KindOverloaded),
			wantCalls: 3, wantKind: provider.KindOverloaded,
			wantWaits:  []event.Wait{"none", "backoff", "backoff"},
			wantErrors: []string{"overloaded", "overloaded", "overloaded"},
		},
		{
			name: "no retries configured", maxRetries: 0,
			always:    perr(provider.KindRateLimited),
			wantCalls: 1, wantKind: provider.KindRateLimited,
			wantWaits: []event.Wait{"none"}, wantErrors: []string{"rate_limited"},
		},
		{
			name: "bad request is final", maxRetries: 5,
			always:    perr(provider.KindBadRequest),
			wantCalls: 1, wantKind: provider.KindBadRequest,
			wantWaits: []event.Wait{"none"}, wantErrors: []string{"bad_request"},
		},
		{
			name: "context length is final", maxRetries: 5,
			always:    perr(provider.KindContextLength),
			wantCalls: 1, wantKind: provider.KindContextLength,
			wantWaits: []event.Wait{"none"}, wantErrors: []string{"context_length"},
		},
		{
			name: "auth is final", maxRetries: 5,
			always:    perr(provider.KindAuth),
			wantCalls: 1, wantKind: provider.KindAuth,
			wantWaits: []event.Wait{"none"}, wantErrors: []string{"auth"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inner := scripted(tc.errs...)
			if tc.always != nil {
				inner = failing(tc.always)
			}
			rec := &recorder{}
			p, clock := wrap(t, inner, Options{
				ID:       "vendor:model",
				Settings: Settings{MaxRetries: tc.maxRetries, BackoffBase: 200 * time.Millisecond},
				Events:   rec, RunID: "run-1",
			})
			out := p.Do(context.Background(), request("q"), Call{CaseID: "case-9"})
			if got := kindOf(out.Err); got != tc.wantKind {
				t.Errorf("error kind %q (%v), want %q", got, out.Err, tc.wantKind)
			}
			if inner.Calls() != tc.wantCalls || out.Attempts != tc.wantCalls {
				t.Errorf("provider calls %d, attempts %d; want %d", inner.Calls(), out.Attempts, tc.wantCalls)
			}
			evs := rec.attempts()
			var nums []int
			var waits []event.Wait
			var errs []string
			for _, a := range evs {
				nums = append(nums, a.Number)
				waits = append(waits, a.Wait)
				errs = append(errs, a.Error)
				if a.Provider != "vendor:model" || a.CaseID != "case-9" {
					t.Errorf("event names provider %q case %q, want vendor:model case-9", a.Provider, a.CaseID)
				}
			}
			var wantNums []int
			for i := range tc.wantCalls {
				wantNums = append(wantNums, i+1)
			}
			if diff := cmp.Diff(wantNums, nums); diff != "" {
				t.Errorf("attempt numbers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantWaits, waits); diff != "" {
				t.Errorf("wait reasons (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantErrors, errs); diff != "" {
				t.Errorf("error kinds (-want +got):\n%s", diff)
			}
			for _, e := range rec.events {
				if e.RunID != "run-1" || e.Time.IsZero() {
					t.Errorf("event run_id %q time %v, want run-1 and a time", e.RunID, e.Time)
				}
			}
			// Every retry slept once, and its event reports that wait.
			sl := clock.sleeps()
			if len(sl) != tc.wantCalls-1 {
				t.Fatalf("slept %d times (%v), want %d", len(sl), sl, tc.wantCalls-1)
			}
			for i, d := range sl {
				a := evs[i+1]
				if a.WaitMs != ms(d) {
					t.Errorf("attempt %d: wait_ms %v, slept %v", a.Number, a.WaitMs, d)
				}
				switch a.Wait {
				case event.WaitRetryAfter:
					if d < 7*time.Second || a.WaitMs < 7000 {
						t.Errorf("attempt %d waited %v (%v ms), want at least the 7s Retry-After", a.Number, d, a.WaitMs)
					}
				case event.WaitBackoff:
					if ceiling := 200 * time.Millisecond << i; d < 0 || d > ceiling {
						t.Errorf("attempt %d backoff %v outside [0, %v]", a.Number, d, ceiling)
					}
				}
			}
		})
	}
}

func kindOf(err error) provider.Kind {
	if err == nil {
		return ""
	}
	if pe := provider.AsError(err); pe != nil {
		return pe.Kind
	}
	return "other"
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		base       time.Duration
		attempt    int
		retryAfter time.Duration
		lo, hi     time.Duration
		// reach: some of 200 draws must exceed it (full jitter spans the
		// whole range up to the ceiling).
		reach time.Duration
	}{
		{name: "default base", attempt: 0, lo: 0, hi: 500 * time.Millisecond, reach: 250 * time.Millisecond},
		{name: "doubles", base: 100 * time.Millisecond, attempt: 3, lo: 0, hi: 800 * time.Millisecond, reach: 400 * time.Millisecond},
		{name: "capped at 30s", base: time.Second, attempt: 40, lo: 0, hi: 30 * time.Second, reach: 15 * time.Second},
		{name: "never below retry-after", base: 100 * time.Millisecond, attempt: 0, retryAfter: 5 * time.Second, lo: 5 * time.Second, hi: 5 * time.Second},
		{name: "retry-after above the cap wins", base: time.Second, attempt: 20, retryAfter: 90 * time.Second, lo: 90 * time.Second, hi: 90 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := &Provider{o: Options{Settings: Settings{BackoffBase: tc.base}}}
			seen := map[time.Duration]bool{}
			var longest time.Duration
			for range 200 {
				d := p.backoff(tc.attempt, tc.retryAfter)
				if d < tc.lo || d > tc.hi {
					t.Fatalf("backoff(%d, %v) = %v, want within [%v, %v]", tc.attempt, tc.retryAfter, d, tc.lo, tc.hi)
				}
				seen[d] = true
				longest = max(longest, d)
			}
			if longest < tc.reach {
				t.Errorf("longest of 200 backoffs %v, want some above %v (ceiling %v)", longest, tc.reach, tc.hi)
			}
			if tc.lo != tc.hi && len(seen) < 10 {
				t.Errorf("200 backoffs took only %d values; want full jitter", len(seen))
			}
		})
	}
}

func TestDoTimeout(t *testing.T) {
	t.Parallel()
	blocking := &fakeProvider{GenerateFn: func(ctx context.Context, _ int, _ provider.Request, _ func(provider.Chunk) error) (provider.Response, error) {
		select {
		case <-ctx.Done():
			return provider.Response{}, &provider.Error{Kind: provider.KindTransient, Err: ctx.Err()}
		case <-time.After(5 * time.Second):
			return provider.Response{}, errors.New("no timeout came")
		}
	}}
	rec := &recorder{}
	p, _ := wrap(t, blocking, Options{Settings: Settings{MaxRetries: 1, Timeout: 20 * time.Millisecond}, Events: rec})
	start := time.Now()
	out := p.Do(context.Background(), request("q"), Call{})
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Do took %v with a 20ms timeout", el)
	}
	if kindOf(out.Err) != provider.KindTimeout {
		t.Errorf("err %v, want kind timeout", out.Err)
	}
	if out.Attempts != 2 || blocking.Calls() != 2 {
		t.Errorf("attempts %d calls %d, want a timeout retried once", out.Attempts, blocking.Calls())
	}
	var kinds []string
	for _, a := range rec.attempts() {
		kinds = append(kinds, a.Error)
	}
	if diff := cmp.Diff([]string{"timeout", "timeout"}, kinds); diff != "" {
		t.Errorf("event error kinds (-want +got):\n%s", diff)
	}
}

func TestDoCancelledIsNotATimeout(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inner := &fakeProvider{GenerateFn: func(ctx context.Context, _ int, _ provider.Request, _ func(provider.Chunk) error) (provider.Response, error) {
		cancel()
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, Err: ctx.Err()}
	}}
	rec := &recorder{}
	p, clock := wrap(t, inner, Options{Settings: Settings{MaxRetries: 3, Timeout: time.Minute}, Events: rec})
	out := p.Do(ctx, request("q"), Call{})
	if k := kindOf(out.Err); k == provider.KindTimeout {
		t.Errorf("a cancelled run's call was reported as a timeout: %v", out.Err)
	}
	if out.Attempts != 1 || inner.Calls() != 1 || len(clock.sleeps()) != 0 {
		t.Errorf("attempts %d, calls %d, sleeps %v; want no retry once the run is cancelled", out.Attempts, inner.Calls(), clock.sleeps())
	}
}

func TestDoStopsRetryingWhenCancelledDuringBackoff(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inner := failing(perr(provider.KindOverloaded))
	p, _ := wrap(t, inner, Options{Settings: Settings{MaxRetries: 5}})
	p.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	out := p.Do(ctx, request("q"), Call{})
	if out.Attempts != 1 || inner.Calls() != 1 {
		t.Errorf("attempts %d calls %d, want 1: a cancelled backoff ends the call", out.Attempts, inner.Calls())
	}
}

func TestDoEventsOnlyWhenSomeoneListens(t *testing.T) {
	t.Parallel()
	rec := &recorder{off: true}
	p, _ := wrap(t, scripted(), Options{Events: rec})
	p.Do(context.Background(), request("q"), Call{})
	if len(rec.events) != 0 {
		t.Errorf("published %d events to an inactive publisher", len(rec.events))
	}
}

func TestDoCost(t *testing.T) {
	t.Parallel()
	table := func(string, bench.Usage) bench.Cost {
		return bench.Cost{Input: 0.001, Output: 0.003, Total: 0.004, Currency: "USD"}
	}
	unknown := func(string, bench.Usage) bench.Cost { return bench.Cost{Currency: "USD", Unknown: true} }
	vendor := 0.01
	answer := func(vc *float64, err error) *fakeProvider {
		return &fakeProvider{GenerateFn: func(context.Context, int, provider.Request, func(provider.Chunk) error) (provider.Response, error) {
			if err != nil {
				return provider.Response{}, err
			}
			return provider.Response{Text: "x", Model: "m", Usage: bench.Usage{Prompt: 100, Completion: 50, Total: 150}, VendorCost: vc}, nil
		}}
	}
	tests := []struct {
		name  string
		price Pricer
		inner *fakeProvider
		want  bench.Cost
	}{
		{name: "priced by the table", price: table, inner: answer(nil, nil), want: bench.Cost{Input: 0.001, Output: 0.003, Total: 0.004, Currency: "USD"}},
		{name: "vendor cost wins, split as the table splits", price: table, inner: answer(&vendor, nil), want: bench.Cost{Input: 0.0025, Output: 0.0075, Total: 0.01, Currency: "USD"}},
		{name: "vendor cost over an unknown price", price: unknown, inner: answer(&vendor, nil), want: bench.Cost{Input: 0.01, Total: 0.01, Currency: "USD"}},
		{name: "vendor cost without a table", inner: answer(&vendor, nil), want: bench.Cost{Input: 0.01, Total: 0.01, Currency: "USD"}},
		{name: "unknown price stays unknown", price: unknown, inner: answer(nil, nil), want: bench.Cost{Currency: "USD", Unknown: true}},
		{name: "no pricer is free", inner: answer(nil, nil), want: bench.Cost{Currency: "USD"}},
		{name: "a failed call without usage costs nothing", price: table, inner: answer(nil, perr(provider.KindBadRequest)), want: bench.Cost{Currency: "USD"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := NewBudget(0, 0)
			p, _ := wrap(t, tc.inner, Options{Price: tc.price, Budget: b})
			out := p.Do(context.Background(), request("q"), Call{})
			if diff := cmp.Diff(tc.want, out.Cost, approx()); diff != "" {
				t.Errorf("cost (-want +got):\n%s", diff)
			}
			if math.Abs(b.Spent()-tc.want.Total) > 1e-12 {
				t.Errorf("budget spent %v, want %v", b.Spent(), tc.want.Total)
			}
		})
	}
}

func approx() cmp.Option {
	return cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-12 })
}

func TestCachedAnswersAreFree(t *testing.T) {
	t.Parallel()
	b := NewBudget(1, 0)
	c := newMapCache()
	inner := scripted()
	priced := 0
	price := func(string, bench.Usage) bench.Cost {
		priced++
		return bench.Cost{Input: 0.1, Output: 0.2, Total: 0.3, Currency: "USD"}
	}
	p, _ := wrap(t, inner, Options{Cache: c, Price: price, Budget: b})
	ctx := context.Background()
	first := p.Do(ctx, request("q"), Call{})
	if first.Cached || first.Cost.Total != 0.3 {
		t.Fatalf("first call cached %v cost %v, want a fresh call costing 0.3", first.Cached, first.Cost.Total)
	}
	for i := range 3 {
		out := p.Do(ctx, request("q"), Call{})
		if !out.Cached || out.Err != nil {
			t.Fatalf("repeat %d: cached %v err %v", i, out.Cached, out.Err)
		}
		if diff := cmp.Diff(bench.Cost{Currency: "USD"}, out.Cost); diff != "" {
			t.Errorf("repeat %d cost (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(first.Response, out.Response); diff != "" {
			t.Errorf("repeat %d response (-want +got):\n%s", i, diff)
		}
		if out.LatencyMs != first.LatencyMs {
			t.Errorf("repeat %d latency %v, want the first call's %v", i, out.LatencyMs, first.LatencyMs)
		}
	}
	if b.Spent() != 0.3 || inner.Calls() != 1 || priced != 1 {
		t.Errorf("spent %v, calls %d, priced %d; want 0.3, 1, 1", b.Spent(), inner.Calls(), priced)
	}
}

func TestFailuresAreNotCached(t *testing.T) {
	t.Parallel()
	c := newMapCache()
	inner := scripted(perr(provider.KindBadRequest))
	p, _ := wrap(t, inner, Options{Cache: c})
	if out := p.Do(context.Background(), request("q"), Call{}); out.Err == nil {
		t.Fatal("first call succeeded, want the scripted failure")
	}
	if c.len() != 0 {
		t.Fatalf("a failure was cached")
	}
	if out := p.Do(context.Background(), request("q"), Call{}); out.Err != nil || out.Cached {
		t.Errorf("second call: err %v cached %v, want a fresh success", out.Err, out.Cached)
	}
}

func TestGenerateIsGoverned(t *testing.T) {
	t.Parallel()
	b := NewBudget(0.5, 0)
	rec := &recorder{}
	inner := scripted(perr(provider.KindOverloaded))
	price := func(string, bench.Usage) bench.Cost {
		return bench.Cost{Input: 0.1, Output: 0.1, Total: 0.2, Currency: "USD"}
	}
	p, _ := wrap(t, inner, Options{Budget: b, Price: price, Events: rec, Cache: newMapCache(), Settings: Settings{MaxRetries: 2}})
	var judge provider.Provider = p
	var chunks []string
	emit := func(c provider.Chunk) error { chunks = append(chunks, c.Text); return nil }
	ctx := WithCaseID(context.Background(), "case-42")
	resp, err := judge.Generate(ctx, *request("grade this"), emit)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "answer to grade this" {
		t.Errorf("text %q", resp.Text)
	}
	if diff := cmp.Diff([]string{"answer to grade this"}, chunks); diff != "" {
		t.Errorf("emitted chunks (-want +got):\n%s", diff)
	}
	if b.Spent() != 0.2 {
		t.Errorf("budget spent %v, want the judge call's 0.2", b.Spent())
	}
	evs := rec.attempts()
	if len(evs) != 2 || evs[0].CaseID != "case-42" || evs[1].Wait != event.WaitBackoff {
		t.Errorf("events %+v, want two attempts for case-42, the second after backoff", evs)
	}
	if _, err := judge.Generate(ctx, *request("grade this"), emit); err != nil {
		t.Fatal(err)
	}
	if b.Spent() != 0.2 || inner.Calls() != 2 {
		t.Errorf("after a repeat: spent %v, calls %d; want a free cached answer", b.Spent(), inner.Calls())
	}
}

// TestGenerateCachedEmitsText checks the provider contract on a cache hit:
// Generate must call emit with the text even when no call was made, or a
// judge that reads the stream sees an empty answer.
func TestGenerateCachedEmitsText(t *testing.T) {
	t.Parallel()
	p, _ := wrap(t, scripted(), Options{Cache: newMapCache()})
	ctx := context.Background()
	for i, wantCached := range []bool{false, true} {
		var got strings.Builder
		resp, err := p.Generate(ctx, *request("q"), func(c provider.Chunk) error { got.WriteString(c.Text); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != resp.Text {
			t.Errorf("call %d (cached %v): emitted %q, response text %q; want the text emitted", i, wantCached, got.String(), resp.Text)
		}
	}
}

func TestDoStreamedTimings(t *testing.T) {
	t.Parallel()
	empty := &fakeProvider{GenerateFn: func(context.Context, int, provider.Request, func(provider.Chunk) error) (provider.Response, error) {
		time.Sleep(2 * time.Millisecond)
		return provider.Response{}, nil
	}}
	p, _ := wrap(t, empty, Options{})
	req := request("q")
	req.Stream = true
	out := p.Do(context.Background(), req, Call{})
	if out.LatencyMs <= 0 || out.TTFTMs != out.LatencyMs {
		t.Errorf("empty streamed answer: latency %v ttft %v, want ttft = latency > 0", out.LatencyMs, out.TTFTMs)
	}
	req.Stream = false
	if out := p.Do(context.Background(), req, Call{}); out.TTFTMs != 0 {
		t.Errorf("unstreamed call: ttft %v, want 0", out.TTFTMs)
	}
	streamed := &fakeProvider{GenerateFn: func(_ context.Context, _ int, _ provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		_ = emit(provider.Chunk{})
		time.Sleep(2 * time.Millisecond)
		_ = emit(provider.Chunk{Text: "a"})
		time.Sleep(5 * time.Millisecond)
		return provider.Response{Text: "a"}, nil
	}}
	p, _ = wrap(t, streamed, Options{})
	req.Stream = true
	out = p.Do(context.Background(), req, Call{})
	if out.TTFTMs < 2 || out.TTFTMs >= out.LatencyMs {
		t.Errorf("streamed: ttft %v latency %v, want the first text after 2ms and before the end", out.TTFTMs, out.LatencyMs)
	}
}

func TestWrapKeepsCapabilitiesReachable(t *testing.T) {
	t.Parallel()
	inner := &listingProvider{fakeProvider: scripted()}
	p, err := Wrap(inner, Options{ID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Unwrap() != provider.Provider(inner) || p.ID() != "x" {
		t.Errorf("Unwrap/ID do not return the wrapped provider and label")
	}
	l, ok := provider.As[provider.Lister](p)
	if !ok {
		t.Fatal("provider.As did not find the wrapped provider's Lister")
	}
	if got, _ := l.Models(context.Background()); len(got) != 1 || got[0] != "m-1" {
		t.Errorf("Models = %v", got)
	}
	if _, ok := provider.As[provider.Embedder](p); ok {
		t.Error("found an Embedder the wrapped provider does not have")
	}
}

type listingProvider struct{ *fakeProvider }

func (listingProvider) Models(context.Context) ([]string, error) { return []string{"m-1"}, nil }
