package dataset

import (
	"iter"
	"maps"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Cases streams the suite's test cases in file order, with defaults applied
// and Source set. JSONL and CSV files are read one record at a time, so
// memory does not grow with the file. On the first error it yields
// (zero Case, *LoadError naming file:line and case id) and stops.
func (s *Suite) Cases() iter.Seq2[bench.Case, error] {
	return func(yield func(bench.Case, error) bool) {
		if s.src == nil {
			return
		}
		s.src.each(func(c bench.Case, err error) bool {
			if err != nil {
				yield(bench.Case{}, err)
				return false
			}
			s.Defaults.apply(&c)
			return yield(c, nil)
		})
	}
}

// apply merges the defaults into c; c's own values win.
func (d *Defaults) apply(c *bench.Case) {
	c.Config = mergeMaps(d.Config, c.Config)
	c.Variables = mergeMaps(d.Variables, c.Variables)
	c.Metadata = mergeMaps(d.Metadata, c.Metadata)
	if len(d.Assert) > 0 {
		as := make([]bench.Assertion, 0, len(c.Assert)+len(d.Assert))
		as = append(as, c.Assert...)
		as = append(as, d.Assert...)
		c.Assert = as
	}
	if c.Threshold == nil && d.Threshold != nil {
		t := *d.Threshold
		c.Threshold = &t
	}
	for _, t := range d.Tags {
		if !contains(c.Tags, t) {
			c.Tags = append(c.Tags, t)
		}
	}
}

// mergeMaps returns base overlaid with own, sharing nothing with base.
func mergeMaps(base, own map[string]any) map[string]any {
	if len(base) == 0 {
		return own
	}
	out := make(map[string]any, len(base)+len(own))
	maps.Copy(out, base)
	maps.Copy(out, own)
	return out
}
