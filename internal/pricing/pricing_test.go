package pricing

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	tab := Default()
	tests := []struct {
		vendor, model string
		want          string // "vendor:model" of the table entry; "" when unknown
	}{
		{"openai", "gpt-4o-mini", "openai:gpt-4o-mini"},
		{"OpenAI", "GPT-4o-Mini", "openai:gpt-4o-mini"},
		{"openai", "gpt-4o-mini-2024-07-18", "openai:gpt-4o-mini"},
		{"openai", "o3-mini-2025-01-31", "openai:o3-mini"},
		{"openai", "openai/gpt-4.1-nano", "openai:gpt-4.1-nano"},
		{"azure", "gpt-5.4-2026-03-05", "openai:gpt-5.4"},
		{"anthropic", "claude-haiku-4-5-20251001", "anthropic:claude-haiku-4-5"},
		{"anthropic", "claude-3-5-haiku-latest", "anthropic:claude-3-5-haiku"},
		{"anthropic", "claude-opus-4-20250514", "anthropic:claude-opus-4-0"},
		{"anthropic", "claude-sonnet-4.5", "anthropic:claude-sonnet-4-5"},
		{"google", "models/gemini-2.5-flash", "gemini:gemini-2.5-flash"},
		{"gemini", "gemini-2.0-flash-001", "gemini:gemini-2.0-flash"},
		{"openrouter", "anthropic/claude-sonnet-4.5", "anthropic:claude-sonnet-4-5"},
		{"openrouter", "google/gemini-2.5-pro", "gemini:gemini-2.5-pro"},
		{"openrouter", "mistralai/codestral-2508", "mistral:codestral-2508"},
		{"mistral", "mistral-large-2512", "mistral:mistral-large-2512"},
		{"mistral", "ministral-8b-2410", "mistral:ministral-8b"},
		{"mistral", "magistral-medium-latest", "mistral:magistral-medium"},
		{"cohere", "command-r-plus-08-2024", "cohere:command-r-plus"},
		{"cohere", "command-a-03-2025", "cohere:command-a"},
		{"groq", "openai/gpt-oss-120b", "groq:openai/gpt-oss-120b"},
		{"groq", "llama-3.3-70b-versatile", "groq:llama-3.3-70b-versatile"},
		{"together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "together:meta-llama/llama-3.3-70b-instruct-turbo"},
		{"deepseek", "deepseek-chat", "deepseek:deepseek-chat"},
		{"perplexity", "sonar-pro", "perplexity:sonar-pro"},
		{"xai", "grok-4-latest", "xai:grok-4"},
		{"grok", "grok-3-mini", "xai:grok-3-mini"},
		{"bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock:anthropic.claude-haiku-4-5"},
		{"bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock:anthropic.claude-haiku-4-5"},
		{"bedrock", "global.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock:global.anthropic.claude-haiku-4-5"},
		{"bedrock", "eu.anthropic.claude-opus-4-1-20250805-v1:0", "anthropic:claude-opus-4-1"},
		{"bedrock", "amazon.nova-pro-v1:0", "bedrock:amazon.nova-pro"},
		{"bedrock", "openai.gpt-oss-120b-1:0", "bedrock:openai.gpt-oss-120b"},
		{"bedrock", "meta.llama3-3-70b-instruct-v1:0", "bedrock:meta.llama3-3-70b-instruct"},
		{"bedrock", "cohere.command-r-v1:0", ""},
		{"huggingface", "meta-llama/Llama-3.3-70B-Instruct", ""},
		{"openai", "claude-haiku-4-5", ""},
		{"mistral", "mistral-large-2411", "mistral:mistral-large"},
		{"mistral", "mistral-large-latest", "mistral:mistral-large"},
		{"mistral", "codestral-latest", "mistral:codestral"},
		{"mistral", "mistral-medium-2508", "mistral:mistral-medium-3"},
		{"mistral", "magistral-small-2509", "mistral:magistral-small"},
		{"cohere", "command-a-vision-07-2025", "cohere:command-a"},
		{"cohere", "command-r7b-12-2024", "cohere:command-r7b"},
		{"openai", "o1-2024-12-17", "openai:o1"},
		{"openai", "o1-preview-2024-09-12", "openai:o1"},
		{"openai", "o3-pro-2025-06-10", "openai:o3-pro"},
		{"openai", "gpt-4-turbo-2024-04-09", "openai:gpt-4-turbo"},
		{"openai", "gpt-4-1106-preview", "openai:gpt-4-turbo"},
		{"azure", "gpt-35-turbo", "openai:gpt-3.5-turbo"},
		{"anthropic", "claude-opus-4-6", "anthropic:claude-opus-4-6"},
		{"anthropic", "claude-3-opus-20240229", "anthropic:claude-3-opus"},
		{"gemini", "gemini-1.5-flash-002", "gemini:gemini-1.5-flash"},
		{"google", "models/gemini-1.5-pro-latest", "gemini:gemini-1.5-pro"},
		{"bedrock", "us.anthropic.claude-opus-4-6-v1:0", "bedrock:anthropic.claude-opus-4-6"},
		{"bedrock", "global.anthropic.claude-opus-4-7", "bedrock:global.anthropic.claude-opus-4-7"},
		{"bedrock", "eu.anthropic.claude-sonnet-4-6", "bedrock:anthropic.claude-sonnet-4-6"},
		// Bedrock answers name the model without its region profile: not
		// priced under bedrock, so the requested id decides.
		{"bedrock", "claude-opus-4-6", ""},
		{"gemini", "gemini-1.5-flash-8b", ""},
		{"mistral", "mistral-large-2402", ""},
		{"mistral", "codestral-2405", ""},
		{"cohere", "command-r-plus-04-2024", ""},
		{"http", "my-model", ""},
		{"sim", "gpt-4o-mini", ""},
		{"openai", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.vendor+":"+tc.model, func(t *testing.T) {
			t.Parallel()
			got, ok := tab.Lookup(tc.vendor, tc.model)
			if ok != (tc.want != "") {
				t.Fatalf("Lookup(%q, %q) ok = %v, want %v", tc.vendor, tc.model, ok, tc.want != "")
			}
			if tc.want == "" {
				return
			}
			v, m, _ := strings.Cut(tc.want, ":")
			want, found := tab.Lookup(v, m)
			if !found {
				t.Fatalf("table has no %s", tc.want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Lookup(%q, %q) (-want %s +got):\n%s", tc.vendor, tc.model, tc.want, diff)
			}
		})
	}
}

func TestBedrockRegionalPremium(t *testing.T) {
	t.Parallel()
	tab := Default()
	for _, m := range []string{"claude-sonnet-4-5-20250929", "claude-sonnet-4-6", "claude-haiku-4-5-20251001",
		"claude-opus-4-5-20251101", "claude-opus-4-6", "claude-opus-4-7"} {
		t.Run(m, func(t *testing.T) {
			t.Parallel()
			direct, ok := tab.Lookup("anthropic", m)
			if !ok {
				t.Fatalf("anthropic:%s not priced", m)
			}
			for _, id := range []string{"global.anthropic." + m + "-v1:0"} {
				if got, _ := tab.Lookup("bedrock", id); got.InputPerMTok != direct.InputPerMTok || got.OutputPerMTok != direct.OutputPerMTok {
					t.Errorf("%s = %+v, want Anthropic's list price %+v", id, got, direct)
				}
			}
			for _, id := range []string{"anthropic." + m + "-v1:0", "us.anthropic." + m + "-v1:0", "eu.anthropic." + m + "-v1:0"} {
				got, _ := tab.Lookup("bedrock", id)
				for _, pair := range [][2]float64{
					{got.InputPerMTok, direct.InputPerMTok}, {got.OutputPerMTok, direct.OutputPerMTok},
					{got.CachedInputPerMTok, direct.CachedInputPerMTok}, {got.CacheWritePerMTok, direct.CacheWritePerMTok},
					{got.CacheWrite1hPerMTok, direct.CacheWrite1hPerMTok},
				} {
					if math.Abs(pair[0]-1.1*pair[1]) > 1e-9 {
						t.Errorf("%s = %+v, want 1.1 x %+v", id, got, direct)
						break
					}
				}
			}
		})
	}
}

func TestStripSnapshot(t *testing.T) {
	t.Parallel()
	tests := []struct{ vendor, in, want string }{
		{"openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"},
		{"anthropic", "claude-haiku-4-5-20251001", "claude-haiku-4-5"},
		{"anthropic", "claude-3-5-haiku-latest", "claude-3-5-haiku"},
		{"gemini", "gemini-2.0-flash-001", "gemini-2.0-flash"},
		{"openai", "gpt-4o-mini", "gpt-4o-mini"},
		{"openai", "gpt-oss-120b", "gpt-oss-120b"},
		// A "-NNN" version is Gemini's only: o1-pro-001 is not o1-pro.
		{"openai", "model-001", "model-001"},
		// Four digits are a release of their own, never stripped: gpt-3.5-turbo-1106
		// and ministral-3b-2512 have their own prices.
		{"openai", "gpt-3.5-turbo-1106", "gpt-3.5-turbo-1106"},
		{"xai", "grok-2-1212", "grok-2-1212"},
		{"mistral", "ministral-3b-2512", "ministral-3b-2512"},
		{"mistral", "ministral-3b-latest", "ministral-3b-latest"},
		{"cohere", "command-r-plus-04-2024", "command-r-plus-04-2024"},
		{"openai", "model-2024-13-01", "model-2024-13-01"},
		{"openai", "-latest", "-latest"},
		{"openai", "latest", "latest"},
		{"openai", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.vendor+":"+tc.in, func(t *testing.T) {
			t.Parallel()
			if got := stripSnapshot(tc.vendor, tc.in); got != tc.want {
				t.Errorf("stripSnapshot(%q, %q) = %q, want %q", tc.vendor, tc.in, got, tc.want)
			}
		})
	}
}

func TestWithOverrides(t *testing.T) {
	t.Parallel()
	base := Default()
	tab := base.WithOverrides(map[string]Price{
		"openai:gpt-4o-mini": {InputPerMTok: 1, OutputPerMTok: 2},
		"My-Model":           {InputPerMTok: 3},
		"local:llama3":       {},
		"azure:gpt-4o":       {InputPerMTok: 9},
		"gemini:gemini-2.5-pro": {InputPerMTok: 1, Tiers: []Tier{
			{AbovePromptTokens: 20, Input: 3}, {AbovePromptTokens: 10, Input: 2},
		}},
	})
	tests := []struct {
		name          string
		tab           *Table
		vendor, model string
		u             bench.Usage
		want          bench.Cost
		ok            bool
	}{
		{"vendor:model wins, snapshot too", tab, "openai", "gpt-4o-mini-2024-07-18", bench.Usage{Prompt: 1e6, Completion: 1e6}, usd(1, 2), true},
		{"bare model for any vendor", tab, "vllm-remote", "my-model", bench.Usage{Prompt: 1e6}, usd(3, 0), true},
		{"zero price means free, not unknown", tab, "local", "llama3", bench.Usage{Prompt: 1e6}, usd(0, 0), true},
		{"override under the raw vendor before its alias", tab, "azure", "gpt-4o", bench.Usage{Prompt: 1e6}, usd(9, 0), true},
		{"alias override does not reach the target vendor", tab, "openai", "gpt-4o", bench.Usage{Prompt: 1e6}, usd(2.50, 0), true},
		{"override tiers are sorted", tab, "gemini", "gemini-2.5-pro", bench.Usage{Prompt: 15}, usd(15*2/1e6, 0), true},
		{"base table untouched", base, "openai", "gpt-4o-mini", bench.Usage{Prompt: 1e6}, usd(0.15, 0), true},
		{"base table has no bare override", base, "vllm-remote", "my-model", bench.Usage{Prompt: 1e6}, bench.Cost{Currency: "USD"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tc.tab.Cost(tc.vendor, tc.model, tc.u)
			if ok != tc.ok {
				t.Fatalf("Cost(%q, %q) ok = %v, want %v", tc.vendor, tc.model, ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got, approx); diff != "" {
				t.Errorf("Cost(%q, %q) (-want +got):\n%s", tc.vendor, tc.model, diff)
			}
		})
	}
	if !slices.Contains(tab.Models(), "my-model") || slices.Contains(base.Models(), "my-model") {
		t.Error("Models() should list overrides of the new table only")
	}
}

func TestWithVendorAliases(t *testing.T) {
	t.Parallel()
	base := Default()
	tab := base.WithVendorAliases(map[string]string{"work": "azure", "claude": "anthropic"})
	tests := []struct {
		vendor, model string
		tab           *Table
		ok            bool
	}{
		{"work", "gpt-4o", tab, true},
		{"claude", "claude-haiku-4-5", tab, true},
		{"work", "gpt-4o", base, false},
	}
	for _, tc := range tests {
		t.Run(tc.vendor+":"+tc.model, func(t *testing.T) {
			t.Parallel()
			if _, ok := tc.tab.Lookup(tc.vendor, tc.model); ok != tc.ok {
				t.Errorf("Lookup(%q, %q) ok = %v, want %v", tc.vendor, tc.model, ok, tc.ok)
			}
		})
	}
}

func TestDefault(t *testing.T) {
	t.Parallel()
	tab := Default()
	if got, want := tab.AsOf(), "2026-08-21"; got != want {
		t.Errorf("AsOf() = %q, want %q", got, want)
	}
	if !strings.Contains(tab.Source(), "genai-prices") {
		t.Errorf("Source() = %q, want the genai-prices origin", tab.Source())
	}
	models := tab.Models()
	if !slices.IsSorted(models) {
		t.Error("Models() is not sorted")
	}
	for _, m := range []string{"openai:gpt-4o-mini", "openai:o3", "anthropic:claude-haiku-4-5", "gemini:gemini-2.5-flash",
		"mistral:mistral-large-2512", "cohere:command-a", "cohere:embed-v4.0"} {
		if !slices.Contains(models, m) {
			t.Errorf("Models() lacks %s", m)
		}
	}
	// Time-varying entries carry the price current on as_of.
	if p, _ := tab.Lookup("openai", "o3"); p.InputPerMTok != 2.00 || p.OutputPerMTok != 8.00 {
		t.Errorf("o3 = %+v, want the 2.00/8.00 price current since 2025-06-10", p)
	}
	if p, _ := tab.Lookup("anthropic", "claude-sonnet-4-6"); len(p.Tiers) != 0 {
		t.Errorf("claude-sonnet-4-6 tiers = %+v, want flat pricing after 2026-03-13", p.Tiers)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const ok = "as_of: \"2026-01-02\"\nvendors:\n  v:\n    m: {input: 1}\n"
	tests := map[string]string{
		"not yaml":              "as_of: [",
		"no date":               "vendors: {}\n",
		"bad date":              "as_of: \"2026-13-01\"\n",
		"unknown key":           ok + "extra: 1\n",
		"unknown price key":     "as_of: \"2026-01-02\"\nvendors:\n  v:\n    m: {inptu: 1}\n",
		"negative price":        "as_of: \"2026-01-02\"\nvendors:\n  v:\n    m: {input: -1}\n",
		"NaN price":             "as_of: \"2026-01-02\"\nvendors:\n  v:\n    m: {input: .nan}\n",
		"tiers out of order":    "as_of: \"2026-01-02\"\nvendors:\n  v:\n    m: {input: 1, tiers: [{above_prompt_tokens: 10, input: 2}, {above_prompt_tokens: 5, input: 3}]}\n",
		"tier at zero":          "as_of: \"2026-01-02\"\nvendors:\n  v:\n    m: {input: 1, tiers: [{above_prompt_tokens: 0, input: 2}]}\n",
		"empty model":           "as_of: \"2026-01-02\"\nvendors:\n  v:\n    \" \": {input: 1}\n",
		"alias to no vendor":    ok + "vendor_aliases: {x: nowhere}\n",
		"model alias to no one": ok + "model_aliases: {v: {a: nothing}}\n",
		"prefix to no one":      ok + "model_prefixes: {v: {a: nothing}}\n",
		"negative 1h write":     "as_of: \"2026-01-02\"\nvendors:\n  v:\n    m: {input: 1, cache_write_1h: -2}\n",
		"negative tier 1h":      "as_of: \"2026-01-02\"\nvendors:\n  v:\n    m: {input: 1, tiers: [{above_prompt_tokens: 5, cache_write_1h: -1}]}\n",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := Parse([]byte(in)); err == nil {
				t.Errorf("Parse(%q) succeeded, want an error", in)
			}
		})
	}
	tab, err := Parse([]byte(ok + "vendor_aliases: {x: V}\nmodel_aliases: {v: {a: M}}\nmodel_prefixes: {v: {pre-: m}}\n"))
	if err != nil {
		t.Fatalf("Parse(valid) = %v", err)
	}
	if p, found := tab.Lookup("x", "a"); !found || p.InputPerMTok != 1 {
		t.Errorf("Lookup through aliases = %+v, %v; want input 1", p, found)
	}
	if p, found := tab.Lookup("v", "pre-anything"); !found || p.InputPerMTok != 1 {
		t.Errorf("Lookup through a prefix = %+v, %v; want input 1", p, found)
	}
	if _, found := tab.Lookup("v", "pre"); found {
		t.Error("Lookup of a name shorter than the prefix found a price")
	}
}

func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if Default().AsOf() == "" {
			b.Fatal("no date")
		}
	}
}
