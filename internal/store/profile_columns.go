package store

import (
	"encoding/json"
	"fmt"
)

// ProfileSumColumns are the columns holding ProfileStats's sums, the same
// in model_profiles and model_profile_runs and in both dialects.
const ProfileSumColumns = `strengths, sample_count, succeeded, passed, scored, score_sum, priced, cost_usd, priced_tokens,
	tokens_prompt, tokens_completion, tokens_cached, tokens_cache_write, tokens_cache_write_1h,
	latency_count, latency_sum_ms, latency_sketch`

// ProfileSumCount is the number of ProfileSumColumns.
const ProfileSumCount = 17

// ProfileDerivedColumns are model_profiles' columns derived from the sums
// (the seed's), NULL when not measured.
const ProfileDerivedColumns = `typical_quality, avg_latency_ms, cost_per_1k_tokens`

// ProfileSumArgs returns p's sums in ProfileSumColumns order; strengths as
// JSON text, an empty sketch as NULL.
func ProfileSumArgs(p *ProfileStats) ([]any, error) {
	tags := p.Tags
	if tags == nil {
		tags = map[string]TagCount{}
	}
	j, err := json.Marshal(tags)
	if err != nil {
		return nil, fmt.Errorf("strengths: %w", err)
	}
	var sketch any
	if len(p.Latency) > 0 {
		sketch = p.Latency
	}
	t := &p.Tokens
	return []any{string(j), p.Results, p.Succeeded, p.Passed, p.Scored, p.ScoreSum, p.Priced, p.CostUSD, p.PricedTokens,
		t.Prompt, t.Completion, t.Cached, t.CacheWrite, t.CacheWrite1h,
		p.LatencyCount, p.LatencySumMs, sketch}, nil
}

// ProfileDerivedArgs returns the derived figures in ProfileDerivedColumns
// order, nil for those not measured.
func ProfileDerivedArgs(p *ProfileStats) []any {
	out := []any{nil, nil, nil}
	if p.Results > 0 {
		out[0] = p.PassRate()
	}
	if ms, ok := p.MeanLatencyMs(); ok {
		out[1] = ms
	}
	if c, ok := p.CostPer1KTokens(); ok {
		out[2] = c
	}
	return out
}

// ProfileSumDest returns Scan destinations for ProfileSumColumns into p,
// and done, which decodes what needs it once Scan has run.
func ProfileSumDest(p *ProfileStats) (dest []any, done func() error) {
	var tags []byte
	t := &p.Tokens
	dest = []any{&tags, &p.Results, &p.Succeeded, &p.Passed, &p.Scored, &p.ScoreSum, &p.Priced, &p.CostUSD, &p.PricedTokens,
		&t.Prompt, &t.Completion, &t.Cached, &t.CacheWrite, &t.CacheWrite1h,
		&p.LatencyCount, &p.LatencySumMs, &p.Latency}
	return dest, func() error {
		p.Tags = nil
		if err := json.Unmarshal(tags, &p.Tags); err != nil {
			return fmt.Errorf("strengths: %w", err)
		}
		if len(p.Tags) == 0 {
			p.Tags = nil
		}
		if len(p.Latency) == 0 {
			p.Latency = nil
		}
		return nil
	}
}
