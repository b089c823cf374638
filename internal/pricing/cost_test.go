package pricing

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// approx compares dollar amounts up to float rounding.
var approx = cmpopts.EquateApprox(1e-12, 1e-15)

func usd(in, out float64) bench.Cost {
	return bench.Cost{Input: in, Output: out, Total: in + out, Currency: "USD"}
}

func TestCost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		vendor, model string
		u             bench.Usage
		want          bench.Cost
		ok            bool
	}{
		{"SPEC example record", "openai", "gpt-4o-mini-2024-07-18", bench.Usage{Prompt: 21, Completion: 2, Total: 23},
			usd(0.00000315, 0.0000012), true},
		{"plain", "openai", "gpt-4.1", bench.Usage{Prompt: 1000, Completion: 500},
			usd(1000*2.00/1e6, 500*8.00/1e6), true},
		{"cached part of the prompt at the cache rate", "openai", "gpt-4o", bench.Usage{Prompt: 2000, Cached: 1500, Completion: 10},
			usd((500*2.50+1500*1.25)/1e6, 10*10.00/1e6), true},
		{"reasoning is inside completion, not added", "openai", "o3", bench.Usage{Prompt: 100, Completion: 300, Reasoning: 250},
			usd(100*2.00/1e6, 300*8.00/1e6), true},
		{"no cache rate: cached billed as input", "cohere", "command-r", bench.Usage{Prompt: 100, Cached: 50},
			usd(100*0.15/1e6, 0), true},
		{"gemini tier boundary stays at base", "gemini", "gemini-2.5-pro", bench.Usage{Prompt: 200000, Cached: 100000, Completion: 1000},
			usd((100000*1.25+100000*0.125)/1e6, 1000*10.00/1e6), true},
		{"gemini above tier prices whole request", "google", "gemini-2.5-pro", bench.Usage{Prompt: 200001, Cached: 100000, Completion: 1000},
			usd((100001*2.50+100000*0.25)/1e6, 1000*15.00/1e6), true},
		{"gemini-1.5-pro above 128k", "gemini", "gemini-1.5-pro-002", bench.Usage{Prompt: 128001, Completion: 1000},
			usd(128001*2.50/1e6, 1000*10.00/1e6), true},
		{"gpt-5.4 long context tier", "openai", "gpt-5.4", bench.Usage{Prompt: 272001, Completion: 2000},
			usd(272001*5.00/1e6, 2000*22.50/1e6), true},
		{"gpt-5.4 at the tier start", "openai", "gpt-5.4", bench.Usage{Prompt: 272000, Completion: 2000},
			usd(272000*2.50/1e6, 2000*15.00/1e6), true},
		// Anthropic's input_tokens excludes cache reads and writes; the client
		// adds both to Prompt, and each token is billed once at its own price.
		{"anthropic cache read and write", "anthropic", "claude-haiku-4-5-20251001", bench.Usage{Prompt: 3000, Cached: 1000, CacheWrite: 500, Completion: 100},
			usd((1500*1.00+1000*0.10+500*1.25)/1e6, 100*5.00/1e6), true},
		{"sonnet-4-5 writing 2k tokens costs what Anthropic charges", "anthropic", "claude-sonnet-4-5-20250929",
			bench.Usage{Prompt: 2016, CacheWrite: 2000, Completion: 50},
			usd((16*3.00+2000*3.75)/1e6, 50*15.00/1e6), true},
		{"one-hour writes at 2x input", "anthropic", "claude-sonnet-4-5", bench.Usage{Prompt: 2016, CacheWrite: 2000, CacheWrite1h: 2000, Completion: 50},
			usd((16*3.00+2000*6.00)/1e6, 50*15.00/1e6), true},
		{"5-minute and one-hour writes in one call", "anthropic", "claude-opus-4-6", bench.Usage{Prompt: 1600, Cached: 100, CacheWrite: 1500, CacheWrite1h: 500},
			usd((1000*6.25+500*10.00+100*0.50)/1e6, 0), true},
		{"anthropic tier raises cache writes too", "anthropic", "claude-sonnet-4-5", bench.Usage{Prompt: 300000, Cached: 100000, CacheWrite: 100000, CacheWrite1h: 40000, Completion: 10},
			usd((100000*6.00+100000*0.60+60000*7.50+40000*12.00)/1e6, 10*22.50/1e6), true},
		{"sonnet 4 long-context tier", "anthropic", "claude-sonnet-4-20250514", bench.Usage{Prompt: 200001, Completion: 1000},
			usd(200001*6.00/1e6, 1000*22.50/1e6), true},
		{"sonnet 4 at the tier start", "anthropic", "claude-sonnet-4-20250514", bench.Usage{Prompt: 200000, Completion: 1000},
			usd(200000*3.00/1e6, 1000*15.00/1e6), true},
		{"bedrock regional opus 4.6 one-hour writes at 2x its input", "bedrock", "us.anthropic.claude-opus-4-6-v1:0", bench.Usage{Prompt: 1000, CacheWrite: 1000, CacheWrite1h: 1000},
			usd(1000*11.00/1e6, 0), true},
		{"bedrock converse writes of a non-Claude model at the input price", "bedrock", "amazon.nova-pro-v1:0", bench.Usage{Prompt: 1000, CacheWrite: 600},
			usd(1000*0.80/1e6, 0), true},
		{"writes above the prompt are capped", "anthropic", "claude-haiku-4-5", bench.Usage{Prompt: 100, Cached: 40, CacheWrite: 500, CacheWrite1h: 900},
			usd((40*0.10+60*2.00)/1e6, 0), true},
		{"anthropic bare major snapshot", "anthropic", "claude-sonnet-4-20250514", bench.Usage{Prompt: 100000, Completion: 1000000},
			usd(0.30, 15.00), true},
		{"azure uses openai prices", "azure", "gpt-5-mini", bench.Usage{Prompt: 1000000, Completion: 1000000},
			usd(0.25, 2.00), true},
		{"mistral", "mistral", "mistral-small-2603", bench.Usage{Prompt: 4000, Cached: 2000, Completion: 1000},
			usd((2000*0.15+2000*0.015)/1e6, 1000*0.60/1e6), true},
		{"deepseek-chat at the current price", "deepseek", "deepseek-chat", bench.Usage{Prompt: 1000000, Cached: 500000, Completion: 1000000},
			usd(0.5*0.28+0.5*0.028, 0.42), true},
		{"deepseek-reasoner is the same model", "deepseek", "deepseek-reasoner", bench.Usage{Prompt: 1000000, Completion: 1000000},
			usd(0.28, 0.42), true},
		{"embedding has no output price", "openai", "text-embedding-3-small", bench.Usage{Prompt: 5000},
			usd(5000*0.02/1e6, 0), true},
		{"cached above prompt is capped", "openai", "gpt-4o", bench.Usage{Prompt: 100, Cached: 500},
			usd(100*1.25/1e6, 0), true},
		{"negative counts are zero", "openai", "gpt-4o", bench.Usage{Prompt: -5, Completion: -1, CacheWrite: -3, CacheWrite1h: -2},
			usd(0, 0), true},
		{"local server is free", "ollama", "llama3.1:8b", bench.Usage{Prompt: 1000, Completion: 1000},
			usd(0, 0), true},
		{"simulator is free", "simulator", "sim-fast", bench.Usage{Prompt: 1000, Completion: 1000},
			usd(0, 0), true},
		{"unknown model", "openai", "gpt-99", bench.Usage{Prompt: 1000},
			bench.Cost{Currency: "USD"}, false},
	}
	tab := Default()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tab.Cost(tc.vendor, tc.model, tc.u)
			if ok != tc.ok {
				t.Fatalf("Cost(%q, %q) ok = %v, want %v", tc.vendor, tc.model, ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got, approx); diff != "" {
				t.Errorf("Cost(%q, %q) (-want +got):\n%s", tc.vendor, tc.model, diff)
			}
		})
	}
}

func TestPriceCostTiers(t *testing.T) {
	t.Parallel()
	p := Price{
		InputPerMTok: 1, OutputPerMTok: 2, CachedInputPerMTok: 0.5,
		Tiers: []Tier{
			{AbovePromptTokens: 100, Input: 3},
			{AbovePromptTokens: 1000, Input: 5, Output: 7, CachedInput: 0.9},
		},
	}
	tests := []struct {
		name string
		u    bench.Usage
		want bench.Cost
	}{
		{"base", bench.Usage{Prompt: 100, Cached: 10, Completion: 1e6}, usd((90*1+10*0.5)/1e6, 2)},
		{"first tier keeps unset output and cache prices", bench.Usage{Prompt: 101, Cached: 1, Completion: 1e6}, usd((100*3+1*0.5)/1e6, 2)},
		{"second tier", bench.Usage{Prompt: 1001, Cached: 1, Completion: 1e6}, usd((1000*5+1*0.9)/1e6, 7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, p.Cost(tc.u), approx); diff != "" {
				t.Errorf("Cost (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkCost(b *testing.B) {
	tab := Default()
	u := bench.Usage{Prompt: 1200, Cached: 200, Completion: 300, Total: 1500}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := tab.Cost("openai", "gpt-4o-mini-2024-07-18", u); !ok {
			b.Fatal("gpt-4o-mini not priced")
		}
	}
}

func BenchmarkCostExact(b *testing.B) {
	tab := Default()
	u := bench.Usage{Prompt: 1200, Cached: 200, Completion: 300, Total: 1500}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := tab.Cost("anthropic", "claude-haiku-4-5", u); !ok {
			b.Fatal("claude-haiku-4-5 not priced")
		}
	}
}
