package policy

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Breaker stops calls to a target that cannot succeed. An authentication
// failure opens it for good (a bad key costs one call, not thousands). A
// streak of failures opens it for a cool-down; then it half-opens: exactly
// one probe call goes through, and its outcome closes the breaker or opens
// it for another cool-down. Calls refused while it is open are not failures
// of the target and never extend the cool-down.
type Breaker struct {
	mu        sync.Mutex
	authErr   error
	streak    int
	openUntil time.Time
	probing   bool
	// Streak and CoolDown are the opening rule; zero means the defaults.
	Streak   int
	CoolDown time.Duration
}

// Breaker defaults.
const (
	DefaultBreakerStreak   = 20
	DefaultBreakerCoolDown = 10 * time.Second
)

// ErrBreakerOpen is the kind of failure a refused call records.
type breakerOpen struct {
	streak int
	until  time.Time
}

func (e *breakerOpen) Error() string {
	return fmt.Sprintf("circuit open after %d consecutive failures; calls resume after %s", e.streak, e.until.Format(time.TimeOnly))
}

// permit is what Allow grants: a normal call, or the half-open probe.
type permit int

const (
	permitNone permit = iota
	permitCall
	permitProbe
)

// allow says whether a call may be made now. When it may not, it returns
// the error to record and when to try again (zero for never: auth).
func (b *Breaker) allow(now time.Time) (permit, time.Time, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.authErr != nil {
		return permitNone, time.Time{}, b.authErr
	}
	if b.openUntil.IsZero() {
		return permitCall, time.Time{}, nil
	}
	if now.Before(b.openUntil) || b.probing {
		until := b.openUntil
		if b.probing && !now.Before(until) {
			until = now.Add(b.coolDown() / 10)
		}
		return permitNone, until, &provider.Error{Kind: provider.KindTransient, Err: &breakerOpen{streak: b.streak, until: b.openUntil}}
	}
	b.probing = true
	return permitProbe, time.Time{}, nil
}

// record notes the outcome of a call that allow permitted.
func (b *Breaker) record(p permit, err error, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p == permitProbe {
		b.probing = false
	}
	if err == nil {
		b.streak = 0
		b.openUntil = time.Time{}
		return
	}
	pe := provider.AsError(err)
	switch {
	case pe != nil && pe.Kind == provider.KindAuth:
		b.authErr = err
		return
	case pe != nil && !pe.Kind.Retryable(), pe == nil && errors.Is(err, context.Canceled):
		// A bad request, an over-long prompt or a cancelled call says
		// nothing about the target's health.
		if p == permitProbe {
			b.openUntil = now // let the next call probe again
		}
		return
	}
	b.streak++
	if p == permitProbe || b.streak >= b.streakLimit() {
		b.openUntil = now.Add(b.coolDown())
	}
}

func (b *Breaker) streakLimit() int {
	if b.Streak > 0 {
		return b.Streak
	}
	return DefaultBreakerStreak
}

func (b *Breaker) coolDown() time.Duration {
	if b.CoolDown > 0 {
		return b.CoolDown
	}
	return DefaultBreakerCoolDown
}
