package genaiprices

import (
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
)

func load(t *testing.T) []Provider {
	t.Helper()
	data, err := os.ReadFile("testdata/data.json")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return ps
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestMatch(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		name  string
		m     Match
		model string
		want  bool
	}{
		{"equals ignores case", Match{Equals: str("GPT-4o")}, "gpt-4o", true},
		{"equals is whole", Match{Equals: str("gpt-4o")}, "gpt-4o-mini", false},
		{"starts_with", Match{StartsWith: str("claude-3-opus")}, "claude-3-opus-20240229", true},
		{"ends_with", Match{EndsWith: str("gemini-2.0-flash")}, "models/gemini-2.0-flash", true},
		{"contains", Match{Contains: str("nova-pro")}, "us.amazon.nova-pro-v1:0", true},
		{"regex", Match{Regex: str(`^o\d-mini$`)}, "o3-mini", true},
		{"bad regex matches nothing", Match{Regex: str(`(`)}, "(", false},
		{"or", Match{Or: []Match{{Equals: str("a")}, {Equals: str("b")}}}, "b", true},
		{"and", Match{And: []Match{{StartsWith: str("a")}, {EndsWith: str("z")}}}, "abz", true},
		{"and needs every rule", Match{And: []Match{{StartsWith: str("a")}, {EndsWith: str("z")}}}, "aby", false},
		{"empty matches nothing", Match{}, "x", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.m.Matches(tc.model); got != tc.want {
				t.Errorf("Matches(%q) = %v, want %v", tc.model, got, tc.want)
			}
		})
	}
}

func TestPriceOn(t *testing.T) {
	t.Parallel()
	byID := map[string]Provider{}
	for _, p := range load(t) {
		byID[p.ID] = p
	}
	tests := []struct {
		vendor, model, on string
		want              pricing.Price
		timed             bool
	}{
		{"openai", "gpt-4o-2024-05-13", "2026-01-01", pricing.Price{InputPerMTok: 2.5, OutputPerMTok: 10, CachedInputPerMTok: 1.25}, false},
		{"openai", "o3", "2025-06-09", pricing.Price{InputPerMTok: 10, OutputPerMTok: 40}, false},
		{"openai", "o3", "2025-06-10", pricing.Price{InputPerMTok: 2, OutputPerMTok: 8}, false},
		{"anthropic", "claude-sonnet-4-5-20250929", "2026-01-01", pricing.Price{InputPerMTok: 3, OutputPerMTok: 15, CachedInputPerMTok: 0.3, CacheWritePerMTok: 3.75,
			Tiers: []pricing.Tier{{AbovePromptTokens: 200000, Input: 6, Output: 22.5, CachedInput: 0.6, CacheWrite: 7.5}}}, false},
		{"deepseek", "deepseek-chat", "2026-01-01", pricing.Price{InputPerMTok: 0.135, OutputPerMTok: 0.55}, true},
	}
	for _, tc := range tests {
		t.Run(tc.model+"@"+tc.on, func(t *testing.T) {
			t.Parallel()
			m, ok := byID[tc.vendor].Find(tc.model)
			if !ok {
				t.Fatalf("Find(%q) found nothing", tc.model)
			}
			got, timed, err := m.PriceOn(day(tc.on))
			if err != nil {
				t.Fatalf("PriceOn: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" || timed != tc.timed {
				t.Errorf("PriceOn = timed %v (want %v) (-want +got):\n%s", timed, tc.timed, diff)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	tab, err := pricing.Parse([]byte(`as_of: "2026-01-01"
vendors:
  openai:
    gpt-4o: {input: 2.50, output: 10.00, cached_input: 1.25}
    gpt-4o-2024-05-13: {input: 5.00, output: 15.00}
    o3: {input: 2.00, output: 8.00}
    o9: {input: 1.00}
  anthropic:
    claude-sonnet-4-5:
      input: 3.00
      output: 15.00
      cached_input: 0.30
      cache_write: 3.75
      tiers: [{above_prompt_tokens: 200000, input: 6.00, output: 20.00, cached_input: 0.60, cache_write: 7.50}]
  local:
    m: {input: 1}
`))
	if err != nil {
		t.Fatalf("pricing.Parse: %v", err)
	}
	var got []string
	for _, d := range Compare(tab, load(t), day("2026-01-01")) {
		src := "-"
		if d.Source != nil {
			src = d.SourceModel
		}
		got = append(got, d.Key+" "+src)
	}
	// gpt-4o and o3 agree; the snapshot, the tier's output price and the
	// unknown o9 differ; a vendor the data does not cover is skipped.
	want := []string{"anthropic:claude-sonnet-4-5 claude-sonnet-4-5", "openai:gpt-4o-2024-05-13 gpt-4o", "openai:o9 -"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Compare (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"deepseek:deepseek-chat", "openai:gpt-new"}, Missing(tab, load(t))); diff != "" {
		t.Errorf("Missing (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	if _, err := Parse([]byte(`{"not": "a list"}`)); err == nil {
		t.Error("Parse(object) succeeded, want an error")
	}
	m := Model{ID: "x", Prices: []byte(`"free"`)}
	if _, _, err := m.PriceOn(day("2026-01-01")); err == nil {
		t.Error("PriceOn(string prices) succeeded, want an error")
	}
}
