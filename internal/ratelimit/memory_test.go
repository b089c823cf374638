package ratelimit

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestMemoryConformance(t *testing.T) {
	t.Parallel()
	conformance(t, func(_ *testing.T, c *clock) Limiter { return NewMemory(MemoryOptions{Now: c.Now}) })
}

// Full buckets are dropped, so memory follows the active callers; a
// bucket that is still refilling is kept, or waiting for a sweep would
// reset an exhausted caller.
func TestMemoryEvictsFullBuckets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock()
	m := NewMemory(MemoryOptions{Now: c.Now, SweepEvery: time.Minute})
	charge := func(first, n int) {
		for i := first; i < first+n; i++ {
			if _, err := m.Allow(ctx, fmt.Sprintf("ip:10.%d.%d.%d", i/65536, i/256%256, i%256), global); err != nil {
				t.Fatal(err)
			}
		}
	}
	charge(0, 5000)
	if n := m.Len(); n != 5000 {
		t.Fatalf("%d buckets for 5000 callers active this instant, want 5000 (none is full)", n)
	}
	// A second later the first 5000 are full again; growth past twice the
	// last sweep's size sweeps them out before the timer would.
	c.Advance(time.Second)
	charge(5000, 5000)
	if n := m.Len(); n > 5000+minSweepSize {
		t.Fatalf("%d buckets held, want at most the 5000 active callers plus slack", n)
	}

	for range 20 {
		_, _ = m.Allow(ctx, "user:busy", global)
	}
	c.Advance(6 * time.Second) // busy gets 10 of 20 tokens back; everyone else is full
	c.Advance(time.Minute - 6*time.Second)
	_, _ = m.Allow(ctx, "user:other", global) // the timer has run out: this sweeps
	if n := m.Len(); n != 1 {
		t.Fatalf("%d buckets a minute later, want 1 (user:other's)", n)
	}
	m2 := NewMemory(MemoryOptions{Now: c.Now, SweepEvery: time.Second})
	for range 20 {
		_, _ = m2.Allow(ctx, "user:busy", global)
	}
	c.Advance(6 * time.Second)
	_, _ = m2.Allow(ctx, "user:other", global) // sweeps; busy holds 10 tokens
	if m2.Len() != 2 {
		t.Fatalf("a refilling bucket was dropped: %d buckets, want 2", m2.Len())
	}
	if d, _ := m2.Allow(ctx, "user:busy", global); d.Remaining != 9 {
		t.Fatalf("busy's partly spent bucket changed: %+v, want 9 remaining", d)
	}
}

func BenchmarkMemoryAllowAll(b *testing.B) {
	ctx := context.Background()
	m := NewMemory(MemoryOptions{})
	ps := []Policy{route, {Name: "global", Quota: 1 << 30, Window: time.Second, Burst: 1 << 30}}
	i := 0
	for b.Loop() {
		i++
		_, _ = m.AllowAll(ctx, fmt.Sprintf("user:%d", i%1000), ps)
	}
}
