// Package genaiprices reads the price data of pydantic/genai-prices (its
// prices/data.json) and compares it with a pricing.Table, so that the
// embedded table can be refreshed by hand from a copy the user downloads.
// It never touches the network.
package genaiprices

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
)

// Provider is one vendor of the data: its id and models, in the order the
// data matches them.
type Provider struct {
	ID     string  `json:"id"`
	Models []Model `json:"models"`
}

// Model is one priced model: the rule that matches its names and its
// prices, a single set or a list of sets under constraints.
type Model struct {
	ID     string          `json:"id"`
	Match  Match           `json:"match"`
	Prices json.RawMessage `json:"prices"`
}

// Match is a model-name rule: one of the string tests, or any ("or") or
// every ("and") of a list of rules. Names are compared in lower case.
type Match struct {
	Equals     *string `json:"equals"`
	StartsWith *string `json:"starts_with"`
	EndsWith   *string `json:"ends_with"`
	Contains   *string `json:"contains"`
	Regex      *string `json:"regex"`
	Or         []Match `json:"or"`
	And        []Match `json:"and"`
}

// Parse reads genai-prices' data.json: a list of providers.
func Parse(data []byte) ([]Provider, error) {
	var ps []Provider
	if err := json.Unmarshal(data, &ps); err != nil {
		return nil, fmt.Errorf("parse genai-prices data: %w", err)
	}
	return ps, nil
}

// Matches reports whether the rule matches a model name. A regex that Go
// cannot compile matches nothing.
func (m Match) Matches(name string) bool {
	name = strings.ToLower(name)
	low := func(s *string) string { return strings.ToLower(*s) }
	switch {
	case m.Equals != nil:
		return name == low(m.Equals)
	case m.StartsWith != nil:
		return strings.HasPrefix(name, low(m.StartsWith))
	case m.EndsWith != nil:
		return strings.HasSuffix(name, low(m.EndsWith))
	case m.Contains != nil:
		return strings.Contains(name, low(m.Contains))
	case m.Regex != nil:
		re, err := regexp.Compile(*m.Regex)
		return err == nil && re.MatchString(name)
	case len(m.Or) > 0:
		for _, o := range m.Or {
			if o.Matches(name) {
				return true
			}
		}
		return false
	case len(m.And) > 0:
		for _, a := range m.And {
			if !a.Matches(name) {
				return false
			}
		}
		return true
	}
	return false
}

// Find returns the first model of p whose rule matches name, as the data's
// own lookup does.
func (p Provider) Find(name string) (Model, bool) {
	for _, m := range p.Models {
		if m.Match.Matches(name) {
			return m, true
		}
	}
	return Model{}, false
}

// priceSet is one set of a model's prices; a value is a number or a
// {base, tiers} object.
type priceSet struct {
	Input      value `json:"input_mtok"`
	Output     value `json:"output_mtok"`
	CacheRead  value `json:"cache_read_mtok"`
	CacheWrite value `json:"cache_write_mtok"`
}

// constrained is one entry of a list of price sets.
type constrained struct {
	Constraint *struct {
		StartDate string `json:"start_date"`
		StartTime string `json:"start_time"`
	} `json:"constraint"`
	Prices priceSet `json:"prices"`
}

// value is a price per 1M tokens with optional long-context tiers.
type value struct {
	Base  float64
	Tiers []struct {
		Start int     `json:"start"`
		Price float64 `json:"price"`
	}
}

func (v *value) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &v.Base); err == nil {
		return nil
	}
	var obj struct {
		Base  float64 `json:"base"`
		Tiers []struct {
			Start int     `json:"start"`
			Price float64 `json:"price"`
		} `json:"tiers"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return fmt.Errorf("price %s: want a number or {base, tiers}", b)
	}
	v.Base, v.Tiers = obj.Base, obj.Tiers
	return nil
}

// PriceOn returns the model's price current on a date: of a list of
// constrained sets, the last whose start_date has come. Sets that apply at
// a time of day only (DeepSeek's hours) are skipped; timed reports that
// the model has some.
func (m Model) PriceOn(on time.Time) (p pricing.Price, timed bool, err error) {
	var set priceSet
	if err := json.Unmarshal(m.Prices, &set); err == nil {
		return set.price(), false, nil
	}
	var list []constrained
	if err := json.Unmarshal(m.Prices, &list); err != nil || len(list) == 0 {
		return pricing.Price{}, false, fmt.Errorf("model %s: prices: want a set or a list of sets", m.ID)
	}
	set = list[0].Prices
	day := on.Format(time.DateOnly)
	for _, c := range list[1:] {
		switch {
		case c.Constraint == nil:
		case c.Constraint.StartTime != "":
			timed = true
		case c.Constraint.StartDate != "" && c.Constraint.StartDate <= day:
			set = c.Prices
		}
	}
	return set.price(), timed, nil
}

// price converts a set to a pricing.Price, one tier per tier start.
func (s priceSet) price() pricing.Price {
	p := pricing.Price{
		InputPerMTok:       s.Input.Base,
		OutputPerMTok:      s.Output.Base,
		CachedInputPerMTok: s.CacheRead.Base,
		CacheWritePerMTok:  s.CacheWrite.Base,
	}
	tiers := map[int]*pricing.Tier{}
	var starts []int
	for _, f := range []struct {
		v   value
		dst func(*pricing.Tier) *float64
	}{
		{s.Input, func(t *pricing.Tier) *float64 { return &t.Input }},
		{s.Output, func(t *pricing.Tier) *float64 { return &t.Output }},
		{s.CacheRead, func(t *pricing.Tier) *float64 { return &t.CachedInput }},
		{s.CacheWrite, func(t *pricing.Tier) *float64 { return &t.CacheWrite }},
	} {
		for _, tr := range f.v.Tiers {
			t, ok := tiers[tr.Start]
			if !ok {
				t = &pricing.Tier{AbovePromptTokens: tr.Start}
				tiers[tr.Start] = t
				starts = append(starts, tr.Start)
			}
			*f.dst(t) = tr.Price
		}
	}
	for _, s := range sortedInts(starts) {
		p.Tiers = append(p.Tiers, *tiers[s])
	}
	return p
}
