// Package pricing turns token usage into cost with a dated table of vendor
// prices in USD per 1M tokens.
//
// The table ships as prices.yaml, embedded in the binary, and records the date
// its prices were current on and where they came from (PROVIDER_FACTS §11,
// taken from pydantic/genai-prices). Configuration can override any model's
// price with WithOverrides or FromConfig. A Table is immutable: the With
// methods return a new table, so one table may be shared by every worker.
package pricing

import (
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

//go:embed prices.yaml
var embedded []byte

// Price is what one model costs, in USD per 1M tokens. A zero
// CachedInputPerMTok or CacheWritePerMTok means the model bills those tokens
// at InputPerMTok.
type Price struct {
	InputPerMTok       float64
	OutputPerMTok      float64
	CachedInputPerMTok float64
	CacheWritePerMTok  float64
	// Tiers raise the price of long prompts, in ascending AbovePromptTokens.
	Tiers []Tier
}

// Tier is a long-context price: once a request's prompt has more than
// AbovePromptTokens tokens, the whole request is billed at the tier's prices.
// A zero price in a tier keeps the base price for that kind of token.
type Tier struct {
	AbovePromptTokens int
	Input             float64
	Output            float64
	CachedInput       float64
	CacheWrite        float64
}

// Table is a dated set of model prices with the rules for finding a model by
// the many names vendors give it.
type Table struct {
	asOf   string
	source string
	// prices maps canonical vendor to model to price.
	prices map[string]map[string]Price
	// vendorAliases maps a vendor name to the vendor whose prices it uses.
	vendorAliases map[string]string
	// modelAliases maps canonical vendor to alias to model.
	modelAliases map[string]map[string]string
	routers      map[string]bool
	free         map[string]bool
	// overrides maps "vendor:model" or "model" to a price that wins over the table.
	overrides map[string]Price
}

// Default returns the embedded table, parsed once. A Table is never changed
// after parsing (WithOverrides and WithVendorAliases return copies), so the
// one value is shared. It panics if the embedded file is invalid, which the
// package's tests rule out.
func Default() *Table { return defaultTable() }

var defaultTable = sync.OnceValue(func() *Table {
	t, err := Parse(embedded)
	if err != nil {
		panic(fmt.Sprintf("pricing: embedded prices.yaml: %v", err))
	}
	return t
})

// AsOf returns the date, YYYY-MM-DD, on which the table's prices were current.
func (t *Table) AsOf() string { return t.asOf }

// Source names where the table's prices came from.
func (t *Table) Source() string { return t.source }

// Lookup returns the price of a vendor's model. It tries, in order, the model
// as given, then the model without a snapshot suffix ("gpt-4o-mini-2024-07-18"
// is "gpt-4o-mini", "claude-haiku-4-5-20251001" is "claude-haiku-4-5"), then
// the vendor's model aliases; vendor aliases map e.g. "google" to "gemini" and
// "azure" to "openai", and a router such as "openrouter" takes the vendor from
// a "vendor/model" prefix. Overrides win over the table at every step: first
// "vendor:model", then "model". Local servers (ollama, vllm, llama.cpp) cost
// nothing. ok is false when the model is unknown.
func (t *Table) Lookup(vendor, model string) (Price, bool) {
	rawVendor := strings.ToLower(strings.TrimSpace(vendor))
	var buf [8]string
	canon, names := t.candidatesInto(rawVendor, model, buf[:0])
	for _, name := range names {
		for _, v := range []string{rawVendor, canon} {
			if p, ok := t.overrides[v+":"+name]; ok {
				return p, true
			}
		}
		if p, ok := t.overrides[name]; ok {
			return p, true
		}
		if p, ok := t.prices[canon][name]; ok {
			return p, true
		}
	}
	if t.free[rawVendor] || t.free[canon] {
		return Price{}, true
	}
	if canon == "bedrock" {
		if owner, m, ok := bedrockOwner(model); ok && owner == "anthropic" {
			return t.Lookup(owner, m)
		}
	}
	return Price{}, false
}

// WithOverrides returns a copy of t in which the given prices win over the
// table. A key is "vendor:model" or a bare "model" that applies to every
// vendor; keys are matched case-insensitively. An override replaces the whole
// price of the model, tiers included.
func (t *Table) WithOverrides(over map[string]Price) *Table {
	c := *t
	c.overrides = maps.Clone(t.overrides)
	if c.overrides == nil {
		c.overrides = make(map[string]Price, len(over))
	}
	for k, p := range over {
		p.Tiers = slices.Clone(p.Tiers)
		slices.SortFunc(p.Tiers, func(a, b Tier) int { return a.AbovePromptTokens - b.AbovePromptTokens })
		c.overrides[strings.ToLower(strings.TrimSpace(k))] = p
	}
	return &c
}

// WithVendorAliases returns a copy of t in which each key vendor uses the
// prices of the value vendor, as a named endpoint uses its type's prices.
func (t *Table) WithVendorAliases(aliases map[string]string) *Table {
	c := *t
	c.vendorAliases = maps.Clone(t.vendorAliases)
	for from, to := range aliases {
		from = strings.ToLower(strings.TrimSpace(from))
		to = strings.ToLower(strings.TrimSpace(to))
		if from == "" || to == "" || from == to {
			continue
		}
		if target, ok := c.vendorAliases[to]; ok {
			to = target
		}
		c.vendorAliases[from] = to
	}
	return &c
}

// Models lists the priced models, sorted: the table's as "vendor:model" and
// each override by its key.
func (t *Table) Models() []string {
	seen := make(map[string]bool)
	for vendor, models := range t.prices {
		for m := range models {
			seen[vendor+":"+m] = true
		}
	}
	for k := range t.overrides {
		seen[k] = true
	}
	return slices.Sorted(maps.Keys(seen))
}
