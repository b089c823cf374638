package policy

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// Limiter paces calls to one target: Local within one process, Shared
// across every process using one Redis.
type Limiter interface {
	// Wait blocks until a call of about tokens tokens may start and returns
	// how long it waited.
	Wait(ctx context.Context, tokens int) (time.Duration, error)
}

// Local limits requests and tokens per minute within one process with token
// buckets. A zero rate means no limit of that kind.
type Local struct {
	req, tok *rate.Limiter
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
}

// NewLocal returns a limiter for rpm requests and tpm tokens per minute, or
// nil when both are 0. The request bucket holds one second's worth of calls
// (at least one), so bursts stay short; the token bucket holds a minute's.
func NewLocal(rpm, tpm float64) *Local {
	if rpm <= 0 && tpm <= 0 {
		return nil
	}
	l := &Local{now: time.Now, sleep: sleep}
	if rpm > 0 {
		l.req = rate.NewLimiter(rate.Limit(rpm/60), max(1, int(rpm/60)))
	}
	if tpm > 0 {
		l.tok = rate.NewLimiter(rate.Limit(tpm/60), max(1, int(tpm)))
	}
	return l
}

// Wait reserves one request and about tokens tokens, then sleeps for the
// longer of the two delays. A request larger than the token bucket waits
// for a full bucket.
func (l *Local) Wait(ctx context.Context, tokens int) (time.Duration, error) {
	now := l.now()
	var d time.Duration
	if l.req != nil {
		r := l.req.ReserveN(now, 1)
		d = max(d, r.DelayFrom(now))
	}
	if l.tok != nil {
		n := max(min(tokens, l.tok.Burst()), 1)
		r := l.tok.ReserveN(now, n)
		d = max(d, r.DelayFrom(now))
	}
	if d <= 0 {
		return 0, nil
	}
	return d, l.sleep(ctx, d)
}

// Charge takes tokens from the token bucket without waiting, for tokens
// counted after the fact (a call made elsewhere): the next Wait sleeps
// until the bucket has paid them back. It does nothing without a token
// limit.
func (l *Local) Charge(tokens int) {
	if l == nil || l.tok == nil || tokens <= 0 {
		return
	}
	// A reservation larger than the bucket is refused; charge it in
	// bucket-sized parts, each of which pushes the next call back.
	now := l.now()
	for tokens > 0 {
		n := min(tokens, l.tok.Burst())
		l.tok.ReserveN(now, n)
		tokens -= n
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
