// Package pricing turns token usage into cost with a dated table of USD
// prices per million tokens (embedded prices.yaml), overridable per model.
package pricing

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Price is a model's price in USD per 1M tokens.
type Price struct {
	InputPerMTok       float64 `yaml:"input"`
	OutputPerMTok      float64 `yaml:"output"`
	CachedInputPerMTok float64 `yaml:"cached_input"`
	CacheWritePerMTok  float64 `yaml:"cache_write"`
	Tiers              []Tier  `yaml:"tiers"`
}

// Tier is a long-context price: the whole request is priced at it once the
// prompt is larger than AbovePromptTokens.
type Tier struct {
	AbovePromptTokens int     `yaml:"above_prompt_tokens"`
	Input             float64 `yaml:"input"`
	Output            float64 `yaml:"output"`
	CachedInput       float64 `yaml:"cached_input"`
	CacheWrite        float64 `yaml:"cache_write"`
}

// Table is a pricing table.
type Table struct {
	asOf   string
	source string
	// prices by vendor, then model.
	prices map[string]map[string]Price
	// overrides by "vendor:model" or "model".
	over map[string]Price
}

//go:embed prices.yaml
var pricesYAML []byte

type file struct {
	AsOf    string                      `yaml:"as_of"`
	Source  string                      `yaml:"source"`
	Vendors map[string]map[string]Price `yaml:"vendors"`
}

var defaultTable = mustParse(pricesYAML)

func mustParse(b []byte) *Table {
	var f file
	if err := yaml.Unmarshal(b, &f); err != nil {
		panic(fmt.Sprintf("pricing: embedded prices.yaml: %v", err))
	}
	return &Table{asOf: f.AsOf, source: f.Source, prices: f.Vendors}
}

// Default is the embedded table.
func Default() *Table { return defaultTable }

// AsOf is the date the table's prices were taken.
func (t *Table) AsOf() string { return t.asOf }

// vendorAlias maps a vendor to the vendor whose prices it charges.
var vendorAlias = map[string]string{
	"google": "gemini",
	"azure":  "openai",
}

// localVendors run models on the user's own hardware: their calls cost nothing.
var localVendors = map[string]bool{
	"ollama": true, "llamacpp": true, "vllm": true, "lmstudio": true, "echo": true,
}

// WithOverrides returns a copy of the table in which over's prices win. Keys
// are "vendor:model" or a bare "model".
func (t *Table) WithOverrides(over map[string]Price) *Table {
	if len(over) == 0 {
		return t
	}
	c := *t
	c.over = make(map[string]Price, len(t.over)+len(over))
	for k, v := range t.over {
		c.over[k] = v
	}
	for k, v := range over {
		c.over[k] = v
	}
	return &c
}

var dateSuffix = regexp.MustCompile(`-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$`)

// candidates lists the names a model may be priced under: as given, without
// a "vendor/" prefix, without a dated snapshot suffix, and with Anthropic's
// "-0" for a bare major version.
func candidates(model string) []string {
	out := []string{model}
	if _, m, ok := strings.Cut(model, "/"); ok {
		out = append(out, m)
		model = m
	}
	if s := dateSuffix.ReplaceAllString(model, ""); s != model {
		out = append(out, s)
		model = s
	}
	return append(out, model+"-0")
}

// Lookup finds a model's price.
func (t *Table) Lookup(vendor, model string) (Price, bool) {
	if a, ok := vendorAlias[vendor]; ok {
		vendor = a
	}
	for _, name := range candidates(model) {
		if p, ok := t.over[vendor+":"+name]; ok {
			return p, true
		}
		if p, ok := t.over[name]; ok {
			return p, true
		}
		if p, ok := t.prices[vendor][name]; ok {
			return p, true
		}
	}
	return Price{}, false
}

// Cost prices one call. Usage.Prompt includes cached tokens, which are priced
// at the cached-input rate when the model has one. ok is false when the
// model is not in the table; models on local vendors cost nothing.
func (t *Table) Cost(vendor, model string, u bench.Usage) (bench.Cost, bool) {
	if localVendors[vendor] {
		return bench.Cost{Currency: "USD"}, true
	}
	p, ok := t.Lookup(vendor, model)
	if !ok {
		return bench.Cost{Currency: "USD"}, false
	}
	in, out, cached := p.InputPerMTok, p.OutputPerMTok, p.CachedInputPerMTok
	for _, tier := range p.Tiers {
		if u.Prompt > tier.AbovePromptTokens {
			in, out, cached = tier.Input, tier.Output, tier.CachedInput
		}
	}
	if cached == 0 {
		cached = in
	}
	fresh := max(u.Prompt-u.Cached, 0)
	c := bench.Cost{
		Input:    (float64(fresh)*in + float64(u.Cached)*cached) / 1e6,
		Output:   float64(u.Completion) * out / 1e6,
		Currency: "USD",
	}
	c.Total = c.Input + c.Output
	return c, true
}

// Models lists every priced model as "vendor:model", sorted.
func (t *Table) Models() []string {
	var out []string
	for v, ms := range t.prices {
		for m := range ms {
			out = append(out, v+":"+m)
		}
	}
	sort.Strings(out)
	return out
}
