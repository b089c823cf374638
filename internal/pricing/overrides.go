package pricing

import (
	"fmt"
	"maps"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// FromConfig converts one configured price override to a Price. A price
// that is negative or not finite, a negative tier_above_prompt_tokens, or
// tier prices without tier_above_prompt_tokens are errors.
func FromConfig(c config.Price) (Price, error) {
	if err := checkPrices(c.InputPerMTok, c.OutputPerMTok, c.CachedInputPerMTok, c.CacheWritePerMTok, c.CacheWrite1hPerMTok); err != nil {
		return Price{}, err
	}
	p := Price{
		InputPerMTok:        c.InputPerMTok,
		OutputPerMTok:       c.OutputPerMTok,
		CachedInputPerMTok:  c.CachedInputPerMTok,
		CacheWritePerMTok:   c.CacheWritePerMTok,
		CacheWrite1hPerMTok: c.CacheWrite1hPerMTok,
	}
	tier := Tier{
		AbovePromptTokens: c.TierAbovePromptTokens,
		Input:             c.TierInputPerMTok,
		Output:            c.TierOutputPerMTok,
		CachedInput:       c.TierCachedInputPerMTok,
		CacheWrite:        c.TierCacheWritePerMTok,
		CacheWrite1h:      c.TierCacheWrite1hPerMTok,
	}
	if err := checkPrices(tier.Input, tier.Output, tier.CachedInput, tier.CacheWrite, tier.CacheWrite1h); err != nil {
		return Price{}, fmt.Errorf("tier: %w", err)
	}
	switch {
	case tier.AbovePromptTokens < 0:
		return Price{}, fmt.Errorf("tier_above_prompt_tokens %d must not be negative", tier.AbovePromptTokens)
	case tier.AbovePromptTokens > 0:
		p.Tiers = []Tier{tier}
	case tier != Tier{}:
		return Price{}, fmt.Errorf("tier prices need tier_above_prompt_tokens, the prompt size above which they apply")
	}
	return p, nil
}

// ConfigOverrides collects the price overrides of every configured
// provider, keyed "type:model" as NewPricer and WithOverrides take them:
// the key is the provider's vendor type, so a provider named "work" of
// type azure prices azure's models. An invalid price is an error that names
// its configuration key.
func ConfigOverrides(cfg *config.Config) (map[string]Price, error) {
	over := make(map[string]Price)
	for _, name := range slices.Sorted(maps.Keys(cfg.Providers)) {
		vendor := cfg.Provider(name).Type
		pc := cfg.Providers[name]
		for _, model := range slices.Sorted(maps.Keys(pc.Pricing)) {
			p, err := FromConfig(pc.Pricing[model])
			if err != nil {
				return nil, fmt.Errorf("providers.%s.pricing.%q: %w", name, model, err)
			}
			over[vendor+":"+model] = p
		}
	}
	return over, nil
}
