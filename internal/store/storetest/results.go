package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// resultWriterTests is the ResultWriter section.
var resultWriterTests = []test{
	{"RoundTrip", testResultRoundTrip},
	{"Upsert", testUpsert},
	{"BatchOrder", testBatchOrder},
	{"Cancellation", testCancellation},
	{"ConcurrentWriters", testConcurrentWriters},
	{"DeleteRunDeletesResults", testDeleteRunDeletesResults},
	{"UnknownRun", testUnknownRun},
}

// resultReaderTests is the ResultReader section.
var resultReaderTests = []test{
	{"Filters", testFilters},
	{"Keys", testKeys},
	{"Totals", testTotals},
	{"EarlyBreak", testEarlyBreak},
}

func mustWrite(t *testing.T, s store.Store, rs []bench.Result) {
	t.Helper()
	if err := s.WriteResults(ctxT(t), rs); err != nil {
		t.Fatalf("WriteResults(%d): %v", len(rs), err)
	}
}

func testResultRoundTrip(t *testing.T, s store.Store) {
	mustCreate(t, s, newRun("rt", 0))
	full := fullResult("rt", 1)
	full.CreatedAt = full.CreatedAt.In(time.FixedZone("Y", -7*3600))
	minimal := bench.Result{ID: "res-min", RunID: "rt", CaseID: "c", Status: bench.StatusError,
		CreatedAt: epoch.Add(time.Hour)}
	emptyMaps := bench.Result{ID: "res-empty", RunID: "rt", CaseID: "e", Status: bench.StatusSkipped,
		Scores: map[string]bench.Score{}, Tags: []string{}, Metadata: map[string]any{}, CreatedAt: epoch.Add(2 * time.Hour)}
	mustWrite(t, s, []bench.Result{full, minimal, emptyMaps})

	wantFull := full
	wantFull.CreatedAt = full.CreatedAt.UTC()
	wantMin := minimal
	wantMin.Scores, wantMin.Tags, wantMin.Metadata = map[string]bench.Score{}, []string{}, map[string]any{}
	want := []bench.Result{wantFull, wantMin, emptyMaps}
	if d := cmp.Diff(want, collect(t, s, "rt", store.ResultFilter{})); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}

	stamped := bench.Result{ID: "res-stamped", RunID: "rt", CaseID: "z", Status: bench.StatusSuccess}
	before := store.Now()
	mustWrite(t, s, []bench.Result{stamped})
	got := collect(t, s, "rt", store.ResultFilter{Status: bench.StatusSuccess})
	if len(got) != 2 || got[1].ID != "res-stamped" {
		t.Fatalf("stamped result missing: %v", ids(got))
	}
	if at := got[1].CreatedAt; at.Before(before) || at.After(store.Now()) || at.Location() != time.UTC {
		t.Errorf("zero CreatedAt stamped as %v, want UTC between %v and now", at, before)
	}
}

func testUpsert(t *testing.T, s store.Store) {
	mustCreate(t, s, newRun("up", 0))
	first := fullResult("up", 1)
	mustWrite(t, s, []bench.Result{first, fullResult("up", 2)})

	retry := first
	retry.ID = "res-retry"
	retry.Status, retry.Response, retry.Error = bench.StatusSuccess, "four", nil
	retry.Scores = map[string]bench.Score{"x": {Score: 1, Pass: true}}
	retry.Tags, retry.Metadata = []string{"retried"}, map[string]any{"attempt": 2.0}
	retry.CreatedAt = first.CreatedAt.Add(time.Hour)
	mustWrite(t, s, []bench.Result{retry})
	mustWrite(t, s, []bench.Result{retry}) // idempotent

	got := collect(t, s, "up", store.ResultFilter{})
	if d := cmp.Diff([]bench.Result{fullResult("up", 2), retry}, got); d != "" {
		t.Errorf("after upsert (-want +got):\n%s", d)
	}

	// The same key twice in one batch: the later record wins.
	a, b := fullResult("up", 7), fullResult("up", 7)
	b.ID, b.Response = "res-later", "later"
	mustWrite(t, s, []bench.Result{a, b})
	got = collect(t, s, "up", store.ResultFilter{})
	if d := cmp.Diff([]string{"res-00002", "res-later", "res-retry"}, ids(got)); d != "" {
		t.Errorf("same key in one batch (-want +got):\n%s", d)
	}
}

func testBatchOrder(t *testing.T, s store.Store) {
	mustCreate(t, s, newRun("batch", 0))
	const n = 1000
	all := make([]bench.Result, 0, n)
	for i := n - 1; i >= 0; i-- { // written in reverse; read back by created_at, then id
		r := fullResult("batch", i)
		r.CreatedAt = epoch.Add(time.Duration(i/10) * time.Microsecond) // ten share each instant
		all = append(all, r)
	}
	for b := 0; b < n; b += 250 {
		mustWrite(t, s, all[b:b+250])
	}
	got := collect(t, s, "batch", store.ResultFilter{})
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("res-%05d", i)
	}
	if d := cmp.Diff(want, ids(got)); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
}

func filterFixture(t *testing.T, s store.Store, runID string) {
	t.Helper()
	mustCreate(t, s, newRun(runID, 0))
	var rs []bench.Result
	statuses := []bench.Status{bench.StatusSuccess, bench.StatusError, bench.StatusTimeout}
	for i := range 12 {
		r := fullResult(runID, i)
		r.Status = statuses[i%3]
		r.Provider = []string{"openai", "anthropic"}[i%2]
		r.Passed = i%4 == 0
		rs = append(rs, r)
	}
	mustWrite(t, s, rs)
}

func testFilters(t *testing.T, s store.Store) {
	filterFixture(t, s, "flt")
	yes, no := true, false
	tests := []struct {
		name string
		f    store.ResultFilter
		want []int
	}{
		{"none", store.ResultFilter{}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{"status", store.ResultFilter{Status: bench.StatusError}, []int{1, 4, 7, 10}},
		{"provider", store.ResultFilter{Provider: "anthropic"}, []int{1, 3, 5, 7, 9, 11}},
		{"passed", store.ResultFilter{Passed: &yes}, []int{0, 4, 8}},
		{"failed", store.ResultFilter{Passed: &no, Provider: "openai"}, []int{2, 6, 10}},
		{"limit", store.ResultFilter{Limit: 2}, []int{0, 1}},
		{"offset", store.ResultFilter{Offset: 10}, []int{10, 11}},
		{"limit offset status", store.ResultFilter{Status: bench.StatusSuccess, Limit: 2, Offset: 1}, []int{3, 6}},
		{"no match", store.ResultFilter{Provider: "nobody"}, []int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := make([]string, len(tc.want))
			for i, n := range tc.want {
				want[i] = fmt.Sprintf("res-%05d", n)
			}
			if d := cmp.Diff(want, ids(collect(t, s, "flt", tc.f))); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	if got := collect(t, s, "other-run", store.ResultFilter{}); len(got) != 0 {
		t.Errorf("results of a run without results = %v", ids(got))
	}
}

func testKeys(t *testing.T, s store.Store) {
	filterFixture(t, s, "keys")
	key := func(i int) bench.Key {
		p := []string{"openai", "anthropic"}[i%2]
		return bench.Key{CaseID: fmt.Sprintf("case-%d", i), PromptID: "p1", Provider: p, Repetition: 1}
	}
	tests := []struct {
		name     string
		statuses []bench.Status
		want     []int
	}{
		{"all", nil, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{"errors", []bench.Status{bench.StatusError, bench.StatusTimeout}, []int{1, 2, 4, 5, 7, 8, 10, 11}},
		{"none with status", []bench.Status{bench.StatusCancelled}, []int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := []bench.Key{}
			for _, i := range tc.want {
				want = append(want, key(i))
			}
			got := []bench.Key{}
			for k, err := range s.Keys(ctxT(t), "keys", tc.statuses...) {
				if err != nil {
					t.Fatalf("Keys: %v", err)
				}
				got = append(got, k)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// testEarlyBreak breaks out of many streams; a leaked cursor would hold a
// connection (or a read transaction) and the later write would block.
func testEarlyBreak(t *testing.T, s store.Store) {
	filterFixture(t, s, "brk")
	ctx := ctxT(t)
	for range 60 {
		n := 0
		for _, err := range s.Results(ctx, "brk", store.ResultFilter{}) {
			if err != nil {
				t.Fatalf("Results: %v", err)
			}
			if n++; n == 3 {
				break
			}
		}
		for _, err := range s.Keys(ctx, "brk") {
			if err != nil {
				t.Fatalf("Keys: %v", err)
			}
			break
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.WriteResults(wctx, []bench.Result{fullResult("brk", 99)}); err != nil {
		t.Fatalf("write after early breaks: %v", err)
	}
	if err := s.Ping(wctx); err != nil {
		t.Fatalf("Ping after early breaks: %v", err)
	}
	if got := len(collect(t, s, "brk", store.ResultFilter{})); got != 13 {
		t.Errorf("got %d results, want 13", got)
	}
}

func testCancellation(t *testing.T, s store.Store) {
	filterFixture(t, s, "cnl")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.WriteResults(ctx, []bench.Result{fullResult("cnl", 50)}); err == nil {
		t.Error("WriteResults with a cancelled context succeeded")
	}
	if err := s.CreateRun(ctx, newRun("cnl-2", 1)); err == nil {
		t.Error("CreateRun with a cancelled context succeeded")
	}
	var errs int
	for _, err := range s.Results(ctx, "cnl", store.ResultFilter{}) {
		if err != nil {
			errs++
		}
	}
	if errs != 1 {
		t.Errorf("Results with a cancelled context yielded %d errors, want 1", errs)
	}
	for _, err := range s.Keys(ctx, "cnl") {
		if err == nil {
			t.Error("Keys with a cancelled context yielded a key")
		}
	}
	if got := len(collect(t, s, "cnl", store.ResultFilter{})); got != 12 {
		t.Errorf("cancelled write left %d results, want 12", got)
	}
	if _, err := s.GetRun(t.Context(), "cnl-2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("cancelled CreateRun left a run: %v", err)
	}
}

func testConcurrentWriters(t *testing.T, s store.Store) {
	mustCreate(t, s, newRun("conc", 0))
	const writers, batches, size = 8, 5, 50
	var g errgroup.Group
	for w := range writers {
		g.Go(func() error {
			for b := range batches {
				rs := make([]bench.Result, size)
				for i := range rs {
					rs[i] = fullResult("conc", (w*batches+b)*size+i)
				}
				// Every writer also rewrites one shared key.
				shared := fullResult("conc", 100000)
				shared.Response = fmt.Sprintf("writer %d", w)
				rs = append(rs, shared)
				if err := s.WriteResults(ctxT(t), rs); err != nil {
					return fmt.Errorf("writer %d batch %d: %w", w, b, err)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if got, want := len(collect(t, s, "conc", store.ResultFilter{})), writers*batches*size+1; got != want {
		t.Errorf("got %d results, want %d", got, want)
	}
}

func testDeleteRunDeletesResults(t *testing.T, s store.Store) {
	filterFixture(t, s, "del")
	mustCreate(t, s, newRun("keep", 1))
	var keep []bench.Result
	for i := range 12 {
		r := fullResult("keep", i)
		r.ID = fmt.Sprintf("keep-%d", i) // result ids are unique across runs
		keep = append(keep, r)
	}
	mustWrite(t, s, keep)
	if err := s.DeleteRun(ctxT(t), "del"); err != nil {
		t.Fatalf("DeleteRun: %v", err)
	}
	mustCreate(t, s, newRun("del", 5))
	if got := collect(t, s, "del", store.ResultFilter{}); len(got) != 0 {
		t.Errorf("results survived DeleteRun: %v", ids(got))
	}
	if got := len(collect(t, s, "keep", store.ResultFilter{})); got != 12 {
		t.Errorf("other run has %d results after DeleteRun, want 12", got)
	}
}

func testUnknownRun(t *testing.T, s store.Store) {
	if err := s.WriteResults(ctxT(t), []bench.Result{fullResult("no-such-run", 1)}); err == nil {
		t.Error("WriteResults for a run that does not exist succeeded")
	}
	if err := s.WriteResults(ctxT(t), nil); err != nil {
		t.Errorf("WriteResults(nil) = %v", err)
	}
}

func testTotals(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	filterFixture(t, s, "tot") // 12 results: 4 succeeded, 3 passed
	want := bench.Totals{Results: 12, Succeeded: 4, Errored: 8, Passed: 3, Failed: 9, Tokens: 12 * 13}
	for range 12 {
		want.CostUSD += fullResult("tot", 0).Cost.Total
	}
	mustCreate(t, s, newRun("tot-2", 1), newRun("tot-empty", 2))
	second := fullResult("tot-2", 0)
	second.ID, second.Passed, second.Cost.Total, second.Tokens.Total = "tot-2-r", false, 0.5, 7
	mustWrite(t, s, []bench.Result{second})

	// Many ids travel in one query.
	ids := []string{"tot", "tot-2", "tot-empty", "no-such-run"}
	for i := range 1200 {
		ids = append(ids, fmt.Sprintf("padding-%d", i))
	}
	got, err := s.Totals(ctx, ids...)
	if err != nil {
		t.Fatalf("Totals: %v", err)
	}
	approx := cmp.Comparer(func(a, b float64) bool { return a == b || (a-b)*(a-b) < 1e-24 })
	wantAll := map[string]bench.Totals{
		"tot":   want,
		"tot-2": {Results: 1, Succeeded: 1, Failed: 1, CostUSD: 0.5, Tokens: 7},
	}
	if d := cmp.Diff(wantAll, got, approx); d != "" {
		t.Errorf("Totals (-want +got):\n%s", d)
	}

	// Totals follow upserts: one error retried into a success.
	retry := fullResult("tot", 1)
	retry.Provider, retry.Passed, retry.Status = "anthropic", false, bench.StatusSuccess
	mustWrite(t, s, []bench.Result{retry})
	got, err = s.Totals(ctx, "tot")
	if err != nil {
		t.Fatal(err)
	}
	want.Succeeded, want.Errored = 5, 7
	if d := cmp.Diff(map[string]bench.Totals{"tot": want}, got, approx); d != "" {
		t.Errorf("Totals after an upsert (-want +got):\n%s", d)
	}
	if got, err := s.Totals(ctx); err != nil || len(got) != 0 {
		t.Errorf("Totals() = %v, %v; want an empty map", got, err)
	}
}
