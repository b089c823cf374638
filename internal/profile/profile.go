// Package profile keeps the model profiles current: it folds a finished
// run's results into per-(provider, model) sums (Builder), stores them as
// the run's contribution (store.ProfileStore, which replaces an earlier
// contribution of the same run, so folding twice counts once), and
// rebuilds every profile from the stored runs (Rebuild).
//
// The sums follow the run summary's definitions (internal/report):
// every result counts in Results, Passed follows the record's verdict,
// the mean score counts succeeded results with a case score, latency
// counts succeeded calls not answered from a cache, and the cost is the
// model's own, the judges' left out; a result without a price counts in
// Results but not in Priced.
package profile

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/stats"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Builder sums one run's results per (provider, model). Memory is bounded
// by the number of providers and tags, never by the number of results.
// The zero value is ready to use; it is not safe for concurrent use.
type Builder struct {
	parts map[store.ProfileKey]*part
}

type part struct {
	sums    store.ProfileStats
	latency stats.Sketch
}

// Add folds one result in.
func (b *Builder) Add(r *bench.Result) {
	k := store.ProfileKey{Provider: r.Provider, Model: r.Model}
	p := b.parts[k]
	if p == nil {
		if b.parts == nil {
			b.parts = map[store.ProfileKey]*part{}
		}
		p = &part{sums: store.ProfileStats{Provider: k.Provider, Model: k.Model}}
		b.parts[k] = p
	}
	s := &p.sums
	s.Results++
	if r.Passed {
		s.Passed++
	}
	s.Tokens.Prompt += int64(max(r.Tokens.Prompt, 0))
	s.Tokens.Completion += int64(max(r.Tokens.Completion, 0))
	s.Tokens.Cached += int64(max(r.Tokens.Cached, 0))
	s.Tokens.CacheWrite += int64(max(r.Tokens.CacheWrite, 0))
	s.Tokens.CacheWrite1h += int64(max(r.Tokens.CacheWrite1h, 0))
	if !r.Cost.Unknown && finite(r.Cost.Total) {
		s.Priced++
		s.CostUSD += r.Cost.Total - judgeCost(r.Metadata)
		s.PricedTokens += int64(max(r.Tokens.Prompt, 0) + max(r.Tokens.Completion, 0))
	}
	for _, tag := range r.Tags {
		c, ok := s.Tags[tag]
		if !ok && len(s.Tags) >= store.MaxProfileTags {
			continue
		}
		if s.Tags == nil {
			s.Tags = map[string]store.TagCount{}
		}
		c.Results++
		if r.Passed {
			c.Passed++
		}
		s.Tags[tag] = c
	}
	if r.Status != bench.StatusSuccess {
		return
	}
	s.Succeeded++
	if finite(r.Score) && caseScored(r) {
		s.Scored++
		s.ScoreSum += r.Score
	}
	if !r.Cached && finite(r.LatencyMs) && r.LatencyMs > 0 {
		p.latency.Add(r.LatencyMs)
		s.LatencyCount++
		s.LatencySumMs += r.LatencyMs
	}
}

// Parts returns the sums, sorted by provider and model, with their
// latency sketches encoded.
func (b *Builder) Parts() ([]store.ProfileStats, error) {
	out := make([]store.ProfileStats, 0, len(b.parts))
	for _, p := range b.parts {
		s := p.sums
		if s.LatencyCount > 0 {
			enc, err := p.latency.MarshalBinary()
			if err != nil {
				return nil, fmt.Errorf("profile %s %s: %w", s.Provider, s.Model, err)
			}
			s.Latency = enc
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(x, y store.ProfileStats) int {
		return cmp.Or(cmp.Compare(x.Provider, y.Provider), cmp.Compare(x.Model, y.Model))
	})
	return out, nil
}

// caseScored says whether r's case score is a score: a result none of
// whose verdicts was scored has a placeholder 0 (as the summary counts it).
func caseScored(r *bench.Result) bool {
	for _, s := range r.Scores {
		if !s.Unscored {
			return true
		}
	}
	return len(r.Scores) == 0
}

// judgeCost is the judges' part of a result's cost, which the runner
// records in the result's metadata (a float64 in memory, a float64 or
// json.Number read back).
func judgeCost(md map[string]any) float64 {
	var f float64
	switch v := md["judge_cost_usd"].(type) {
	case float64:
		f = v
	case json.Number:
		f, _ = v.Float64()
	}
	if !finite(f) || f < 0 {
		return 0
	}
	return f
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
