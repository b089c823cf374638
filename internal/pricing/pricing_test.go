package pricing

import (
	"math"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestCost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		vendor, model string
		u             bench.Usage
		in, out       float64
		ok            bool
	}{
		{"gpt-4o-mini", "openai", "gpt-4o-mini", bench.Usage{Prompt: 1000, Completion: 500}, 1000 * 0.15 / 1e6, 500 * 0.60 / 1e6, true},
		{"dated snapshot", "openai", "gpt-4o-mini-2024-07-18", bench.Usage{Prompt: 21, Completion: 2}, 21 * 0.15 / 1e6, 2 * 0.60 / 1e6, true},
		{"cached tokens at the cache rate", "openai", "gpt-4o", bench.Usage{Prompt: 2000, Cached: 1500, Completion: 10}, (500*2.50 + 1500*1.25) / 1e6, 10 * 10.0 / 1e6, true},
		{"no cache rate: cached at input", "cohere", "command-r", bench.Usage{Prompt: 100, Cached: 50, Completion: 0}, 100 * 0.15 / 1e6, 0, true},
		{"tier below", "gemini", "gemini-2.5-pro", bench.Usage{Prompt: 200000, Completion: 1000}, 200000 * 1.25 / 1e6, 1000 * 10.0 / 1e6, true},
		{"tier above prices the whole request", "google", "gemini-2.5-pro", bench.Usage{Prompt: 200001, Completion: 1000}, 200001 * 2.50 / 1e6, 1000 * 15.0 / 1e6, true},
		{"anthropic dated and bare major", "anthropic", "claude-sonnet-4-20250514", bench.Usage{Prompt: 1e6, Completion: 1e6}, 3.0, 15.0, true},
		{"anthropic haiku snapshot", "anthropic", "claude-haiku-4-5-20251001", bench.Usage{Prompt: 1e6}, 1.0, 0, true},
		{"azure prices as openai", "azure", "gpt-5-mini", bench.Usage{Prompt: 1e6, Completion: 1e6}, 0.25, 2.0, true},
		{"openrouter style prefix", "openrouter", "openai/gpt-4o", bench.Usage{Prompt: 1e6}, 0, 0, false},
		{"local is free", "ollama", "llama3", bench.Usage{Prompt: 1e6}, 0, 0, true},
		{"unknown", "openai", "gpt-99", bench.Usage{Prompt: 1e6}, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, ok := Default().Cost(tc.vendor, tc.model, tc.u)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !near(c.Input, tc.in) || !near(c.Output, tc.out) || !near(c.Total, tc.in+tc.out) || c.Currency != "USD" {
				t.Errorf("cost %+v, want input %g output %g", c, tc.in, tc.out)
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

func TestOverrides(t *testing.T) {
	t.Parallel()
	tab := Default().WithOverrides(map[string]Price{
		"openai:gpt-4o-mini": {InputPerMTok: 1, OutputPerMTok: 2},
		"my-model":           {InputPerMTok: 3},
	})
	c, _ := tab.Cost("openai", "gpt-4o-mini", bench.Usage{Prompt: 1e6, Completion: 1e6})
	if c.Total != 3 {
		t.Errorf("override not applied: %+v", c)
	}
	c, ok := tab.Cost("vllm-remote", "my-model", bench.Usage{Prompt: 1e6})
	if !ok || c.Total != 3 {
		t.Errorf("bare-model override not applied: %+v %v", c, ok)
	}
	if c, _ := Default().Cost("openai", "gpt-4o-mini", bench.Usage{Prompt: 1e6}); c.Total != 0.15 {
		t.Errorf("override leaked into the default table: %+v", c)
	}
}

func TestTableIsDatedAndComplete(t *testing.T) {
	t.Parallel()
	if Default().AsOf() == "" {
		t.Error("table has no date")
	}
	for _, m := range []string{"openai:gpt-4o-mini", "anthropic:claude-haiku-4-5", "gemini:gemini-2.5-flash", "mistral:mistral-large-2512", "cohere:command-a"} {
		found := false
		for _, have := range Default().Models() {
			found = found || have == m
		}
		if !found {
			t.Errorf("%s missing from the table", m)
		}
	}
}
