package policy

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/cache"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// EmbedOutcome is one embedding call's answer, cost and failure.
type EmbedOutcome struct {
	Embeddings provider.Embeddings
	LatencyMs  float64
	Cached     bool
	Attempts   int
	// Cost is what the call cost (0 when cached); Cost.Unknown when unpriced.
	Cost bench.Cost
	Err  error
}

// Embed turns inputs into vectors under the policy, as Do does for a
// chat call: the cache (kind embedding, keyed by the target, its endpoint,
// the model and the inputs), limits, breaker, retries, timeout and cost.
// The wrapped provider must implement provider.Embedder.
func (p *Provider) Embed(ctx context.Context, model string, inputs []string, c Call) EmbedOutcome {
	e, ok := provider.As[provider.Embedder](p.inner)
	if !ok {
		return EmbedOutcome{Err: &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: this provider offers no embeddings", p.o.ID)}}
	}
	key := p.embedKey(model, inputs)
	if key != "" {
		if ent, ok := p.o.Cache.Get(ctx, key); ok && len(ent.Vectors) == len(inputs) {
			p.debug(ctx, "cache hit", "provider", p.o.ID, "case", c.CaseID, "kind", cache.KindEmbedding)
			return EmbedOutcome{Embeddings: ent.Embeddings(), LatencyMs: ent.LatencyMs, Cached: true, Cost: bench.Cost{Currency: "USD"}}
		}
	}
	tokens := 0
	for _, in := range inputs {
		tokens += len(in)/4 + 1
	}
	var emb provider.Embeddings
	span := tracing.Call{System: p.o.System, Operation: tracing.OpEmbeddings, Model: cmp.Or(model, p.o.Model)}
	out := p.retry(ctx, c, tokens, span, func(ctx context.Context) Outcome {
		cctx, cancel := p.withTimeout(ctx)
		defer cancel()
		start := time.Now()
		r, err := e.Embed(cctx, model, inputs)
		emb = r
		return Outcome{
			Response:  provider.Response{Model: r.Model, Usage: r.Usage},
			LatencyMs: ms(time.Since(start)), Err: p.timeoutError(ctx, cctx, err),
		}
	})
	res := EmbedOutcome{Embeddings: emb, LatencyMs: out.LatencyMs, Attempts: out.Attempts, Err: out.Err}
	if out.Err == nil && key != "" {
		ent := &cache.Entry{Kind: cache.KindEmbedding, Model: emb.Model, Usage: emb.Usage, Vectors: emb.Vectors, LatencyMs: out.LatencyMs}
		if err := p.o.Cache.Put(ctx, key, ent); err != nil {
			p.o.Logger.Warn("cache write failed", "provider", p.o.ID, "error", err)
		}
	}
	res.Cost = p.cost(&out)
	if p.o.Budget != nil {
		p.o.Budget.Spend(res.Cost.Total)
	}
	return res
}

// embedKey is the key of an embedding answer, "" when there is no cache.
func (p *Provider) embedKey(model string, inputs []string) string {
	if p.o.Cache == nil {
		return ""
	}
	k, err := cache.EmbedKey(p.scope, p.o.BaseURL, model, inputs)
	if err != nil {
		return ""
	}
	return k
}
