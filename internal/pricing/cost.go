package pricing

import "github.com/llm-test-bench/llm-test-bench/bench"

// Currency is the currency of every price and cost in a Table.
const Currency = "USD"

// perMTok converts a count of tokens at a price per 1M tokens to dollars.
const perMTok = 1e6

// Cost prices one call from its usage. Usage.Prompt includes Usage.Cached;
// cached tokens are billed at the cached-input price when the model has one,
// else at the input price. When the prompt exceeds a tier's
// AbovePromptTokens, the whole request is billed at that tier. ok is false,
// and the cost zero, when the model is unknown.
func (t *Table) Cost(vendor, model string, u bench.Usage) (bench.Cost, bool) {
	return t.CostWithCacheWrite(vendor, model, u, 0)
}

// CostWithCacheWrite is Cost for a call that also wrote cacheWrite prompt
// tokens to the vendor's prompt cache (Anthropic's cache_creation_input_tokens,
// counted in Usage.Prompt); those are billed at the cache-write price when the
// model has one, else at the input price.
func (t *Table) CostWithCacheWrite(vendor, model string, u bench.Usage, cacheWrite int) (bench.Cost, bool) {
	p, ok := t.Lookup(vendor, model)
	if !ok {
		return bench.Cost{Currency: Currency}, false
	}
	return p.Cost(u, cacheWrite), true
}

// Cost prices usage at p; cacheWrite is the part of the prompt written to
// the prompt cache. Negative counts are taken as zero, and cached plus
// written tokens are capped at the prompt.
func (p Price) Cost(u bench.Usage, cacheWrite int) bench.Cost {
	prompt := max(u.Prompt, 0)
	cached := min(max(u.Cached, 0), prompt)
	written := min(max(cacheWrite, 0), prompt-cached)
	fresh := prompt - cached - written

	r := p.rates(prompt)
	c := bench.Cost{
		Input: (float64(fresh)*r.input +
			float64(cached)*r.cachedInput +
			float64(written)*r.cacheWrite) / perMTok,
		Output:   float64(max(u.Completion, 0)) * r.output / perMTok,
		Currency: Currency,
	}
	c.Total = c.Input + c.Output
	return c
}

// rates are the per-1M-token prices that apply to one request.
type rates struct {
	input, output, cachedInput, cacheWrite float64
}

// rates picks the prices for a prompt of the given size: the highest tier the
// prompt exceeds, with unset cache prices falling back to the input price.
func (p Price) rates(prompt int) rates {
	r := rates{
		input:       p.InputPerMTok,
		output:      p.OutputPerMTok,
		cachedInput: p.CachedInputPerMTok,
		cacheWrite:  p.CacheWritePerMTok,
	}
	for _, tier := range p.Tiers {
		if prompt <= tier.AbovePromptTokens {
			break
		}
		r.input = orElse(tier.Input, r.input)
		r.output = orElse(tier.Output, r.output)
		r.cachedInput = orElse(tier.CachedInput, r.cachedInput)
		r.cacheWrite = orElse(tier.CacheWrite, r.cacheWrite)
	}
	r.cachedInput = orElse(r.cachedInput, r.input)
	r.cacheWrite = orElse(r.cacheWrite, r.input)
	return r
}

// orElse returns v, or def when v is zero.
func orElse(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}
