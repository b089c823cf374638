// Package pricing turns token usage into cost with a dated table of vendor
// prices in USD per 1M tokens.
//
// The table ships as prices.yaml, embedded in the binary, and records the date
// its prices were current on (AsOf) and where they came from (Source): the
// provider files of pydantic/genai-prices, with the few corrections the
// vendors' own price pages call for, each commented in the file.
// Configuration can override any model's price (ConfigOverrides,
// WithOverrides). A Table is immutable: the With methods return a new table,
// so one table may be shared by every worker. A run prices its calls with a
// Pricer, which marks the cost of a model nobody priced as unknown rather
// than free.
//
// # Refreshing the table
//
// Prices change; the table does not change by itself. To refresh it, download
// genai-prices' prices/data.json (https://github.com/pydantic/genai-prices),
// then run
//
//	go run ./internal/pricing/cmd/pricediff -data data.json
//
// which lists every model of prices.yaml whose price differs from the
// downloaded file, and the models the file prices that the table lacks. Edit
// prices.yaml by hand (the table also holds rules the source has no place
// for: vendor and model aliases, Bedrock's regional premium), set as_of to the
// date of the data, and run the package's tests. docs/PRICING.md walks
// through it.
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
// at InputPerMTok, and a zero CacheWrite1hPerMTok bills one-hour cache writes
// at CacheWritePerMTok; Lookup fills the cache-write prices of Anthropic's
// models from the vendor's rule (see AnthropicCacheWrite).
type Price struct {
	InputPerMTok       float64
	OutputPerMTok      float64
	CachedInputPerMTok float64
	// CacheWritePerMTok prices prompt tokens written to the prompt cache
	// (5-minute lifetime on Anthropic), CacheWrite1hPerMTok those written
	// with a one-hour lifetime.
	CacheWritePerMTok   float64
	CacheWrite1hPerMTok float64
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
	CacheWrite1h      float64
}

// Anthropic bills a prompt-cache write at a multiple of the input price:
// 1.25x for the default 5-minute lifetime, 2x for one hour. Lookup applies
// these to every Anthropic model (on Anthropic's API and on Bedrock) whose
// entry or override gives no cache-write price of its own.
const (
	AnthropicCacheWrite   = 1.25
	AnthropicCacheWrite1h = 2.0
)

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
	// modelPrefixes maps canonical vendor to a name prefix to the model
	// every name that starts with it stands for.
	modelPrefixes map[string]map[string]string
	routers       map[string]bool
	free          map[string]bool
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

// AsOf returns the date, YYYY-MM-DD, on which the table's prices were
// current; reports show it next to every cost.
func (t *Table) AsOf() string { return t.asOf }

// Source names where the table's prices came from.
func (t *Table) Source() string { return t.source }

// Lookup returns the price of a vendor's model. It tries, in order, the model
// as given, then the model without a snapshot suffix ("gpt-4o-mini-2024-07-18"
// is "gpt-4o-mini", "claude-haiku-4-5-20251001" is "claude-haiku-4-5"), then
// the vendor's model aliases and model prefixes; vendor aliases map e.g.
// "google" to "gemini" and "azure" to "openai", and a router such as
// "openrouter" takes the vendor from a "vendor/model" prefix. A snapshot
// with a price of its own is listed in the table under its full name, so it
// is found before its alias. Overrides win over the table at every step:
// first "vendor:model", then "model". Free vendors (local servers, the
// built-in test providers) cost nothing. ok is false when the model is
// unknown. The cache-write prices of Anthropic's models are filled from
// AnthropicCacheWrite and AnthropicCacheWrite1h where the entry has none.
func (t *Table) Lookup(vendor, model string) (Price, bool) {
	p, claude, ok := t.lookup(lower(vendor), model)
	if !ok {
		return Price{}, false
	}
	if claude {
		p = p.withCacheWriteRule(AnthropicCacheWrite, AnthropicCacheWrite1h)
	}
	return p, true
}

// lookup finds a price as Lookup does; claude reports whether the model is
// one of Anthropic's, whose cache writes follow Anthropic's rule.
func (t *Table) lookup(rawVendor, model string) (p Price, claude, ok bool) {
	var buf [8]string
	canon, names := t.candidatesInto(rawVendor, model, buf[:0])
	claude = canon == "anthropic" || canon == "bedrock" && isBedrockClaude(model)
	for _, name := range names {
		for _, v := range []string{rawVendor, canon} {
			if p, ok := t.overrides[v+":"+name]; ok {
				return p, claude, true
			}
		}
		if p, ok := t.overrides[name]; ok {
			return p, claude, true
		}
		if p, ok := t.prices[canon][name]; ok {
			return p, claude, true
		}
	}
	if t.free[rawVendor] || t.free[canon] {
		return Price{}, false, true
	}
	if canon == "bedrock" {
		if owner, m, found := bedrockOwner(model); found && owner == "anthropic" {
			return t.lookup(owner, m)
		}
	}
	return Price{}, false, false
}

// Free reports whether a vendor bills nothing: a local server or one of the
// built-in test providers, listed under free_vendors in the table.
func (t *Table) Free(vendor string) bool {
	v := lower(vendor)
	return t.free[v] || t.free[t.canonical(v)]
}

// withCacheWriteRule fills the cache-write prices p lacks as multiples of
// the input price (w5 for 5-minute writes, w1h for one-hour writes), in the
// base price and in every tier that raises the input price.
func (p Price) withCacheWriteRule(w5, w1h float64) Price {
	if p.CacheWritePerMTok == 0 {
		p.CacheWritePerMTok = w5 * p.InputPerMTok
	}
	if p.CacheWrite1hPerMTok == 0 {
		p.CacheWrite1hPerMTok = w1h * p.InputPerMTok
	}
	if !slices.ContainsFunc(p.Tiers, func(tr Tier) bool { return tr.Input != 0 && (tr.CacheWrite == 0 || tr.CacheWrite1h == 0) }) {
		return p
	}
	p.Tiers = slices.Clone(p.Tiers)
	for i := range p.Tiers {
		tr := &p.Tiers[i]
		if tr.Input == 0 {
			continue // the tier keeps the base input price, and so its cache-write prices
		}
		if tr.CacheWrite == 0 {
			tr.CacheWrite = w5 * tr.Input
		}
		if tr.CacheWrite1h == 0 {
			tr.CacheWrite1h = w1h * tr.Input
		}
	}
	return p
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
