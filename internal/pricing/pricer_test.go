package pricing

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

func TestPricerCost(t *testing.T) {
	t.Parallel()
	pr := NewPricer(Default(), map[string]Price{
		"openai:my-finetune":     {InputPerMTok: 4, OutputPerMTok: 8},
		"anthropic:claude-x-1":   {InputPerMTok: 2, OutputPerMTok: 10},
		"http:house-model":       {InputPerMTok: 1},
		"ollama:llama3.1:8b-pro": {InputPerMTok: 1},
	})
	u := bench.Usage{Prompt: 1e6, Completion: 1e6}
	unknown := bench.Cost{Currency: "USD", Unknown: true}
	tests := []struct {
		name                        string
		vendor, requested, answered string
		u                           bench.Usage
		want                        bench.Cost
	}{
		{"answered snapshot priced", "openai", "gpt-4o", "gpt-4o-2024-05-13", u, usd(5, 15)},
		{"requested when the answer is not priced", "openai", "gpt-4o", "gpt-4o-weird-build", u, usd(2.50, 10)},
		{"requested when nothing is answered", "openai", "gpt-4o-mini", "", u, usd(0.15, 0.60)},
		{"bedrock answer without its region profile", "bedrock", "us.anthropic.claude-opus-4-6-v1:0", "claude-opus-4-6", u, usd(5.50, 27.50)},
		{"unpriced model is unknown, not free", "openai", "gpt-99", "gpt-99-2026-01-01", u, unknown},
		{"unpriced vendor is unknown", "http", "some-model", "", u, unknown},
		{"huggingface router is unknown", "huggingface", "meta-llama/Llama-3.3-70B-Instruct", "", u, unknown},
		{"override prices an unknown model", "openai", "my-finetune", "", u, usd(4, 8)},
		{"override of a custom endpoint", "http", "house-model", "", u, usd(1, 0)},
		{"override wins over a free vendor", "ollama", "llama3.1:8b-pro", "", u, usd(1, 0)},
		{"anthropic override gets Anthropic's cache-write rule", "anthropic", "claude-x-1", "",
			bench.Usage{Prompt: 3000, CacheWrite: 2000, CacheWrite1h: 1000}, usd((1000*2+1000*2.5+1000*4)/1e6, 0)},
		{"free local server", "ollama", "llama3.1:8b", "", u, usd(0, 0)},
		{"free simulator", "simulator", "fast", "", u, usd(0, 0)},
		{"nothing at all", "openai", "", "", u, unknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := pr.Cost(tc.vendor, tc.requested, tc.answered, tc.u)
			if diff := cmp.Diff(tc.want, got, approx); diff != "" {
				t.Errorf("Cost(%q, %q, %q) (-want +got):\n%s", tc.vendor, tc.requested, tc.answered, diff)
			}
		})
	}
}

func TestPricerPriced(t *testing.T) {
	t.Parallel()
	plain := NewPricer(nil, nil)
	over := NewPricer(nil, map[string]Price{"openai:gpt-99": {InputPerMTok: 1}, "house": {}})
	tests := []struct {
		name          string
		pr            *Pricer
		vendor, model string
		want          bool
	}{
		{"table model", plain, "openai", "gpt-4o-mini-2024-07-18", true},
		{"missing model", plain, "openai", "gpt-99", false},
		{"missing model with an override", over, "openai", "gpt-99", true},
		{"bare override for any vendor", over, "http", "house", true},
		{"audit's missing models now priced", plain, "anthropic", "claude-opus-4-6", true},
		{"free vendor", plain, "lmstudio", "qwen2.5-7b-instruct", true},
		{"unpriced vendor", plain, "http", "anything", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.pr.Priced(tc.vendor, tc.model); got != tc.want {
				t.Errorf("Priced(%q, %q) = %v, want %v", tc.vendor, tc.model, got, tc.want)
			}
		})
	}
	if plain.AsOf() != Default().AsOf() || plain.Source() != Default().Source() {
		t.Errorf("Pricer AsOf/Source = %q/%q, want the table's", plain.AsOf(), plain.Source())
	}
}

// unpricedVendors are registered vendors with no prices of their own by
// design: a custom HTTP endpoint and a router to many hosts. Their models
// are priced in the config or reported as unknown.
var unpricedVendors = map[string]bool{"http": true, "huggingface": true}

// TestRegisteredVendorsArePricedOrFree makes a new vendor choose: a price
// list, a vendor alias, a router, free, or unpriced by design.
func TestRegisteredVendorsArePricedOrFree(t *testing.T) {
	t.Parallel()
	tab := Default()
	wantFree := map[string]bool{"echo": true, "exec": true, "llamacpp": true, "ollama": true, "vllm": true, "lmstudio": true, "simulator": true}
	for _, v := range append(provider.Vendors(), "simulator") {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			_, listed := tab.prices[tab.canonical(v)]
			kinds := 0
			for _, b := range []bool{listed, tab.routers[v], tab.Free(v), unpricedVendors[v]} {
				if b {
					kinds++
				}
			}
			if kinds != 1 {
				t.Errorf("vendor %q: priced %v, router %v, free %v, unpriced %v; want exactly one", v, listed, tab.routers[v], tab.Free(v), unpricedVendors[v])
			}
			if tab.Free(v) != wantFree[v] {
				t.Errorf("Free(%q) = %v, want %v", v, tab.Free(v), wantFree[v])
			}
		})
	}
}
