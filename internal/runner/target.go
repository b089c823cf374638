package runner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Target is one provider a run calls, with its limits.
type Target struct {
	// ID labels the target's results ("vendor:model" or a label).
	ID       string
	Vendor   string
	Model    string
	BaseURL  string
	Provider provider.Provider
	// Concurrency is the most calls in flight to this target; 0 means the run's.
	Concurrency int
	// RequestsPerMinute and TokensPerMinute limit the call rate; 0 means none.
	RequestsPerMinute float64
	TokensPerMinute   float64
	// Sampling and Extra are the target's own settings; a case's config overrides them.
	Sampling provider.Sampling
	Extra    map[string]any

	reqLimiter *rate.Limiter
	tokLimiter *rate.Limiter
	breaker    breaker
}

func (t *Target) init() {
	if t.RequestsPerMinute > 0 {
		t.reqLimiter = rate.NewLimiter(rate.Limit(t.RequestsPerMinute/60), max(1, int(t.RequestsPerMinute/60)))
	}
	if t.TokensPerMinute > 0 {
		t.tokLimiter = rate.NewLimiter(rate.Limit(t.TokensPerMinute/60), int(t.TokensPerMinute))
	}
}

// wait blocks until the target's rate limits allow a call of about tokens tokens.
func (t *Target) wait(ctx context.Context, tokens int) error {
	if t.reqLimiter != nil {
		if err := t.reqLimiter.Wait(ctx); err != nil {
			return err
		}
	}
	if t.tokLimiter != nil {
		n := min(tokens, t.tokLimiter.Burst())
		if err := t.tokLimiter.WaitN(ctx, max(n, 1)); err != nil {
			return err
		}
	}
	return nil
}

// breaker stops calls to a target that cannot succeed: an authentication
// failure opens it for the rest of the run; a streak of failures opens it
// for a cool-down, after which one call probes again.
type breaker struct {
	mu        sync.Mutex
	authErr   error
	streak    int
	openUntil time.Time
}

const (
	breakerStreak   = 20
	breakerCoolDown = 10 * time.Second
)

// allow returns an error when calls must not be made now.
func (b *breaker) allow(now time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.authErr != nil {
		return b.authErr
	}
	if now.Before(b.openUntil) {
		return &provider.Error{Kind: provider.KindTransient, Err: fmt.Errorf("circuit open after %d consecutive failures; retrying after %s", b.streak, b.openUntil.Format(time.TimeOnly))}
	}
	return nil
}

// record notes a call's outcome.
func (b *breaker) record(err error, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		b.streak = 0
		return
	}
	if pe := provider.AsError(err); pe != nil && pe.Kind == provider.KindAuth {
		b.authErr = err
		return
	}
	b.streak++
	if b.streak >= breakerStreak {
		b.openUntil = now.Add(breakerCoolDown)
	}
}
