package pricing

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

func TestFromConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      config.Price
		want    Price
		wantErr string
	}{
		{"plain", config.Price{InputPerMTok: 1, OutputPerMTok: 2, CachedInputPerMTok: 0.1},
			Price{InputPerMTok: 1, OutputPerMTok: 2, CachedInputPerMTok: 0.1}, ""},
		{"cache writes", config.Price{InputPerMTok: 1, CacheWritePerMTok: 1.5, CacheWrite1hPerMTok: 3},
			Price{InputPerMTok: 1, CacheWritePerMTok: 1.5, CacheWrite1hPerMTok: 3}, ""},
		{"tier", config.Price{InputPerMTok: 1, TierAbovePromptTokens: 1000, TierInputPerMTok: 2, TierOutputPerMTok: 3,
			TierCachedInputPerMTok: 0.2, TierCacheWritePerMTok: 2.5, TierCacheWrite1hPerMTok: 4},
			Price{InputPerMTok: 1, Tiers: []Tier{{AbovePromptTokens: 1000, Input: 2, Output: 3, CachedInput: 0.2, CacheWrite: 2.5, CacheWrite1h: 4}}}, ""},
		{"negative price", config.Price{CacheWrite1hPerMTok: -1}, Price{}, "not negative"},
		{"NaN tier price", config.Price{TierAbovePromptTokens: 5, TierOutputPerMTok: math.NaN()}, Price{}, "tier"},
		{"tier prices without a start", config.Price{TierInputPerMTok: 2}, Price{}, "tier_above_prompt_tokens"},
		{"negative tier start", config.Price{TierAbovePromptTokens: -1, TierInputPerMTok: 2}, Price{}, "tier_above_prompt_tokens"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := FromConfig(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("FromConfig(%+v) error = %v, want one containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromConfig(%+v): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("FromConfig (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfigOverrides(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Providers: map[string]config.ProviderConfig{
		"anthropic": {Pricing: map[string]config.Price{
			"claude-sonnet-4-5": {InputPerMTok: 3, OutputPerMTok: 15, CacheWritePerMTok: 4, CacheWrite1hPerMTok: 7,
				TierAbovePromptTokens: 10000, TierInputPerMTok: 10},
		}},
		"work": {Type: "azure", Pricing: map[string]config.Price{"gpt-4o": {InputPerMTok: 9}}},
	}}
	over, err := ConfigOverrides(cfg)
	if err != nil {
		t.Fatalf("ConfigOverrides: %v", err)
	}
	pr := NewPricer(Default(), over)
	tests := []struct {
		name          string
		vendor, model string
		u             bench.Usage
		want          bench.Cost
	}{
		{"configured 5-minute write price", "anthropic", "claude-sonnet-4-5", bench.Usage{Prompt: 1000, CacheWrite: 1000}, usd(1000*4/1e6, 0)},
		{"configured one-hour write price", "anthropic", "claude-sonnet-4-5", bench.Usage{Prompt: 1000, CacheWrite: 1000, CacheWrite1h: 1000}, usd(1000*7/1e6, 0)},
		{"configured tier", "anthropic", "claude-sonnet-4-5", bench.Usage{Prompt: 10001}, usd(10001*10/1e6, 0)},
		{"tier writes follow Anthropic's rule on the tier input", "anthropic", "claude-sonnet-4-5", bench.Usage{Prompt: 10001, CacheWrite: 10000}, usd((1*10+10000*12.5)/1e6, 0)},
		{"named provider overrides its type", "azure", "gpt-4o", bench.Usage{Prompt: 1e6}, usd(9, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := pr.Cost(tc.vendor, tc.model, "", tc.u)
			if diff := cmp.Diff(tc.want, got, approx); diff != "" {
				t.Errorf("Cost(%q, %q) (-want +got):\n%s", tc.vendor, tc.model, diff)
			}
		})
	}

	bad := &config.Config{Providers: map[string]config.ProviderConfig{
		"openai": {Pricing: map[string]config.Price{"gpt-4o": {TierOutputPerMTok: 1}}},
	}}
	if _, err := ConfigOverrides(bad); err == nil || !strings.Contains(err.Error(), `providers.openai.pricing."gpt-4o"`) {
		t.Errorf("ConfigOverrides(tier without start) error = %v, want one naming the key", err)
	}
}
