package auth

import (
	"sync"
	"time"
)

// maxThrottleKeys bounds the memory of failure counting; past it, keys
// whose failures have all left the window are dropped first.
const maxThrottleKeys = 100_000

// failureLimiter counts failed logins per key (a username or a client
// address) in a sliding window: after max failures within window, the key
// is refused until the oldest of them leaves the window. Nothing is
// permanent, so an attacker cannot lock an account out for good.
type failureLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

func newFailureLimiter(maxFailures int, window time.Duration) *failureLimiter {
	return &failureLimiter{max: maxFailures, window: window, fails: map[string][]time.Time{}}
}

// recent drops the failures of key that left the window; mu is held.
func (l *failureLimiter) recent(key string, now time.Time) []time.Time {
	fs := l.fails[key]
	i := 0
	for i < len(fs) && !now.Before(fs[i].Add(l.window)) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = fs
	return fs
}

// attempt counts an attempt of key at now as a failure, unless key is
// refused, in which case it counts nothing and returns how long the refusal
// lasts. The check and the count are one step, so concurrent attempts
// cannot all pass before the first failure is counted; a login that
// succeeds takes its count back with forgive.
func (l *failureLimiter) attempt(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.recent(key, now)
	if len(fs) >= l.max {
		return fs[len(fs)-l.max].Add(l.window).Sub(now)
	}
	if fs == nil && len(l.fails) >= maxThrottleKeys {
		l.sweep(now)
	}
	l.fails[key] = append(fs, now)
	return 0
}

// forgive takes back one attempt of key counted at at.
func (l *failureLimiter) forgive(key string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.fails[key]
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].Equal(at) {
			fs = append(fs[:i], fs[i+1:]...)
			break
		}
	}
	if len(fs) == 0 {
		delete(l.fails, key)
		return
	}
	l.fails[key] = fs
}

// sweep drops expired keys, then arbitrary ones while still over the
// bound; mu is held.
func (l *failureLimiter) sweep(now time.Time) {
	for k := range l.fails {
		l.recent(k, now)
	}
	for k := range l.fails {
		if len(l.fails) < maxThrottleKeys {
			break
		}
		delete(l.fails, k)
	}
}

// reset forgets key's failures (after a successful login).
func (l *failureLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

// touchLimiter lets an API key's last_used_at be written at most once per
// interval per key.
type touchLimiter struct {
	mu       sync.Mutex
	interval time.Duration
	last     map[string]time.Time
}

func (t *touchLimiter) due(id string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.last[id]; ok && now.Sub(last) < t.interval {
		return false
	}
	t.last[id] = now
	return true
}
