package dataset

import (
	"iter"
	"maps"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
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
	d.applyProviders(c)
	if len(c.Tools) == 0 {
		c.Tools = d.Tools
	}
	if c.ToolChoice == nil {
		c.ToolChoice = d.ToolChoice
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

// applyProviders gives the model-graded assertions of c that name no
// judge or embedding provider the suite's. The case's assertions are
// copied first: they may be shared.
func (d *Defaults) applyProviders(c *bench.Case) {
	if d.Provider == "" && d.EmbeddingProvider == "" {
		return
	}
	if out, changed := d.providersOf(c.Assert); changed {
		c.Assert = out
	}
}

// providersOf returns as with the suite's providers filled in, copied only
// when one changes; the members of an assert-set get them too.
func (d *Defaults) providersOf(as []bench.Assertion) ([]bench.Assertion, bool) {
	var out []bench.Assertion
	for i, a := range as {
		uses := eval.UsesOf(a.Type)
		b := a
		switch {
		case uses&eval.UsesJudge != 0:
			if b.Provider == "" {
				b.Provider = d.Provider
			}
			if uses&eval.UsesEmbedder != 0 && d.EmbeddingProvider != "" && b.Config["embedding_provider"] == nil {
				b.Config = mergeMaps(map[string]any{"embedding_provider": d.EmbeddingProvider}, b.Config)
			}
		case uses&eval.UsesEmbedder != 0 && b.Provider == "":
			b.Provider = d.EmbeddingProvider
		}
		members, changed := d.providersOf(a.Assert)
		b.Assert = members
		if !changed && b.Provider == a.Provider && len(b.Config) == len(a.Config) {
			continue
		}
		if out == nil {
			out = slices.Clone(as)
		}
		out[i] = b
	}
	if out == nil {
		return as, false
	}
	return out, true
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
