package genaiprices

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
)

// Vendors maps a vendor of the pricing table to the provider id of the
// genai-prices data.
var Vendors = map[string]string{
	"openai": "openai", "anthropic": "anthropic", "gemini": "google", "mistral": "mistral",
	"cohere": "cohere", "groq": "groq", "together": "together", "deepseek": "deepseek",
	"perplexity": "perplexity", "xai": "x-ai", "bedrock": "aws",
}

// Difference is one table model the data prices otherwise, or does not
// price (Source is then nil).
type Difference struct {
	// Key is the table's "vendor:model".
	Key         string
	Table       pricing.Price
	SourceModel string
	Source      *pricing.Price
	// Timed is set when the data also has time-of-day prices for the model.
	Timed bool
}

// Compare lists the models of t whose price differs from the data's price
// current on a date, and those the data does not price, in the order of
// t.Models(). Prices are compared by what they bill: the cost of fresh,
// cached and written prompt tokens and of output tokens, below and above
// every tier start of either price.
func Compare(t *pricing.Table, providers []Provider, on time.Time) []Difference {
	byID := make(map[string]Provider, len(providers))
	for _, p := range providers {
		byID[p.ID] = p
	}
	var out []Difference
	for _, key := range t.Models() {
		vendor, model, ok := strings.Cut(key, ":")
		src, known := byID[Vendors[vendor]]
		if !ok || !known {
			continue
		}
		table, _ := t.Lookup(vendor, model)
		d := Difference{Key: key, Table: table}
		m, found := src.Find(model)
		if !found {
			out = append(out, d)
			continue
		}
		p, timed, err := m.PriceOn(on)
		if err != nil {
			out = append(out, d)
			continue
		}
		if !sameBills(table, p) {
			d.SourceModel, d.Source, d.Timed = m.ID, &p, timed
			out = append(out, d)
		}
	}
	return out
}

// Missing lists the data's models, as "vendor:id", that the table does not
// price, for the vendors of Vendors.
func Missing(t *pricing.Table, providers []Provider) []string {
	var out []string
	for vendor, id := range Vendors {
		for _, p := range providers {
			if p.ID != id {
				continue
			}
			for _, m := range p.Models {
				if _, ok := t.Lookup(vendor, m.ID); !ok {
					out = append(out, vendor+":"+m.ID)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// sameBills reports whether two prices bill every probe the same.
func sameBills(a, b pricing.Price) bool {
	sizes := []int{1000}
	for _, tiers := range [][]pricing.Tier{a.Tiers, b.Tiers} {
		for _, tr := range tiers {
			sizes = append(sizes, tr.AbovePromptTokens+1)
		}
	}
	for _, n := range sizes {
		for _, u := range []bench.Usage{
			{Prompt: n}, {Prompt: n, Cached: n}, {Prompt: n, Completion: 1e6},
			{Prompt: n, CacheWrite: n},
		} {
			if u.CacheWrite > 0 && (a.CacheWritePerMTok == 0 || b.CacheWritePerMTok == 0) {
				continue // the data leaves cache writes out for most vendors
			}
			if x, y := a.Cost(u).Total, b.Cost(u).Total; math.Abs(x-y) > 1e-9*max(1, math.Abs(x)) {
				return false
			}
		}
	}
	return true
}

func sortedInts(s []int) []int { slices.Sort(s); return s }
