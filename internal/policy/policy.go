// Package policy is the call policy: everything that stands between a run
// and a provider call — rate limits, retries honouring Retry-After, the
// per-call timeout, the circuit breaker, the response cache and cost
// accounting against a budget. It wraps any provider.Provider, so bench
// calls, judge calls made by evaluators and (later) plugin calls all obey
// the same rules. The wrapped provider's optional abilities (listing,
// health, embeddings, input checks) stay reachable through provider.As.
package policy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Cache is what the policy needs of a response cache.
type Cache interface {
	Get(ctx context.Context, key string) (*cache.Entry, bool)
	Put(ctx context.Context, key string, e *cache.Entry) error
}

// Pricer prices one call of a target from the model that answered and the
// tokens it used.
type Pricer func(model string, u bench.Usage) bench.Cost

// Settings are a target's retry and timeout rules.
type Settings struct {
	// MaxRetries is how many times a retryable failure is tried again.
	MaxRetries int
	// BackoffBase is the first backoff ceiling (default 500ms); it doubles
	// per attempt up to 30s, with full jitter, never below Retry-After.
	BackoffBase time.Duration
	// Timeout bounds one attempt; 0 means none.
	Timeout time.Duration
}

// Options configure a wrapped provider. Only ID is required.
type Options struct {
	// ID labels the target in results and events ("vendor:model" or a label).
	ID      string
	BaseURL string
	// Scope is everything besides the request that changes an answer (the
	// vendor options and headers); it is hashed into cache keys so a changed
	// option never returns an old answer. Secrets are hashed, never stored.
	Scope any
	Settings
	Limiter Limiter // nil: no rate limit
	Breaker *Breaker
	Cache   Cache  // nil: no caching
	Price   Pricer // nil: calls are free
	Budget  Budget // nil: no cap
	Events  event.Publisher
	RunID   string
	Logger  *slog.Logger
	// System names the vendor on call spans (gen_ai.provider.name, see
	// tracing.ProviderName); "" takes the vendor from ID ("vendor:model").
	System string
	// Model is the target's model, named on call spans when a request
	// leaves the model to the provider (a judge's).
	Model string
}

// Provider is a provider behind the call policy.
type Provider struct {
	inner provider.Provider
	o     Options
	scope string
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

var _ provider.Provider = (*Provider)(nil)

// Wrap puts p behind the policy o.
func Wrap(p provider.Provider, o Options) (*Provider, error) {
	if o.Breaker == nil {
		o.Breaker = &Breaker{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	scope, err := scopeHash(o.ID, o.Scope)
	if err != nil {
		return nil, err
	}
	if o.System == "" {
		vendor, _, _ := strings.Cut(o.ID, ":")
		o.System = tracing.ProviderName(vendor)
	}
	return &Provider{inner: p, o: o, scope: scope, now: time.Now, sleep: sleep}, nil
}

// Unwrap returns the provider behind the policy.
func (p *Provider) Unwrap() provider.Provider { return p.inner }

// ID is the target's label.
func (p *Provider) ID() string { return p.o.ID }

// Outcome is one call's answer, timings, cost and failure.
type Outcome struct {
	Response  provider.Response
	LatencyMs float64
	// TTFTMs is the time to the first streamed text; for an empty streamed
	// answer it is the whole latency, and 0 when the call was not streamed.
	TTFTMs   float64
	Cached   bool
	Attempts int
	// Cost is what the call cost (0 when cached); Cost.Unknown when unpriced.
	Cost bench.Cost
	Err  error
}

// Call names the work a call belongs to, for events, logs and the cache.
type Call struct {
	CaseID     string
	Repetition int
	// Kind is the kind of answer it caches as ("" is a response); each
	// kind keeps its own TTL ([cache.kind_ttl]).
	Kind cache.Kind
	// Emit, when set, sees every streamed chunk.
	Emit func(provider.Chunk) error
}

type caseKey struct{}

// WithCaseID marks ctx with the case a nested call (a judge's) works for.
func WithCaseID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, caseKey{}, id)
}

// Generate makes a policy-governed call for callers that speak the plain
// provider contract, such as evaluators calling a judge. Its cost is spent
// from the budget like any other call, and its answers cache as judge
// answers (their own TTL).
func (p *Provider) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	id, _ := ctx.Value(caseKey{}).(string)
	out := p.Do(ctx, &req, Call{CaseID: id, Emit: emit, Kind: cache.KindJudge})
	return out.Response, out.Err
}

// Do sends req under the policy: cache, limits, breaker, retries, timeout,
// cost. Failures are in Outcome.Err.
func (p *Provider) Do(ctx context.Context, req *provider.Request, c Call) Outcome {
	key := p.cacheKey(req, c.Repetition)
	if key != "" {
		if e, ok := p.o.Cache.Get(ctx, key); ok {
			p.debug(ctx, "cache hit", "provider", p.o.ID, "case", c.CaseID)
			if c.Emit != nil && e.Text != "" {
				// A caller that streams sees the cached answer as one chunk.
				if err := c.Emit(provider.Chunk{Text: e.Text}); err != nil {
					return Outcome{Err: err, Cached: true, Cost: bench.Cost{Currency: "USD"}}
				}
			}
			return Outcome{Response: e.Response(), LatencyMs: e.LatencyMs, TTFTMs: e.TTFTMs, Cached: true, Cost: bench.Cost{Currency: "USD"}}
		}
	}
	span := tracing.Call{System: p.o.System, Operation: tracing.OpChat, Model: cmp.Or(req.Model, p.o.Model)}
	out := p.retry(ctx, c, estimateTokens(req), span, func(ctx context.Context) Outcome { return p.measure(ctx, req, c) })
	if out.Err == nil && key != "" {
		if err := p.o.Cache.Put(ctx, key, entryOf(&out, c.Kind)); err != nil {
			p.o.Logger.Warn("cache write failed", "provider", p.o.ID, "error", err)
		}
	}
	out.Cost = p.cost(&out)
	if p.o.Budget != nil {
		p.o.Budget.Spend(out.Cost.Total)
	}
	return out
}

// retry makes attempts (each one call) until one succeeds, a failure is
// final, the retries run out or ctx ends. tokens is the request's size for
// the tokens-per-minute limiter; span describes the call for the span of
// each attempt.
func (p *Provider) retry(ctx context.Context, c Call, tokens int, span tracing.Call, call func(context.Context) Outcome) Outcome {
	wait, waited := event.WaitNone, time.Duration(0)
	for n := 1; ; n++ {
		span.Attempt = n
		out, retryAt := p.attempt(ctx, c, tokens, &wait, &waited, span, call)
		out.Attempts = n
		p.published(c, n, wait, waited, out.Err)
		if out.Err == nil || n > p.o.MaxRetries || ctx.Err() != nil {
			return out
		}
		pe := provider.AsError(out.Err)
		if pe == nil || !pe.Kind.Retryable() {
			return out
		}
		var d time.Duration
		switch {
		case !retryAt.IsZero():
			wait, d = event.WaitBreaker, retryAt.Sub(p.now())
		case pe.RetryAfter > 0:
			wait, d = event.WaitRetryAfter, p.backoff(n-1, pe.RetryAfter)
		default:
			wait, d = event.WaitBackoff, p.backoff(n-1, 0)
		}
		waited = max(d, 0)
		p.info(ctx, "retrying", "provider", p.o.ID, "case", c.CaseID, "attempt", n+1, "wait", string(wait), "wait_ms", ms(waited), "error", pe.Kind)
		if err := p.sleep(ctx, waited); err != nil {
			return out
		}
	}
}

// attempt makes one call: rate limit, breaker, timeout, measurement. When
// the breaker refused the call, retryAt says when to try again. A call
// made has a span of its own (one per attempt), under ctx's span.
func (p *Provider) attempt(ctx context.Context, c Call, tokens int, wait *event.Wait, waited *time.Duration, span tracing.Call, call func(context.Context) Outcome) (Outcome, time.Time) {
	if p.o.Limiter != nil {
		d, err := p.o.Limiter.Wait(ctx, tokens)
		if d > 0 {
			*waited += d
			if *wait == event.WaitNone {
				*wait = event.WaitRateLimit
			}
			p.debug(ctx, "rate limited", "provider", p.o.ID, "case", c.CaseID, "wait_ms", ms(d))
		}
		if err != nil {
			return Outcome{Err: err}, time.Time{}
		}
	}
	perm, retryAt, err := p.o.Breaker.allow(p.now())
	if err != nil {
		return Outcome{Err: err}, retryAt
	}
	sctx, s := tracing.StartCall(ctx, span)
	out := call(sctx)
	tracing.EndCall(s, &span, &out.Response, out.Err)
	p.o.Breaker.record(perm, out.Err, p.now())
	p.settle(ctx, c, tokens, &out)
	if out.Err != nil {
		p.info(ctx, "call failed", "provider", p.o.ID, "case", c.CaseID, "error", out.Err)
	}
	return out, time.Time{}
}

// settleTimeout bounds charging a finished call's tokens.
const settleTimeout = 5 * time.Second

// settler is a limiter that takes the tokens a call used beyond its
// estimate after the fact (Shared).
type settler interface {
	Settle(ctx context.Context, reserved, used int) error
}

// settle charges a finished call's tokens to a limiter that settles. A
// failure to charge is logged: the call is made and its answer stands.
func (p *Provider) settle(ctx context.Context, c Call, reserved int, out *Outcome) {
	s, ok := p.o.Limiter.(settler)
	if !ok {
		return
	}
	u := out.Response.Usage
	used := max(u.Total, u.Prompt+u.Completion)
	if used <= 0 {
		return
	}
	// The tokens were spent even when the run is being cancelled.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	if err := s.Settle(sctx, reserved, used); err != nil {
		p.o.Logger.Warn("shared rate limit: charging the tokens used failed", "provider", p.o.ID, "case", c.CaseID, "error", err)
	}
}

// measure calls the provider once under the per-call timeout and times it.
func (p *Provider) measure(ctx context.Context, req *provider.Request, c Call) Outcome {
	cctx, cancel := p.withTimeout(ctx)
	defer cancel()
	start := time.Now()
	var first time.Time
	emit := func(ch provider.Chunk) error {
		if first.IsZero() && ch.Text != "" {
			first = time.Now()
		}
		if c.Emit != nil {
			return c.Emit(ch)
		}
		return nil
	}
	resp, err := p.inner.Generate(cctx, *req, emit)
	end := time.Now()
	out := Outcome{Response: resp, LatencyMs: ms(end.Sub(start))}
	out.Err = p.timeoutError(ctx, cctx, err)
	switch {
	case !req.Stream:
		// A whole answer has no first token: providers emit its text once, at the end.
	case !first.IsZero():
		out.TTFTMs = ms(first.Sub(start))
	case err == nil:
		// Nothing was streamed: the (empty) answer was complete at the end.
		out.TTFTMs = out.LatencyMs
	}
	return out
}

// withTimeout bounds one attempt by the per-call timeout.
func (p *Provider) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if p.o.Timeout > 0 {
		return context.WithTimeout(ctx, p.o.Timeout)
	}
	return ctx, func() {}
}

// timeoutError turns the end of the per-call timeout (cctx's deadline,
// not the caller's ctx) into a timeout error.
func (p *Provider) timeoutError(ctx, cctx context.Context, err error) error {
	if err != nil && cctx.Err() != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return &provider.Error{Kind: provider.KindTimeout, Err: fmt.Errorf("no answer within %s", p.o.Timeout)}
	}
	return err
}

// cost prices a finished call: the vendor's own figure wins over the table.
func (p *Provider) cost(out *Outcome) bench.Cost {
	c := bench.Cost{Currency: "USD"}
	if out.Cached || (out.Err != nil && out.Response.Usage.Total == 0 && out.Response.Usage.Prompt == 0) {
		return c
	}
	if p.o.Price != nil {
		c = p.o.Price(out.Response.Model, out.Response.Usage)
	}
	if vc := out.Response.VendorCost; vc != nil {
		c = vendorCost(c, *vc)
	}
	if c.Currency == "" {
		c.Currency = "USD"
	}
	return c
}

// vendorCost is the cost the vendor reported, split between input and
// output as the pricing table would split it (all input when it cannot).
func vendorCost(table bench.Cost, total float64) bench.Cost {
	c := bench.Cost{Total: total, Input: total, Currency: "USD"}
	if table.Total > 0 {
		c.Input = total * table.Input / table.Total
		c.Output = total - c.Input
	}
	return c
}

func (p *Provider) published(c Call, n int, wait event.Wait, waited time.Duration, err error) {
	ev := p.o.Events
	if ev == nil || !ev.Active() {
		return
	}
	a := &event.Attempt{Number: n, Provider: p.o.ID, CaseID: c.CaseID, Wait: wait, WaitMs: ms(waited)}
	if err != nil {
		a.Error = provider.KindOf(err, string(provider.KindTransient))
	}
	ev.Publish(event.Event{Type: event.TypeAttempt, RunID: p.o.RunID, Time: time.Now(), Attempt: a})
}

// backoff is exponential with full jitter, at least the server's Retry-After.
func (p *Provider) backoff(attempt int, retryAfter time.Duration) time.Duration {
	base := p.o.BackoffBase
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	ceiling := min(base<<min(attempt, 10), 30*time.Second)
	d := time.Duration(rand.Int64N(int64(ceiling) + 1))
	return max(d, retryAfter)
}

func (p *Provider) debug(ctx context.Context, msg string, args ...any) {
	if p.o.Logger.Enabled(ctx, slog.LevelDebug) {
		p.o.Logger.DebugContext(ctx, msg, args...)
	}
}

func (p *Provider) info(ctx context.Context, msg string, args ...any) {
	if p.o.Logger.Enabled(ctx, slog.LevelInfo) {
		p.o.Logger.InfoContext(ctx, msg, args...)
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

func entryOf(out *Outcome, kind cache.Kind) *cache.Entry {
	r := &out.Response
	return &cache.Entry{
		Kind: kind,
		Text: r.Text, Model: r.Model, FinishReason: r.FinishReason,
		RawFinishReason: r.RawFinishReason, Usage: r.Usage, Logprobs: r.Logprobs,
		TopLogprobs: r.TopLogprobs, ToolCalls: r.ToolCalls, LatencyMs: out.LatencyMs, TTFTMs: out.TTFTMs,
	}
}
