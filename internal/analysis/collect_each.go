package analysis

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// CollectEach streams results once and sums the metric per case for every
// provider in them: one Side each, sorted by provider. It is Collect for
// all providers in a single pass, for readers (reports) that want every
// column of a run without reading it once per provider. Memory grows with
// the number of (provider, case) pairs, not of results. A provider none of
// whose results has a value for the metric is an *InputError, as in
// Collect.
func CollectEach(ctx context.Context, source string, results iter.Seq2[bench.Result, error], m Metric) ([]*Side, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	sides := map[string]*Side{}
	names := map[string]map[string]bool{}
	read := 0
	for r, err := range results {
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", source, err)
		}
		if read++; read%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		s := sides[r.Provider]
		if s == nil {
			s = &Side{Source: source, Provider: r.Provider, cells: map[Key]cell{}}
			sides[r.Provider], names[r.Provider] = s, map[string]bool{}
		}
		s.add(&r, m, names[r.Provider])
	}
	if len(sides) == 0 {
		return nil, &InputError{Msg: fmt.Sprintf("%s holds no results", source)}
	}
	out := make([]*Side, 0, len(sides))
	for _, s := range sides {
		if len(s.cells) == 0 {
			return nil, noValues(s, m, names[s.Provider])
		}
		s.Cases = len(s.cells)
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Side) int { return cmp.Compare(a.Provider, b.Provider) })
	return out, nil
}
