package profile_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/profile"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "p.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// result i of a run: every third fails, every fifth errors, every fourth
// was cached; two of ten carry an unscored-only verdict.
func result(runID, provider string, i int) bench.Result {
	r := bench.Result{
		ID: fmt.Sprintf("%s-%s-%d", runID, provider, i), RunID: runID, CaseID: fmt.Sprintf("c%d", i), PromptID: "p",
		Provider: provider, Model: "m-" + provider, Status: bench.StatusSuccess, Passed: i%3 != 0, Score: 0.5,
		LatencyMs: float64(100 + i), Tokens: bench.Usage{Prompt: 10, Completion: 5, Cached: 1, Total: 15},
		Cost:   bench.Cost{Total: 0.01, Currency: "USD"},
		Scores: map[string]bench.Score{"contains": {Score: 0.5, Pass: i%3 != 0}},
		Tags:   []string{"math"}, Metadata: map[string]any{"judge_cost_usd": 0.002},
	}
	if i%5 == 0 {
		r.Status, r.Passed = bench.StatusError, false
	}
	if i%4 == 0 {
		r.Cached = true
	}
	if i%10 == 7 {
		r.Scores = map[string]bench.Score{"judge": {Unscored: true}}
	}
	return r
}

func mkRun(t *testing.T, s store.Store, id string, status bench.RunStatus, kind string, providers ...string) {
	t.Helper()
	now := store.Now()
	run := &bench.Run{ID: id, Status: status, Config: map[string]any{kind: map[string]any{}}, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateRun(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	var rs []bench.Result
	for _, p := range providers {
		for i := range 20 {
			rs = append(rs, result(id, p, i))
		}
	}
	if err := s.WriteResults(t.Context(), rs); err != nil {
		t.Fatal(err)
	}
}

func TestBuilderSums(t *testing.T) {
	t.Parallel()
	var b profile.Builder
	for i := range 20 {
		r := result("r", "a", i)
		b.Add(&r)
	}
	parts, err := b.Parts()
	if err != nil || len(parts) != 1 {
		t.Fatalf("Parts = %v, %v", parts, err)
	}
	p := parts[0]
	p.Latency = nil
	// 20 results: 4 errored (0, 5, 10, 15); passing: not a multiple of 3
	// nor errored (11); scored: succeeded but 7 and 17; latency: succeeded
	// and not cached (4, 8, 12, 16 were cached).
	want := store.ProfileStats{
		Provider: "a", Model: "m-a", Results: 20, Succeeded: 16, Passed: 11, Scored: 14, ScoreSum: 7,
		Priced: 20, CostUSD: 20 * 0.008, PricedTokens: 300,
		Tokens:       store.TokenSums{Prompt: 200, Completion: 100, Cached: 20},
		LatencyCount: 12, LatencySumMs: 12*100 + (1 + 2 + 3 + 6 + 7 + 9 + 11 + 13 + 14 + 17 + 18 + 19),
		Tags: map[string]store.TagCount{"math": {Results: 20, Passed: 11}},
	}
	if d := cmp.Diff(want, p, cmpopts.EquateApprox(0, 1e-12)); d != "" {
		t.Errorf("sums (-want +got):\n%s", d)
	}
}

// Folding a run twice counts it once, eval and unfinished runs are left
// out, and a rebuild from the stored runs gives the same profiles.
func TestFoldIdempotentAndRebuild(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	ctx := t.Context()
	mkRun(t, s, "run-1", bench.RunCompleted, "bench", "a", "b")
	time.Sleep(time.Millisecond)
	mkRun(t, s, "run-2", bench.RunCancelled, "bench", "a")
	mkRun(t, s, "run-eval", bench.RunCompleted, "eval", "a")
	mkRun(t, s, "run-live", bench.RunRunning, "bench", "a")
	for _, id := range []string{"run-1", "run-2"} {
		if _, err := profile.FoldRun(ctx, s, id); err != nil {
			t.Fatal(err)
		}
	}
	once, err := s.Profiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(once) != 2 || once[0].Results != 40 || once[0].Runs != 2 || once[1].Results != 20 {
		t.Fatalf("profiles %+v", once)
	}
	if _, err := profile.FoldRun(ctx, s, "run-1"); err != nil {
		t.Fatal(err)
	}
	twice, _ := s.Profiles(ctx)
	ignore := cmp.Options{cmpopts.IgnoreFields(store.ModelProfile{}, "UpdatedAt", "LastRunID"), cmpopts.EquateApprox(0, 1e-12)}
	if d := cmp.Diff(once, twice, ignore); d != "" {
		t.Errorf("folding run-1 again changed the profiles (-once +twice):\n%s", d)
	}
	n, err := profile.Rebuild(ctx, s)
	if err != nil || n.Runs != 2 || n.Results != 60 {
		t.Fatalf("Rebuild = %+v, %v; want 2 runs, 60 results (eval and live runs left out)", n, err)
	}
	rebuilt, _ := s.Profiles(ctx)
	if d := cmp.Diff(once, rebuilt, cmpopts.IgnoreFields(store.ModelProfile{}, "UpdatedAt"), cmpopts.EquateApprox(0, 1e-12)); d != "" {
		t.Errorf("rebuild differs (-hooks +rebuild):\n%s", d)
	}
}
