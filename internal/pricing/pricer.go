package pricing

import "github.com/llm-test-bench/llm-test-bench/bench"

// Pricer prices the calls of one run: the table with the run's price
// overrides. A call of a model that neither prices costs bench.Cost with
// Unknown set, never a silent zero; a free vendor (see Table.Free) costs
// zero and is known. A Pricer is immutable and safe for concurrent use.
type Pricer struct {
	table *Table
}

// NewPricer returns a Pricer of t with overrides winning over it, keyed
// "vendor:model" or "model" as WithOverrides takes them (ConfigOverrides
// builds them from the configuration). A nil t is the embedded table.
func NewPricer(t *Table, overrides map[string]Price) *Pricer {
	if t == nil {
		t = Default()
	}
	if len(overrides) > 0 {
		t = t.WithOverrides(overrides)
	}
	return &Pricer{table: t}
}

// Cost prices one call of a vendor's model. answered is the model the
// response names, often a dated snapshot of the one requested, and is tried
// first; requested, the model the call asked for, is tried next (Bedrock's
// answers name the model without the region profile that sets its price).
// Either may be empty. When neither is priced the cost is
// {Unknown: true, Currency: "USD"}.
func (p *Pricer) Cost(vendor, requested, answered string, u bench.Usage) bench.Cost {
	for _, m := range [2]string{answered, requested} {
		if m == "" {
			continue
		}
		if c, ok := p.table.Cost(vendor, m, u); ok {
			return c
		}
	}
	return bench.Cost{Currency: Currency, Unknown: true}
}

// Priced reports whether calls of a vendor's model have a known cost: the
// table or an override prices it, or the vendor is free. A run can refuse a
// spending limit it could not enforce when a target is not priced.
func (p *Pricer) Priced(vendor, model string) bool {
	_, ok := p.table.Lookup(vendor, model)
	return ok
}

// AsOf returns the date, YYYY-MM-DD, on which the table's prices were current.
func (p *Pricer) AsOf() string { return p.table.AsOf() }

// Source names where the table's prices came from.
func (p *Pricer) Source() string { return p.table.Source() }
