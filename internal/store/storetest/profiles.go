package storetest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sync/errgroup"

	"github.com/llm-test-bench/llm-test-bench/internal/stats"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// profileTests is the ProfileStore section.
var profileTests = []test{
	{"FoldAdds", testFoldAdds},
	{"FoldTwiceCountsOnce", testFoldTwice},
	{"FoldReplaces", testFoldReplaces},
	{"Reset", testResetProfiles},
	{"ConcurrentFolds", testConcurrentFolds},
}

// sketchOf encodes a latency sketch of values (ms).
func sketchOf(t *testing.T, values ...float64) []byte {
	t.Helper()
	var s stats.Sketch
	for _, v := range values {
		s.Add(v)
	}
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// part is a contribution with every sum set from n.
func part(t *testing.T, provider, model string, n int64, latencies ...float64) store.ProfileStats {
	sum := 0.0
	for _, v := range latencies {
		sum += v
	}
	p := store.ProfileStats{
		Provider: provider, Model: model, Results: n, Succeeded: n - 1, Passed: n / 2, Scored: n - 1, ScoreSum: 0.25 * float64(n),
		Priced: n - 1, CostUSD: 0.001 * float64(n), PricedTokens: 30 * (n - 1),
		Tokens:       store.TokenSums{Prompt: 20 * n, Completion: 10 * n, Cached: n, CacheWrite: 2, CacheWrite1h: 1},
		LatencyCount: int64(len(latencies)), LatencySumMs: sum,
		Tags: map[string]store.TagCount{"math": {Results: n, Passed: n / 2}},
	}
	if len(latencies) > 0 {
		p.Latency = sketchOf(t, latencies...)
	}
	return p
}

func profiles(t *testing.T, s store.Store) []store.ModelProfile {
	t.Helper()
	ps, err := s.Profiles(ctxT(t))
	if err != nil {
		t.Fatalf("Profiles: %v", err)
	}
	return ps
}

func fold(t *testing.T, s store.Store, runID string, parts ...store.ProfileStats) {
	t.Helper()
	if err := s.FoldProfiles(ctxT(t), runID, parts); err != nil {
		t.Fatalf("FoldProfiles(%s): %v", runID, err)
	}
}

// latencyCount decodes a profile's sketch and returns its count and median.
func latencyCount(t *testing.T, b []byte) (int64, float64) {
	t.Helper()
	var s stats.Sketch
	if err := s.UnmarshalBinary(b); err != nil {
		t.Fatalf("profile sketch: %v", err)
	}
	return s.Count(), s.Quantile(0.5)
}

// sumsOnly compares profiles without the sketch bytes (whose encoding may
// differ after a merge) and the fold time.
var sumsOnly = cmp.Options{
	cmpopts.IgnoreFields(store.ProfileStats{}, "Latency"),
	cmpopts.IgnoreFields(store.ModelProfile{}, "UpdatedAt"),
	cmpopts.EquateApprox(0, 1e-12),
}

func testFoldAdds(t *testing.T, s store.Store) {
	a1, a2 := part(t, "openai", "gpt-4o", 4, 100, 200, 300), part(t, "sim:x", "x", 2)
	a2.Tags = nil
	fold(t, s, "run-a", a1, a2, store.ProfileStats{Provider: "empty", Model: "m"})
	got := profiles(t, s)
	want := []store.ModelProfile{
		{ProfileStats: a1, Runs: 1, LastRunID: "run-a"},
		{ProfileStats: a2, Runs: 1, LastRunID: "run-a"},
	}
	if d := cmp.Diff(want, got, sumsOnly); d != "" {
		t.Fatalf("after one fold (-want +got):\n%s", d)
	}
	if got[0].UpdatedAt.IsZero() || got[1].Latency != nil || got[1].Tags != nil {
		t.Errorf("UpdatedAt %v, empty sketch %v, empty tags %v: want a time, nil, nil", got[0].UpdatedAt, got[1].Latency, got[1].Tags)
	}
	if n, p50 := latencyCount(t, got[0].Latency); n != 3 || p50 < 199 || p50 > 201 {
		t.Errorf("sketch: %d values, median %v; want 3, 200", n, p50)
	}

	b1 := part(t, "openai", "gpt-4o", 6, 400, 500)
	b1.Tags["code"] = store.TagCount{Results: 1}
	fold(t, s, "run-b", b1)
	got = profiles(t, s)
	sum := a1
	if err := sum.Add(&b1); err != nil {
		t.Fatal(err)
	}
	if sum.Results != 10 || sum.Tags["math"] != (store.TagCount{Results: 10, Passed: 5}) {
		t.Fatalf("Add: %+v", sum)
	}
	want[0] = store.ModelProfile{ProfileStats: sum, Runs: 2, LastRunID: "run-b"}
	if d := cmp.Diff(want, got, sumsOnly); d != "" {
		t.Fatalf("after two folds (-want +got):\n%s", d)
	}
	if n, p50 := latencyCount(t, got[0].Latency); n != 5 || p50 < 299 || p50 > 301 {
		t.Errorf("merged sketch: %d values, median %v; want 5, 300", n, p50)
	}
	if q := got[0].PassRate(); q != 0.5 {
		t.Errorf("PassRate = %v, want 0.5", q)
	}
	if ms, ok := got[0].MeanLatencyMs(); !ok || ms != 300 {
		t.Errorf("MeanLatencyMs = %v, %v; want 300", ms, ok)
	}
	if c, ok := got[0].CostPer1KTokens(); !ok || fmt.Sprintf("%.6f", c) != fmt.Sprintf("%.6f", 0.01/240*1000) {
		t.Errorf("CostPer1KTokens = %v, %v", c, ok)
	}
}

func testFoldTwice(t *testing.T, s store.Store) {
	a := part(t, "openai", "gpt-4o", 4, 100, 200)
	b := part(t, "openai", "gpt-4o", 2, 50)
	fold(t, s, "run-a", a)
	fold(t, s, "run-b", b)
	once := profiles(t, s)
	fold(t, s, "run-a", a)
	fold(t, s, "run-b", b)
	fold(t, s, "run-a", a)
	twice := profiles(t, s)
	// LastRunID names the run folded last, checked below.
	if d := cmp.Diff(once, twice, sumsOnly, cmpopts.IgnoreFields(store.ModelProfile{}, "LastRunID")); d != "" {
		t.Fatalf("folding again changed the profile (-once +again):\n%s", d)
	}
	if n, _ := latencyCount(t, twice[0].Latency); n != 3 || twice[0].Runs != 2 || twice[0].LastRunID != "run-a" {
		t.Errorf("sketch holds %d values, runs %d, last run %q; want 3, 2, run-a", n, twice[0].Runs, twice[0].LastRunID)
	}
}

func testFoldReplaces(t *testing.T, s store.Store) {
	fold(t, s, "run-a", part(t, "openai", "gpt-4o", 4, 100), part(t, "anthropic", "claude", 3, 10))
	b := part(t, "openai", "gpt-4o", 2, 50)
	fold(t, s, "run-b", b)
	// run-a continued: more results for gpt-4o, none for claude now.
	a2 := part(t, "openai", "gpt-4o", 8, 100, 150)
	fold(t, s, "run-a", a2)
	got := profiles(t, s)
	sum := b
	if err := sum.Add(&a2); err != nil {
		t.Fatal(err)
	}
	want := []store.ModelProfile{{ProfileStats: sum, Runs: 2, LastRunID: "run-a"}}
	if d := cmp.Diff(want, got, sumsOnly); d != "" {
		t.Fatalf("after replacing a run (-want +got):\n%s", d)
	}
	if n, _ := latencyCount(t, got[0].Latency); n != 3 {
		t.Errorf("sketch holds %d values, want 3", n)
	}
	// Removing run-a's contribution leaves run-b's alone.
	fold(t, s, "run-a")
	want = []store.ModelProfile{{ProfileStats: b, Runs: 1, LastRunID: "run-b"}}
	if d := cmp.Diff(want, profiles(t, s), sumsOnly); d != "" {
		t.Fatalf("after removing a run (-want +got):\n%s", d)
	}
	// Two contributions to one model in one fold are refused.
	x := part(t, "openai", "gpt-4o", 1)
	if err := s.FoldProfiles(ctxT(t), "run-c", []store.ProfileStats{x, x}); err == nil {
		t.Error("FoldProfiles with a duplicate model succeeded")
	}
	if d := cmp.Diff(want, profiles(t, s), sumsOnly); d != "" {
		t.Fatalf("a refused fold changed the profiles (-want +got):\n%s", d)
	}
}

func testResetProfiles(t *testing.T, s store.Store) {
	fold(t, s, "run-a", part(t, "openai", "gpt-4o", 4, 100))
	if err := s.ResetProfiles(ctxT(t)); err != nil {
		t.Fatalf("ResetProfiles: %v", err)
	}
	if got := profiles(t, s); len(got) != 0 {
		t.Fatalf("profiles after reset: %+v", got)
	}
	// The run's contribution went too: folding it again counts it once.
	fold(t, s, "run-a", part(t, "openai", "gpt-4o", 4, 100))
	if got := profiles(t, s); len(got) != 1 || got[0].Results != 4 || got[0].Runs != 1 {
		t.Fatalf("profiles after reset and fold: %+v", got)
	}
}

func testConcurrentFolds(t *testing.T, s store.Store) {
	const runs = 8
	var g errgroup.Group
	for i := range runs {
		g.Go(func() error {
			return s.FoldProfiles(ctxT(t), fmt.Sprintf("run-%d", i), []store.ProfileStats{part(t, "openai", "gpt-4o", 3, float64(10*(i+1)))})
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("concurrent FoldProfiles: %v", err)
	}
	got := profiles(t, s)
	if len(got) != 1 || got[0].Results != 3*runs || got[0].Runs != runs || got[0].LatencyCount != runs {
		t.Fatalf("profiles after %d concurrent folds: %+v", runs, got)
	}
	if n, _ := latencyCount(t, got[0].Latency); n != runs {
		t.Errorf("sketch holds %d values, want %d", n, runs)
	}
}
