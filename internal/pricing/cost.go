package pricing

import "github.com/llm-test-bench/llm-test-bench/bench"

// Currency is the currency of every price and cost in a Table.
const Currency = "USD"

// perMTok converts a count of tokens at a price per 1M tokens to dollars.
const perMTok = 1e6

// Cost prices one call from its usage at the price Lookup finds. ok is
// false, and the cost zero, when the model is unknown; a Pricer turns that
// into a cost marked unknown.
func (t *Table) Cost(vendor, model string, u bench.Usage) (bench.Cost, bool) {
	p, ok := t.Lookup(vendor, model)
	if !ok {
		return bench.Cost{Currency: Currency}, false
	}
	return p.Cost(u), true
}

// Cost prices usage at p. Usage.Prompt counts every input token: the fresh
// ones, the Cached ones read from the prompt cache and the CacheWrite ones
// written to it (of which CacheWrite1h with a one-hour lifetime), so each
// token is billed once, at the price of its kind: cache reads at the
// cached-input price, 5-minute writes at the cache-write price, one-hour
// writes at the one-hour cache-write price, and the rest at the input
// price. When the prompt exceeds a tier's AbovePromptTokens, the whole
// request is billed at that tier. Negative counts are taken as zero, and
// the parts are capped so that they never add up to more than the prompt.
func (p Price) Cost(u bench.Usage) bench.Cost {
	prompt := max(u.Prompt, 0)
	cached := min(max(u.Cached, 0), prompt)
	written := min(max(u.CacheWrite, 0), prompt-cached)
	written1h := min(max(u.CacheWrite1h, 0), written)
	fresh := prompt - cached - written

	r := p.rates(prompt)
	c := bench.Cost{
		Input: (float64(fresh)*r.input +
			float64(cached)*r.cachedInput +
			float64(written-written1h)*r.cacheWrite +
			float64(written1h)*r.cacheWrite1h) / perMTok,
		Output:   float64(max(u.Completion, 0)) * r.output / perMTok,
		Currency: Currency,
	}
	c.Total = c.Input + c.Output
	return c
}

// rates are the per-1M-token prices that apply to one request.
type rates struct {
	input, output, cachedInput, cacheWrite, cacheWrite1h float64
}

// rates picks the prices for a prompt of the given size: the highest tier the
// prompt exceeds, with unset cache prices falling back to the input price
// (one-hour writes to the 5-minute write price).
func (p Price) rates(prompt int) rates {
	r := rates{
		input:        p.InputPerMTok,
		output:       p.OutputPerMTok,
		cachedInput:  p.CachedInputPerMTok,
		cacheWrite:   p.CacheWritePerMTok,
		cacheWrite1h: p.CacheWrite1hPerMTok,
	}
	for _, tier := range p.Tiers {
		if prompt <= tier.AbovePromptTokens {
			break
		}
		r.input = orElse(tier.Input, r.input)
		r.output = orElse(tier.Output, r.output)
		r.cachedInput = orElse(tier.CachedInput, r.cachedInput)
		r.cacheWrite = orElse(tier.CacheWrite, r.cacheWrite)
		r.cacheWrite1h = orElse(tier.CacheWrite1h, r.cacheWrite1h)
	}
	r.cachedInput = orElse(r.cachedInput, r.input)
	r.cacheWrite = orElse(r.cacheWrite, r.input)
	r.cacheWrite1h = orElse(r.cacheWrite1h, r.cacheWrite)
	return r
}

// orElse returns v, or def when v is zero.
func orElse(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}
