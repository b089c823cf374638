package store

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/stats"
)

// ProfileStore keeps the model profiles that `optimize` reads: one per
// (provider, model), the sums of every run folded into it. Each run's
// contribution is kept beside the profiles, so folding a run again
// replaces its contribution rather than counting it twice, and a profile
// can always be recomputed from the contributions.
type ProfileStore interface {
	// FoldProfiles makes parts the contribution of runID to the profiles,
	// in one transaction: when the run was folded before, its earlier
	// contribution is taken out first (so folding a run twice counts it
	// once, and folding a continued run counts its results once). A part
	// with no results is skipped; nil parts remove the run's contribution.
	FoldProfiles(ctx context.Context, runID string, parts []ProfileStats) error
	// Profiles returns every profile, sorted by provider and model.
	Profiles(ctx context.Context) ([]ModelProfile, error)
	// ResetProfiles deletes every profile and contribution, before a
	// rebuild from the stored runs.
	ResetProfiles(ctx context.Context) error
}

// MaxProfileTags bounds the tags whose pass counts a profile keeps
// (ProfileStats.Tags); tags met once it is full are not counted.
const MaxProfileTags = 256

// TagCount is a tag's results and passes, the profile's strengths.
type TagCount struct {
	Results int64 `json:"results"`
	Passed  int64 `json:"passed"`
}

// ProfileStats are the sums a profile is made of. Two add exactly (Add):
// counts and token sums are integers, the latency sketch merges.
//
// Results counts every result (sample_count); Succeeded those whose call
// succeeded and Passed those that passed. Scored and ScoreSum are the
// succeeded results with a case score, as a summary's mean score counts
// them. Priced counts the results whose model cost is known and CostUSD
// sums it, the judges' cost left out. The token sums are over every
// result. LatencyCount, LatencySumMs and Latency (an encoded stats.Sketch,
// nil when empty) are over succeeded calls not answered from a cache.
type ProfileStats struct {
	Provider  string
	Model     string
	Results   int64
	Succeeded int64
	Passed    int64
	Scored    int64
	ScoreSum  float64
	Priced    int64
	CostUSD   float64
	// PricedTokens sums the prompt and completion tokens of the priced
	// results, CostUSD's tokens.
	PricedTokens int64
	Tokens       TokenSums
	// LatencyCount is the number of latencies in the sketch.
	LatencyCount int64
	LatencySumMs float64
	Latency      []byte
	// Tags maps a result tag to its counts, at most MaxProfileTags tags.
	Tags map[string]TagCount
}

// TokenSums are sums of bench.Usage counts.
type TokenSums struct {
	Prompt       int64
	Completion   int64
	Cached       int64
	CacheWrite   int64
	CacheWrite1h int64
}

// ModelProfile is one (provider, model)'s profile: the sums of its runs,
// how many runs those are, the run folded in last and when.
type ModelProfile struct {
	ProfileStats
	Runs      int64
	LastRunID string
	UpdatedAt time.Time
}

// Add adds o's sums to p. o's provider and model are not checked.
func (p *ProfileStats) Add(o *ProfileStats) error {
	p.Results += o.Results
	p.Succeeded += o.Succeeded
	p.Passed += o.Passed
	p.Scored += o.Scored
	p.ScoreSum += o.ScoreSum
	p.Priced += o.Priced
	p.CostUSD += o.CostUSD
	p.PricedTokens += o.PricedTokens
	p.Tokens.Prompt += o.Tokens.Prompt
	p.Tokens.Completion += o.Tokens.Completion
	p.Tokens.Cached += o.Tokens.Cached
	p.Tokens.CacheWrite += o.Tokens.CacheWrite
	p.Tokens.CacheWrite1h += o.Tokens.CacheWrite1h
	p.LatencyCount += o.LatencyCount
	p.LatencySumMs += o.LatencySumMs
	if len(o.Tags) > 0 {
		// A new map, so that a copy of p sharing its map is left alone.
		tags := make(map[string]TagCount, max(len(p.Tags), len(o.Tags)))
		maps.Copy(tags, p.Tags)
		for tag, c := range o.Tags {
			have, ok := tags[tag]
			if !ok && len(tags) >= MaxProfileTags {
				continue
			}
			tags[tag] = TagCount{Results: have.Results + c.Results, Passed: have.Passed + c.Passed}
		}
		p.Tags = tags
	}
	if len(o.Latency) == 0 {
		return nil
	}
	if len(p.Latency) == 0 {
		p.Latency = append([]byte(nil), o.Latency...)
		return nil
	}
	var a, b stats.Sketch
	if err := a.UnmarshalBinary(p.Latency); err != nil {
		return fmt.Errorf("profile %s %s: %w", p.Provider, p.Model, err)
	}
	if err := b.UnmarshalBinary(o.Latency); err != nil {
		return fmt.Errorf("profile %s %s: %w", o.Provider, o.Model, err)
	}
	a.Merge(&b)
	enc, err := a.MarshalBinary()
	if err != nil {
		return fmt.Errorf("profile %s %s: %w", p.Provider, p.Model, err)
	}
	p.Latency = enc
	return nil
}

// PassRate is Passed / Results, 0 without results (the seed's
// typical_quality).
func (p *ProfileStats) PassRate() float64 {
	if p.Results == 0 {
		return 0
	}
	return float64(p.Passed) / float64(p.Results)
}

// MeanLatencyMs is the exact mean latency; ok is false when none was
// measured (the seed's avg_latency_ms).
func (p *ProfileStats) MeanLatencyMs() (ms float64, ok bool) {
	if p.LatencyCount == 0 {
		return 0, false
	}
	return p.LatencySumMs / float64(p.LatencyCount), true
}

// CostPer1KTokens is the measured model cost per 1000 prompt and
// completion tokens of the priced results; ok is false when they have no
// tokens (the seed's cost_per_1k_tokens).
func (p *ProfileStats) CostPer1KTokens() (usd float64, ok bool) {
	if p.PricedTokens == 0 {
		return 0, false
	}
	return p.CostUSD / float64(p.PricedTokens) * 1000, true
}

// ProfileKey names a profile.
type ProfileKey struct{ Provider, Model string }

// ProfileTx is what FoldInto needs of a backend's transaction: row-level
// reads and writes of the two tables, each backend in its own dialect.
type ProfileTx interface {
	// RunParts returns the keys of runID's contributions.
	RunParts(ctx context.Context, runID string) ([]ProfileKey, error)
	// DeleteRunParts removes runID's contributions.
	DeleteRunParts(ctx context.Context, runID string) error
	// InsertPart stores one contribution of runID.
	InsertPart(ctx context.Context, runID string, p *ProfileStats, at time.Time) error
	// PartsOf calls fn with every contribution to k, in run id order, and
	// returns the number of them and the greatest run id.
	PartsOf(ctx context.Context, k ProfileKey, fn func(*ProfileStats) error) (n int64, lastRun string, err error)
	// GetProfile returns k's profile; nil, nil when there is none.
	GetProfile(ctx context.Context, k ProfileKey) (*ModelProfile, error)
	// PutProfile inserts or replaces p.
	PutProfile(ctx context.Context, p *ModelProfile) error
	// DeleteProfile removes k's profile.
	DeleteProfile(ctx context.Context, k ProfileKey) error
}

// FoldInto is FoldProfiles on a backend's transaction, the same for both
// backends. A run folded for the first time is added to its profiles; a
// run folded before has its contributions replaced and each profile it
// touches, before or now, is recomputed from its contributions, so a
// profile is always the sum of its runs' contributions.
func FoldInto(ctx context.Context, tx ProfileTx, runID string, parts []ProfileStats, at time.Time) error {
	old, err := tx.RunParts(ctx, runID)
	if err != nil {
		return fmt.Errorf("contributions of run %s: %w", runID, err)
	}
	if len(old) > 0 {
		if err := tx.DeleteRunParts(ctx, runID); err != nil {
			return fmt.Errorf("remove contributions of run %s: %w", runID, err)
		}
	}
	seen := map[ProfileKey]bool{}
	for i := range parts {
		k := ProfileKey{parts[i].Provider, parts[i].Model}
		if seen[k] {
			return fmt.Errorf("fold run %s: two contributions to %s %s", runID, k.Provider, k.Model)
		}
		seen[k] = true
	}
	touched := map[ProfileKey]bool{}
	for _, k := range old {
		touched[k] = true
	}
	for i := range parts {
		p := &parts[i]
		if p.Results == 0 {
			continue
		}
		if err := tx.InsertPart(ctx, runID, p, at); err != nil {
			return fmt.Errorf("store contribution of run %s to %s %s: %w", runID, p.Provider, p.Model, err)
		}
		k := ProfileKey{p.Provider, p.Model}
		if len(old) > 0 {
			touched[k] = true
			continue
		}
		if err := addToProfile(ctx, tx, k, runID, p, at); err != nil {
			return err
		}
	}
	for k := range touched {
		if err := recompute(ctx, tx, k, runID, at); err != nil {
			return err
		}
	}
	return nil
}

// addToProfile adds one new contribution to its profile.
func addToProfile(ctx context.Context, tx ProfileTx, k ProfileKey, runID string, p *ProfileStats, at time.Time) error {
	prof, err := tx.GetProfile(ctx, k)
	if err != nil {
		return fmt.Errorf("read profile %s %s: %w", k.Provider, k.Model, err)
	}
	if prof == nil {
		prof = &ModelProfile{ProfileStats: ProfileStats{Provider: k.Provider, Model: k.Model}}
	}
	if err := prof.Add(p); err != nil {
		return err
	}
	prof.Runs++
	prof.LastRunID, prof.UpdatedAt = runID, at
	if err := tx.PutProfile(ctx, prof); err != nil {
		return fmt.Errorf("save profile %s %s: %w", k.Provider, k.Model, err)
	}
	return nil
}

// recompute sets k's profile to the sum of its contributions, or deletes
// it when none is left. LastRunID is runID when runID still contributes,
// else the newest contributing run.
func recompute(ctx context.Context, tx ProfileTx, k ProfileKey, runID string, at time.Time) error {
	prof := &ModelProfile{ProfileStats: ProfileStats{Provider: k.Provider, Model: k.Model}}
	contributes := false
	n, last, err := tx.PartsOf(ctx, k, func(p *ProfileStats) error { return prof.Add(p) })
	if err != nil {
		return fmt.Errorf("recompute profile %s %s: %w", k.Provider, k.Model, err)
	}
	if n == 0 {
		if err := tx.DeleteProfile(ctx, k); err != nil {
			return fmt.Errorf("delete profile %s %s: %w", k.Provider, k.Model, err)
		}
		return nil
	}
	keys, err := tx.RunParts(ctx, runID)
	if err != nil {
		return fmt.Errorf("contributions of run %s: %w", runID, err)
	}
	for _, rk := range keys {
		contributes = contributes || rk == k
	}
	prof.Runs, prof.LastRunID, prof.UpdatedAt = n, last, at
	if contributes {
		prof.LastRunID = runID
	}
	if err := tx.PutProfile(ctx, prof); err != nil {
		return fmt.Errorf("save profile %s %s: %w", k.Provider, k.Model, err)
	}
	return nil
}
