// Package ratelimit decides whether a caller may make one more request:
// token buckets per (caller key, policy), kept in the process's memory
// (Memory, golang.org/x/time/rate) or in Redis (Redis, GCRA in one Lua
// script) so that several replicas of the server share them. It knows
// nothing of HTTP; internal/httpmw turns its decisions into headers.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Policy is one token bucket's shape. A caller starts with Burst tokens;
// every request takes one, and tokens come back at Quota per Window, never
// beyond Burst.
type Policy struct {
	// Name names the bucket (callers have one bucket per policy name) and
	// the policy in the RateLimit and RateLimit-Policy headers.
	Name string
	// Quota requests per Window is the sustained rate.
	Quota  int
	Window time.Duration
	// Burst is how many requests may arrive at once.
	Burst int
}

// Validate reports a policy that cannot limit anything.
func (p Policy) Validate() error {
	switch {
	case p.Name == "":
		return errors.New("rate limit policy: empty name")
	case p.Quota < 1:
		return fmt.Errorf("rate limit policy %q: quota %d, want at least 1", p.Name, p.Quota)
	case p.Window <= 0:
		return fmt.Errorf("rate limit policy %q: window %s, want a positive duration", p.Name, p.Window)
	case p.Burst < 1:
		return fmt.Errorf("rate limit policy %q: burst %d, want at least 1", p.Name, p.Burst)
	}
	return nil
}

// perSecond is the rate at which tokens come back.
func (p Policy) perSecond() float64 { return float64(p.Quota) / p.Window.Seconds() }

// Decision is what a bucket answered for one request.
type Decision struct {
	// Allowed is whether the bucket had a token for the request.
	Allowed bool
	// Remaining is how many more requests the bucket would let through
	// now (after this one, when it was charged).
	Remaining int
	// RetryAfter is how long until the bucket has a token again; 0 when
	// Allowed.
	RetryAfter time.Duration
	// Reset is how long until the bucket is full again.
	Reset time.Duration
}

// Limiter charges requests to buckets. Implementations are safe for
// concurrent use.
type Limiter interface {
	// Allow charges one request to key's bucket of p.
	Allow(ctx context.Context, key string, p Policy) (Decision, error)
	// AllowAll charges one request to key's bucket of every policy, all
	// or nothing: when any bucket refuses, none is charged. It returns one
	// Decision per policy, in order; the request passes when every
	// Decision is Allowed (see Verdict).
	AllowAll(ctx context.Context, key string, ps []Policy) ([]Decision, error)
}

// Verdict sums up AllowAll's decisions: whether the request passes and,
// when it does not, how long until it would (the longest wait of the
// buckets that refused).
func Verdict(ds []Decision) (allowed bool, retryAfter time.Duration) {
	allowed = true
	for _, d := range ds {
		if !d.Allowed {
			allowed = false
			retryAfter = max(retryAfter, d.RetryAfter)
		}
	}
	return allowed, retryAfter
}

// validateAll checks every policy and that no name repeats (a repeated
// name would charge one bucket twice).
func validateAll(ps []Policy) error {
	for i, p := range ps {
		if err := p.Validate(); err != nil {
			return err
		}
		for _, q := range ps[:i] {
			if q.Name == p.Name {
				return fmt.Errorf("rate limit policy %q: given twice", p.Name)
			}
		}
	}
	return nil
}

// seconds turns a rate-derived number of seconds into a Duration, rounded
// up to the microsecond so that waiting it is always enough.
func seconds(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(s*1e6)) * time.Microsecond
}
