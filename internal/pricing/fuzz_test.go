package pricing

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// FuzzParse checks that Parse never panics and that every table it accepts
// prices every one of its own models without a negative cost.
func FuzzParse(f *testing.F) {
	f.Add(embedded)
	f.Add([]byte("as_of: \"2026-01-02\"\nvendors:\n  v:\n    m: {input: 1, tiers: [{above_prompt_tokens: 5, input: 2}]}\n"))
	f.Add([]byte("as_of: 2026-01-02\nvendor_aliases: {a: b}\n"))
	f.Add([]byte("as_of: \"2026-01-02\"\nmodel_prefixes: {v: {p: m}}\nvendors:\n  v:\n    m: {input: 1, cache_write_1h: 3}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Parse(data)
		if err != nil {
			return
		}
		u := bench.Usage{Prompt: 1 << 20, Cached: 1 << 10, CacheWrite: 1 << 12, CacheWrite1h: 1 << 11, Completion: 1 << 10}
		for _, id := range tab.Models() {
			v, m, _ := strings.Cut(id, ":")
			c, ok := tab.Cost(v, m, u)
			if !ok {
				t.Fatalf("model %q listed but not priced", id)
			}
			if c.Input < 0 || c.Output < 0 || c.Total != c.Input+c.Output {
				t.Fatalf("cost of %q = %+v", id, c)
			}
		}
	})
}

// FuzzLookup checks that name resolution of outside model names never panics,
// never leaves an empty candidate and is deterministic.
func FuzzLookup(f *testing.F) {
	for _, s := range []string{"gpt-4o-mini-2024-07-18", "models/gemini-2.0-flash-001", "anthropic/claude-sonnet-4.5", "-", "/", "-0000", "a-12-2024", "us.anthropic.claude-opus-4-6-v1:0", "magistral-medium-2509"} {
		f.Add("openrouter", s)
	}
	tab := Default()
	f.Fuzz(func(t *testing.T, vendor, model string) {
		_, names := tab.candidatesInto(lower(vendor), model, nil)
		for _, n := range names[1:] {
			if n == "" && lower(model) != "" {
				t.Fatalf("candidates(%q, %q) has an empty name: %q", vendor, model, names)
			}
		}
		p1, ok1 := tab.Lookup(vendor, model)
		p2, ok2 := tab.Lookup(vendor, model)
		if ok1 != ok2 || p1.InputPerMTok != p2.InputPerMTok {
			t.Fatalf("Lookup(%q, %q) not deterministic", vendor, model)
		}
	})
}
