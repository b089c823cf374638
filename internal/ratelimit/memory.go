package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

var _ Limiter = (*Memory)(nil)

// Memory keeps buckets in this process. A full bucket is dropped (a new
// one starts full, so nothing changes for its caller), which keeps memory
// bounded by the callers active within a refill period, not by every key
// ever seen.
type Memory struct {
	now func() time.Time

	mu      sync.Mutex
	buckets map[bucketID]*rate.Limiter
	// lastSweep and sweepAt decide when to drop full buckets: after
	// SweepEvery, or sooner when the map has doubled since the last sweep.
	lastSweep  time.Time
	sweepAt    int
	sweepEvery time.Duration
}

type bucketID struct{ key, policy string }

// MemoryOptions configures NewMemory.
type MemoryOptions struct {
	// Now is the clock; nil means time.Now. Tests inject one.
	Now func() time.Time
	// SweepEvery is how often full buckets are dropped; 0 means a minute.
	SweepEvery time.Duration
}

// minSweepSize is the map size below which only the timer triggers sweeps.
const minSweepSize = 1024

// NewMemory returns an empty in-memory limiter.
func NewMemory(o MemoryOptions) *Memory {
	m := &Memory{now: o.Now, buckets: map[bucketID]*rate.Limiter{}, sweepAt: minSweepSize, sweepEvery: o.SweepEvery}
	if m.now == nil {
		m.now = time.Now
	}
	if m.sweepEvery <= 0 {
		m.sweepEvery = time.Minute
	}
	m.lastSweep = m.now()
	return m
}

// Allow charges one request to key's bucket of p.
func (m *Memory) Allow(ctx context.Context, key string, p Policy) (Decision, error) {
	ds, err := m.AllowAll(ctx, key, []Policy{p})
	if err != nil {
		return Decision{}, err
	}
	return ds[0], nil
}

// AllowAll charges one request to key's bucket of every policy, all or
// nothing.
func (m *Memory) AllowAll(_ context.Context, key string, ps []Policy) ([]Decision, error) {
	if err := validateAll(ps); err != nil {
		return nil, err
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.maybeSweep(now)
	lims := make([]*rate.Limiter, len(ps))
	all := true
	for i, p := range ps {
		lims[i] = m.bucket(now, key, p)
		if lims[i].TokensAt(now) < 1 {
			all = false
		}
	}
	out := make([]Decision, len(ps))
	for i, p := range ps {
		if all {
			lims[i].AllowN(now, 1) // cannot fail: it holds a token and we hold the lock
		}
		out[i] = decide(lims[i].TokensAt(now), p, all)
	}
	return out, nil
}

// decide describes a bucket holding tokens; charged says whether this
// request took one.
func decide(tokens float64, p Policy, charged bool) Decision {
	r := p.perSecond()
	d := Decision{
		Allowed:   tokens >= 1 || charged,
		Remaining: max(0, int(math.Floor(tokens))),
		Reset:     seconds((float64(p.Burst) - tokens) / r),
	}
	if !d.Allowed {
		d.RetryAfter = seconds((1 - tokens) / r)
	}
	return d
}

// bucket returns key's bucket of p, made (full) when missing and adjusted
// when the policy's numbers changed.
func (m *Memory) bucket(now time.Time, key string, p Policy) *rate.Limiter {
	id := bucketID{key, p.Name}
	lim, ok := m.buckets[id]
	limit := rate.Limit(p.perSecond())
	if !ok {
		lim = rate.NewLimiter(limit, p.Burst)
		m.buckets[id] = lim
		return lim
	}
	if lim.Limit() != limit {
		lim.SetLimitAt(now, limit)
	}
	if lim.Burst() != p.Burst {
		lim.SetBurstAt(now, p.Burst)
	}
	return lim
}

// maybeSweep drops full buckets when it is time; m.mu is held.
func (m *Memory) maybeSweep(now time.Time) {
	if now.Sub(m.lastSweep) < m.sweepEvery && len(m.buckets) < m.sweepAt {
		return
	}
	for id, lim := range m.buckets {
		if lim.TokensAt(now) >= float64(lim.Burst()) {
			delete(m.buckets, id)
		}
	}
	m.lastSweep = now
	m.sweepAt = max(minSweepSize, 2*len(m.buckets))
}

// Len returns how many buckets are held, for tests and metrics.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.buckets)
}

// Close releases nothing; it makes Memory interchangeable with Redis.
func (m *Memory) Close() error { return nil }
