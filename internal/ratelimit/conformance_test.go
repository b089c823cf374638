package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	global = Policy{Name: "global", Quota: 100, Window: time.Minute, Burst: 20}
	route  = Policy{Name: "benchmarks", Quota: 10, Window: time.Minute, Burst: 3}
)

// conformance is what every Limiter must do. mk returns a fresh limiter
// whose buckets no other call of mk shares, driven by the given clock.
func conformance(t *testing.T, mk func(t *testing.T, c *clock) Limiter) {
	ctx := context.Background()

	t.Run("burst then refuse then refill", func(t *testing.T) {
		t.Parallel()
		c := newClock()
		l := mk(t, c)
		for i := range 20 {
			d, err := l.Allow(ctx, "user:a", global)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Allowed || d.Remaining != 19-i {
				t.Fatalf("request %d: %+v, want allowed with %d remaining", i+1, d, 19-i)
			}
			if want := time.Duration(i+1) * 600 * time.Millisecond; !near(d.Reset, want) {
				t.Fatalf("request %d: reset %s, want %s", i+1, d.Reset, want)
			}
		}
		d, err := l.Allow(ctx, "user:a", global)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed || d.Remaining != 0 || !near(d.RetryAfter, 600*time.Millisecond) {
			t.Fatalf("21st: %+v, want refused, retry after 600ms", d)
		}
		c.Advance(d.RetryAfter - 10*time.Millisecond)
		if d, _ := l.Allow(ctx, "user:a", global); d.Allowed {
			t.Fatalf("allowed before RetryAfter: %+v", d)
		}
		c.Advance(10 * time.Millisecond)
		if d, _ := l.Allow(ctx, "user:a", global); !d.Allowed {
			t.Fatalf("refused after RetryAfter: %+v", d)
		}
		if d, _ := l.Allow(ctx, "user:a", global); d.Allowed {
			t.Fatalf("one token came back, two requests passed: %+v", d)
		}
		c.Advance(12 * time.Second)
		if d, _ := l.Allow(ctx, "user:a", global); !d.Allowed || d.Remaining != 19 {
			t.Fatalf("after a full refill: %+v, want 19 remaining", d)
		}
	})

	t.Run("keys are independent", func(t *testing.T) {
		t.Parallel()
		l := mk(t, newClock())
		for range 20 {
			_, _ = l.Allow(ctx, "user:a", global)
		}
		if d, _ := l.Allow(ctx, "user:a", global); d.Allowed {
			t.Fatal("user:a not exhausted")
		}
		if d, err := l.Allow(ctx, "user:b", global); err != nil || !d.Allowed || d.Remaining != 19 {
			t.Fatalf("user:b suffers from user:a: %+v, %v", d, err)
		}
		if d, err := l.Allow(ctx, "user:a", route); err != nil || !d.Allowed {
			t.Fatalf("another policy of user:a is a separate bucket: %+v, %v", d, err)
		}
	})

	t.Run("route refusal charges no global token", func(t *testing.T) {
		t.Parallel()
		l := mk(t, newClock())
		both := []Policy{route, global}
		for i := range 3 {
			ds, err := l.AllowAll(ctx, "user:a", both)
			if ok, _ := Verdict(ds); err != nil || !ok {
				t.Fatalf("request %d: %+v %v", i+1, ds, err)
			}
		}
		for range 5 {
			ds, err := l.AllowAll(ctx, "user:a", both)
			if err != nil {
				t.Fatal(err)
			}
			ok, retry := Verdict(ds)
			if ok || ds[0].Allowed || !ds[1].Allowed || !near(retry, 6*time.Second) {
				t.Fatalf("route exhausted: %+v, want route refused (retry 6s), global with room", ds)
			}
			if ds[1].Remaining != 17 {
				t.Fatalf("global charged by refused requests: %d remaining, want 17", ds[1].Remaining)
			}
		}
	})

	t.Run("global refusal charges no route token", func(t *testing.T) {
		t.Parallel()
		l := mk(t, newClock())
		for range 20 {
			_, _ = l.Allow(ctx, "user:a", global)
		}
		both := []Policy{route, global}
		for range 5 {
			ds, err := l.AllowAll(ctx, "user:a", both)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := Verdict(ds); ok || !ds[0].Allowed || ds[1].Allowed {
				t.Fatalf("global exhausted: %+v", ds)
			}
			if ds[0].Remaining != 3 {
				t.Fatalf("route charged by refused requests: %d remaining, want 3", ds[0].Remaining)
			}
		}
	})

	t.Run("concurrent callers get exactly the burst", func(t *testing.T) {
		t.Parallel()
		l := mk(t, newClock())
		var passed atomic.Int32
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				ds, err := l.AllowAll(ctx, "user:c", []Policy{route, global})
				if err != nil {
					t.Error(err)
					return
				}
				if ok, _ := Verdict(ds); ok {
					passed.Add(1)
				}
			})
		}
		wg.Wait()
		if got := passed.Load(); got != int32(route.Burst) {
			t.Fatalf("%d of 50 concurrent requests passed, want %d", got, route.Burst)
		}
	})

	t.Run("invalid policies", func(t *testing.T) {
		t.Parallel()
		l := mk(t, newClock())
		for _, ps := range [][]Policy{
			{{Name: "", Quota: 1, Window: time.Second, Burst: 1}},
			{{Name: "x", Quota: 0, Window: time.Second, Burst: 1}},
			{{Name: "x", Quota: 1, Window: 0, Burst: 1}},
			{{Name: "x", Quota: 1, Window: time.Second, Burst: 0}},
			{global, global},
		} {
			if _, err := l.AllowAll(ctx, "user:a", ps); err == nil {
				t.Errorf("%+v accepted", ps)
			}
		}
	})
}

// near reports whether got is within a millisecond of want (the Redis
// script works in microseconds, x/time/rate in float seconds).
func near(got, want time.Duration) bool {
	d := got - want
	return d > -time.Millisecond && d < time.Millisecond
}

func ExampleVerdict() {
	ok, retry := Verdict([]Decision{{Allowed: true}, {Allowed: false, RetryAfter: 6 * time.Second}})
	fmt.Println(ok, retry)
	// Output: false 6s
}
