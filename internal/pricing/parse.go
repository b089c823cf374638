package pricing

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// file is the shape of prices.yaml.
type file struct {
	AsOf          string                       `yaml:"as_of"`
	Source        string                       `yaml:"source"`
	VendorAliases map[string]string            `yaml:"vendor_aliases"`
	Routers       []string                     `yaml:"routers"`
	FreeVendors   []string                     `yaml:"free_vendors"`
	ModelAliases  map[string]map[string]string `yaml:"model_aliases"`
	ModelPrefixes map[string]map[string]string `yaml:"model_prefixes"`
	Vendors       map[string]map[string]entry  `yaml:"vendors"`
}

// entry is one model's prices in the file.
type entry struct {
	Input        float64     `yaml:"input"`
	Output       float64     `yaml:"output"`
	CachedInput  float64     `yaml:"cached_input"`
	CacheWrite   float64     `yaml:"cache_write"`
	CacheWrite1h float64     `yaml:"cache_write_1h"`
	Tiers        []tierEntry `yaml:"tiers"`
}

// tierEntry is one long-context tier in the file.
type tierEntry struct {
	AbovePromptTokens int     `yaml:"above_prompt_tokens"`
	Input             float64 `yaml:"input"`
	Output            float64 `yaml:"output"`
	CachedInput       float64 `yaml:"cached_input"`
	CacheWrite        float64 `yaml:"cache_write"`
	CacheWrite1h      float64 `yaml:"cache_write_1h"`
}

// Parse reads a pricing table in the format of the embedded prices.yaml:
// as_of (YYYY-MM-DD), source, vendor_aliases, routers, free_vendors,
// model_aliases, model_prefixes and vendors.<vendor>.<model> with input,
// output, cached_input, cache_write, cache_write_1h and tiers. Unknown keys, negative or non-finite prices, tiers
// out of order and aliases to unknown names are errors. Names are matched
// case-insensitively.
func Parse(data []byte) (*Table, error) {
	var f file
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("parse pricing table: %w", err)
	}
	if _, err := time.Parse(time.DateOnly, f.AsOf); err != nil {
		return nil, fmt.Errorf("parse pricing table: as_of %q: want a date such as 2026-08-21", f.AsOf)
	}
	t := &Table{
		asOf:          f.AsOf,
		source:        f.Source,
		prices:        make(map[string]map[string]Price, len(f.Vendors)),
		vendorAliases: make(map[string]string, len(f.VendorAliases)),
		routers:       make(map[string]bool, len(f.Routers)),
		free:          make(map[string]bool, len(f.FreeVendors)),
	}
	for vendor, models := range f.Vendors {
		v, err := name("vendor", vendor)
		if err != nil {
			return nil, err
		}
		if t.prices[v] == nil {
			t.prices[v] = make(map[string]Price, len(models))
		}
		for model, e := range models {
			m, err := name("model", model)
			if err != nil {
				return nil, err
			}
			p, err := e.price()
			if err != nil {
				return nil, fmt.Errorf("parse pricing table: %s:%s: %w", v, m, err)
			}
			t.prices[v][m] = p
		}
	}
	if err := t.addAliases(f); err != nil {
		return nil, err
	}
	return t, nil
}

// addAliases fills the table's vendor and model aliases, model prefixes,
// routers and free vendors from f, checking that every alias names
// something priced.
func (t *Table) addAliases(f file) error {
	for from, to := range f.VendorAliases {
		a, err := name("vendor alias", from)
		if err != nil {
			return err
		}
		v := lower(to)
		if _, ok := t.prices[v]; !ok {
			return fmt.Errorf("parse pricing table: vendor alias %q: no prices for vendor %q", from, to)
		}
		t.vendorAliases[a] = v
	}
	for _, r := range f.Routers {
		n, err := name("router", r)
		if err != nil {
			return err
		}
		t.routers[n] = true
	}
	for _, fv := range f.FreeVendors {
		n, err := name("free vendor", fv)
		if err != nil {
			return err
		}
		t.free[n] = true
	}
	var err error
	if t.modelAliases, err = t.modelNames("model alias", f.ModelAliases); err != nil {
		return err
	}
	if t.modelPrefixes, err = t.modelNames("model prefix", f.ModelPrefixes); err != nil {
		return err
	}
	return nil
}

// modelNames checks a vendor -> name -> model map of the file (model aliases
// or prefixes): every model it points to must have a price.
func (t *Table) modelNames(what string, in map[string]map[string]string) (map[string]map[string]string, error) {
	out := make(map[string]map[string]string, len(in))
	for vendor, names := range in {
		v := lower(vendor)
		if out[v] == nil {
			out[v] = make(map[string]string, len(names))
		}
		for from, to := range names {
			a, err := name(what, from)
			if err != nil {
				return nil, err
			}
			m := lower(to)
			if _, ok := t.prices[v][m]; !ok {
				return nil, fmt.Errorf("parse pricing table: %s %s:%s: no price for %q", what, vendor, from, to)
			}
			out[v][a] = m
		}
	}
	return out, nil
}

// price checks one entry and converts it.
func (e entry) price() (Price, error) {
	if err := checkPrices(e.Input, e.Output, e.CachedInput, e.CacheWrite, e.CacheWrite1h); err != nil {
		return Price{}, err
	}
	p := Price{
		InputPerMTok:        e.Input,
		OutputPerMTok:       e.Output,
		CachedInputPerMTok:  e.CachedInput,
		CacheWritePerMTok:   e.CacheWrite,
		CacheWrite1hPerMTok: e.CacheWrite1h,
	}
	last := 0
	for i, te := range e.Tiers {
		if te.AbovePromptTokens <= last {
			return Price{}, fmt.Errorf("tier %d: above_prompt_tokens %d must be positive and above the previous tier's", i, te.AbovePromptTokens)
		}
		if err := checkPrices(te.Input, te.Output, te.CachedInput, te.CacheWrite, te.CacheWrite1h); err != nil {
			return Price{}, fmt.Errorf("tier %d: %w", i, err)
		}
		last = te.AbovePromptTokens
		p.Tiers = append(p.Tiers, Tier(te))
	}
	return p, nil
}

// checkPrices rejects prices that are negative, NaN or infinite.
func checkPrices(ps ...float64) error {
	for _, p := range ps {
		if p < 0 || math.IsNaN(p) || math.IsInf(p, 0) {
			return errors.New("prices must be finite and not negative")
		}
	}
	return nil
}

// name lowercases a vendor or model name and rejects empty ones.
func name(what, s string) (string, error) {
	n := lower(s)
	if n == "" {
		return "", fmt.Errorf("parse pricing table: empty %s name", what)
	}
	return n, nil
}

// lower trims and lowercases a name.
func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
