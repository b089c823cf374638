package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Cache is what the runner needs of a response cache.
type Cache interface {
	Get(ctx context.Context, key string) (*cache.Entry, bool)
	Put(ctx context.Context, key string, e *cache.Entry) error
}

// outcome is one call's answer, timings and failure.
type outcome struct {
	resp      provider.Response
	latencyMs float64
	ttftMs    float64
	cached    bool
	attempts  int
	err       error
}

// call sends one request with retries, honouring the target's limits, the
// per-call timeout and the cache.
func (r *Runner) call(ctx context.Context, t *Target, req *provider.Request, rep int) outcome {
	var key string
	if r.Cache != nil {
		k, err := cache.Key(t.ID, t.BaseURL, req, rep)
		if err == nil {
			key = k
			if e, ok := r.Cache.Get(ctx, key); ok {
				return outcome{resp: e.Response(), latencyMs: e.LatencyMs, ttftMs: e.TTFTMs, cached: true}
			}
		}
	}
	var out outcome
	for attempt := 0; ; attempt++ {
		out = r.attempt(ctx, t, req)
		out.attempts = attempt + 1
		t.breaker.record(out.err, time.Now())
		if out.err == nil || attempt >= r.MaxRetries || ctx.Err() != nil {
			break
		}
		pe := provider.AsError(out.err)
		if pe == nil || !pe.Kind.Retryable() {
			break
		}
		if err := sleep(ctx, r.backoff(attempt, pe.RetryAfter)); err != nil {
			break
		}
	}
	if out.err == nil && key != "" {
		e := &cache.Entry{
			Text: out.resp.Text, Model: out.resp.Model, FinishReason: out.resp.FinishReason,
			RawFinishReason: out.resp.RawFinishReason, Usage: out.resp.Usage, Logprobs: out.resp.Logprobs,
			LatencyMs: out.latencyMs, TTFTMs: out.ttftMs,
		}
		if err := r.Cache.Put(ctx, key, e); err != nil {
			r.logger().Warn("cache write failed", "error", err)
		}
	}
	return out
}

// attempt makes exactly one call and measures it.
func (r *Runner) attempt(ctx context.Context, t *Target, req *provider.Request) outcome {
	if err := t.breaker.allow(time.Now()); err != nil {
		return outcome{err: err}
	}
	if err := t.wait(ctx, estimateTokens(req)); err != nil {
		return outcome{err: err}
	}
	cctx := ctx
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		cctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	start := time.Now()
	var first time.Time
	emit := func(c provider.Chunk) error {
		if first.IsZero() && c.Text != "" {
			first = time.Now()
		}
		return nil
	}
	resp, err := t.Provider.Generate(cctx, *req, emit)
	end := time.Now()
	out := outcome{resp: resp, latencyMs: ms(end.Sub(start))}
	if !first.IsZero() {
		out.ttftMs = ms(first.Sub(start))
	}
	if err != nil {
		if cctx.Err() != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
			err = &provider.Error{Kind: provider.KindTimeout, Err: fmt.Errorf("no answer within %s", r.Timeout)}
		}
		out.err = err
	}
	return out
}

// backoff is exponential with full jitter, at least the server's Retry-After.
func (r *Runner) backoff(attempt int, retryAfter time.Duration) time.Duration {
	base := r.BackoffBase
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	ceiling := base << min(attempt, 10)
	ceiling = min(ceiling, 30*time.Second)
	d := time.Duration(rand.Int64N(int64(ceiling) + 1))
	return max(d, retryAfter)
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

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// estimateTokens guesses a request's size for the tokens-per-minute limiter:
// about four characters a token, plus the answer budget.
func estimateTokens(req *provider.Request) int {
	n := 0
	for _, m := range req.Messages {
		n += len(m.Content)/4 + 4
	}
	if req.Sampling.MaxTokens != nil {
		n += *req.Sampling.MaxTokens
	}
	return n
}

// statusOf maps a call error to a result status and error record.
func statusOf(ctx context.Context, err error) (bench.Status, *bench.ErrorInfo) {
	if err == nil {
		return bench.StatusSuccess, nil
	}
	info := &bench.ErrorInfo{Kind: string(provider.KindTransient), Message: err.Error()}
	if pe := provider.AsError(err); pe != nil {
		info.Kind = string(pe.Kind)
		info.Status = pe.StatusCode
		if pe.Kind == provider.KindTimeout {
			return bench.StatusTimeout, info
		}
	}
	if ctx.Err() != nil {
		info.Kind = "cancelled"
		return bench.StatusCancelled, info
	}
	return bench.StatusError, info
}
