package policy

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// op is one step of a breaker scenario: at time at, ask allow (and check
// what it grants) or record the outcome of the last permitted call.
type op struct {
	at time.Duration
	// allow: want is the permit expected; retryAt (when allowed is refused
	// and retryAt >= 0) is when the breaker says to try again, from t0.
	allow   bool
	want    permit
	retryAt time.Duration
	// record: err is the outcome of the call the last allow permitted.
	record bool
	err    error
}

func allowAt(at time.Duration, want permit) op {
	return op{at: at, allow: true, want: want, retryAt: -1}
}
func refusedUntil(at, until time.Duration) op {
	return op{at: at, allow: true, want: permitNone, retryAt: until}
}
func failAt(at time.Duration) op { return op{at: at, record: true, err: perr(provider.KindOverloaded)} }
func okAt(at time.Duration) op   { return op{at: at, record: true} }

// fails is n permitted calls that fail at time at.
func fails(n int, at time.Duration) []op {
	var ops []op
	for range n {
		ops = append(ops, allowAt(at, permitCall), failAt(at))
	}
	return ops
}

func seq(parts ...[]op) []op {
	var out []op
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestBreakerScenarios(t *testing.T) {
	t.Parallel()
	s := time.Second
	ms := time.Millisecond
	tests := []struct {
		name string
		// streak and coolDown set up the breaker; zero means the default.
		streak   int
		coolDown time.Duration
		ops      []op
	}{
		{
			name:   "closed below the streak",
			streak: 3, coolDown: 10 * s,
			ops: seq(fails(2, 0), []op{allowAt(s, permitCall)}),
		},
		{
			name:   "opens after the streak until the cool-down ends",
			streak: 3, coolDown: 10 * s,
			ops: seq(fails(3, 0), []op{refusedUntil(ms, 10*s), refusedUntil(9999*ms, 10*s)}),
		},
		{
			name:   "a success resets the streak",
			streak: 3, coolDown: 10 * s,
			ops: seq(fails(2, 0), []op{allowAt(0, permitCall), okAt(0)}, fails(2, s),
				[]op{allowAt(2*s, permitCall)}),
		},
		{
			name:   "refused calls never extend the cool-down",
			streak: 1, coolDown: 10 * s,
			ops: seq(fails(1, 0), []op{
				refusedUntil(s, 10*s), refusedUntil(3*s, 10*s), refusedUntil(5*s, 10*s),
				refusedUntil(7*s, 10*s), refusedUntil(9*s, 10*s), refusedUntil(9900*ms, 10*s),
				allowAt(10500*ms, permitProbe),
			}),
		},
		{
			name:   "the probe goes exactly at the end of the cool-down",
			streak: 2, coolDown: 10 * s,
			ops: seq(fails(2, 0), []op{allowAt(10*s, permitProbe)}),
		},
		{
			name:   "only one probe while half-open",
			streak: 1, coolDown: 10 * s,
			ops: seq(fails(1, 0), []op{
				allowAt(10500*ms, permitProbe),
				// The second caller is told to come back a tenth of a cool-down later.
				refusedUntil(10600*ms, 11600*ms),
				refusedUntil(30*s, 31*s),
			}),
		},
		{
			name:   "a successful probe closes the breaker and resets the streak",
			streak: 2, coolDown: 10 * s,
			ops: seq(fails(2, 0), []op{allowAt(10500*ms, permitProbe), okAt(11 * s),
				allowAt(11*s, permitCall), allowAt(11*s, permitCall)},
				fails(1, 12*s), []op{allowAt(12*s, permitCall)}),
		},
		{
			name:   "a failed probe re-opens for a full cool-down from its failure",
			streak: 2, coolDown: 10 * s,
			ops: seq(fails(2, 0), []op{
				allowAt(10500*ms, permitProbe), failAt(12 * s),
				refusedUntil(12*s, 22*s), refusedUntil(21900*ms, 22*s),
				allowAt(22*s, permitProbe), okAt(23 * s),
				allowAt(23*s, permitCall),
			}),
		},
		{
			name: "defaults: 20 failures and 10 seconds",
			ops: seq(fails(19, 0), []op{allowAt(0, permitCall), failAt(0),
				refusedUntil(9*s, 10*s), allowAt(10*s, permitProbe)}),
		},
		{
			name: "19 failures do not open the default breaker",
			ops:  seq(fails(19, 0), []op{allowAt(0, permitCall)}),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := &Breaker{Streak: tc.streak, CoolDown: tc.coolDown}
			last := permitNone
			for i, o := range tc.ops {
				now := t0.Add(o.at)
				switch {
				case o.allow:
					got, until, err := b.allow(now)
					if got != o.want {
						t.Fatalf("step %d: allow at %v = %v (%v), want %v", i, o.at, got, err, o.want)
					}
					if got != permitNone {
						if err != nil {
							t.Fatalf("step %d: permitted with error %v", i, err)
						}
						last = got
						continue
					}
					pe := provider.AsError(err)
					if pe == nil || !pe.Kind.Retryable() || !strings.Contains(err.Error(), "circuit open") {
						t.Fatalf("step %d: refusal error %v, want a retryable provider error saying the circuit is open", i, err)
					}
					if o.retryAt >= 0 && !until.Equal(t0.Add(o.retryAt)) {
						t.Fatalf("step %d: refused at %v until %v, want until %v", i, o.at, until.Sub(t0), o.retryAt)
					}
				case o.record:
					if last == permitNone {
						t.Fatalf("step %d: record without a permit", i)
					}
					b.record(last, o.err, now)
					last = permitNone
				}
			}
		})
	}
}

func TestBreakerAuthOpensForGood(t *testing.T) {
	t.Parallel()
	b := &Breaker{Streak: 5, CoolDown: time.Second}
	auth := &provider.Error{Kind: provider.KindAuth, StatusCode: 401, Err: errors.New("invalid key")}
	p, _, _ := b.allow(t0)
	b.record(p, auth, t0)
	for _, at := range []time.Duration{0, time.Second, time.Hour, 1000 * time.Hour} {
		got, until, err := b.allow(t0.Add(at))
		if got != permitNone {
			t.Fatalf("allow %v after an auth failure = %v, want refused", at, got)
		}
		if !until.IsZero() {
			t.Errorf("refused until %v; an auth failure has no end", until)
		}
		if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindAuth || pe.Kind.Retryable() {
			t.Errorf("refusal error = %v, want the non-retryable auth error", err)
		}
	}
	// A success reported late by a call in flight does not undo it.
	b.record(permitCall, nil, t0.Add(time.Minute))
	if got, _, _ := b.allow(t0.Add(2 * time.Minute)); got != permitNone {
		t.Errorf("allow after a late success = %v, want refused for good", got)
	}
}

func TestBreakerOneProbeUnderContention(t *testing.T) {
	t.Parallel()
	b := &Breaker{Streak: 1, CoolDown: 10 * time.Second}
	p, _, _ := b.allow(t0)
	b.record(p, perr(provider.KindOverloaded), t0)
	now := t0.Add(10500 * time.Millisecond)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		probes int
		calls  int
	)
	for range 64 {
		wg.Go(func() {
			got, _, _ := b.allow(now)
			mu.Lock()
			defer mu.Unlock()
			switch got {
			case permitProbe:
				probes++
			case permitCall:
				calls++
			}
		})
	}
	wg.Wait()
	if probes != 1 || calls != 0 {
		t.Errorf("64 concurrent callers got %d probes and %d calls, want exactly 1 probe", probes, calls)
	}
}

// TestBreakerThroughDo drives the breaker through Provider.Do on fake time.
func TestBreakerThroughDo(t *testing.T) {
	t.Parallel()
	t.Run("a retry that waited for the breaker says breaker", func(t *testing.T) {
		t.Parallel()
		inner := scripted(perr(provider.KindOverloaded))
		rec := &recorder{}
		p, clock := wrap(t, inner, Options{
			Breaker:  &Breaker{Streak: 1, CoolDown: 10 * time.Second},
			Settings: Settings{MaxRetries: 3, BackoffBase: 100 * time.Millisecond},
			Events:   rec,
		})
		out := p.Do(context.Background(), request("q"), Call{CaseID: "c1"})
		if out.Err != nil {
			t.Fatalf("Do: %v", out.Err)
		}
		// 1: the call fails and opens the breaker; 2: after backoff, refused;
		// 3: after waiting out the cool-down, the probe succeeds.
		if out.Attempts != 3 || inner.Calls() != 2 {
			t.Fatalf("attempts %d, provider calls %d; want 3 and 2", out.Attempts, inner.Calls())
		}
		got := rec.attempts()
		if len(got) != 3 {
			t.Fatalf("%d attempt events, want 3: %+v", len(got), got)
		}
		reasons := []event.Wait{got[0].Wait, got[1].Wait, got[2].Wait}
		if diff := cmp.Diff([]event.Wait{event.WaitNone, event.WaitBackoff, event.WaitBreaker}, reasons); diff != "" {
			t.Errorf("wait reasons (-want +got):\n%s", diff)
		}
		errs := []string{got[0].Error, got[1].Error, got[2].Error}
		if diff := cmp.Diff([]string{"overloaded", "transient", ""}, errs); diff != "" {
			t.Errorf("error kinds (-want +got):\n%s", diff)
		}
		sl := clock.sleeps()
		if len(sl) != 2 || sl[0]+sl[1] != 10*time.Second {
			t.Errorf("slept %v, want a backoff and then the rest of the 10s cool-down", sl)
		}
		if want := float64(sl[1].Microseconds()) / 1000; got[2].WaitMs != want || want < 9900 {
			t.Errorf("breaker wait_ms = %v, want %v (the rest of the cool-down)", got[2].WaitMs, want)
		}
	})
	t.Run("calls that keep arriving do not keep it open", func(t *testing.T) {
		t.Parallel()
		inner := scripted(perr(provider.KindOverloaded))
		p, clock := wrap(t, inner, Options{Breaker: &Breaker{Streak: 1, CoolDown: 10 * time.Second}})
		if out := p.Do(context.Background(), request("q"), Call{}); out.Err == nil {
			t.Fatal("first call succeeded, want it to fail and open the breaker")
		}
		for at := 500 * time.Millisecond; at < 10*time.Second; at += 500 * time.Millisecond {
			clock.set(at)
			out := p.Do(context.Background(), request("q"), Call{})
			if out.Err == nil || !strings.Contains(out.Err.Error(), "circuit open") {
				t.Fatalf("call at %v: err %v, want refused by the open circuit", at, out.Err)
			}
		}
		if inner.Calls() != 1 {
			t.Fatalf("provider called %d times while open, want only the first call", inner.Calls())
		}
		clock.set(10500 * time.Millisecond)
		if out := p.Do(context.Background(), request("q"), Call{}); out.Err != nil {
			t.Fatalf("call 10.5s into a 10s cool-down: %v, want the probe to go through", out.Err)
		}
		if inner.Calls() != 2 {
			t.Errorf("provider called %d times, want 2", inner.Calls())
		}
		clock.set(10600 * time.Millisecond)
		if out := p.Do(context.Background(), request("q"), Call{}); out.Err != nil {
			t.Errorf("call after a successful probe: %v, want the breaker closed", out.Err)
		}
	})
	t.Run("an auth failure stops every later call without retries", func(t *testing.T) {
		t.Parallel()
		inner := failing(&provider.Error{Kind: provider.KindAuth, StatusCode: 401, Err: errors.New("bad key")})
		p, clock := wrap(t, inner, Options{Settings: Settings{MaxRetries: 5}})
		for i := range 5 {
			clock.set(time.Duration(i) * time.Hour)
			out := p.Do(context.Background(), request("q"), Call{})
			if pe := provider.AsError(out.Err); pe == nil || pe.Kind != provider.KindAuth {
				t.Fatalf("call %d: err %v, want auth", i, out.Err)
			}
			if out.Attempts != 1 {
				t.Errorf("call %d: %d attempts, want 1", i, out.Attempts)
			}
		}
		if inner.Calls() != 1 {
			t.Errorf("provider called %d times, want 1: a bad key costs one call", inner.Calls())
		}
		if len(clock.sleeps()) != 0 {
			t.Errorf("slept %v, want no waits after an auth failure", clock.sleeps())
		}
	})
}
