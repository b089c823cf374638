// Package storetest is the conformance suite every store.Store backend
// passes, plus the PostgreSQL test-server helper shared by the tests.
//
// Normalisation the suite pins (both backends): timestamps come back in UTC
// at microsecond precision; nil Scores, Metadata, Run.Config and Run.Tags
// come back as empty non-nil maps and nil Tags as an empty slice; Metadata
// and Config values come back as encoding/json decodes them (numbers are
// float64); a nil Error stays nil; a zero Result.CreatedAt is stamped with
// store.Now() at write time.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Run runs the conformance suite. open must return a fresh, empty store for
// each call; Run closes it.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"RunLifecycle", testRunLifecycle},
		{"RunPrefix", testRunPrefix},
		{"ListRuns", testListRuns},
		{"ResultRoundTrip", testResultRoundTrip},
		{"Upsert", testUpsert},
		{"BatchOrder", testBatchOrder},
		{"Filters", testFilters},
		{"Keys", testKeys},
		{"EarlyBreak", testEarlyBreak},
		{"Cancellation", testCancellation},
		{"ConcurrentWriters", testConcurrentWriters},
		{"DeleteRunDeletesResults", testDeleteRunDeletesResults},
		{"UnknownRun", testUnknownRun},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newRun returns a run created at epoch+i seconds.
func newRun(id string, i int) *bench.Run {
	at := epoch.Add(time.Duration(i) * time.Second)
	return &bench.Run{ID: id, Name: "run " + id, Status: bench.RunRunning, CreatedAt: at, UpdatedAt: at}
}

func mustCreate(t *testing.T, s store.Store, runs ...*bench.Run) {
	t.Helper()
	for _, r := range runs {
		if err := s.CreateRun(ctxT(t), r); err != nil {
			t.Fatalf("CreateRun(%s): %v", r.ID, err)
		}
	}
}

// fullResult sets every field to a non-zero value.
func fullResult(runID string, i int) bench.Result {
	return bench.Result{
		ID: fmt.Sprintf("res-%05d", i), RunID: runID,
		CaseID: fmt.Sprintf("case-%d", i), PromptID: "p1", Provider: "openai", Model: "gpt-4o-mini",
		Repetition: 1, Status: bench.StatusSuccess,
		Prompt: "What is 2+2? ünïcode ✓\nline 2", Response: "4", FinishReason: "stop",
		LatencyMs: 123.456789, TTFTMs: 0.1 + 0.2,
		Tokens: bench.Usage{Prompt: 10, Completion: 3, Cached: 2, Reasoning: 1, Total: 13},
		Cost:   bench.Cost{Input: 1e-7, Output: 3.3333333333333335e-6, Total: 3.4333333333333336e-6, Currency: "USD"},
		Scores: map[string]bench.Score{
			"contains": {Score: 1, Pass: true, Reason: "found \"4\""},
			"latency":  {Score: 0.25, Pass: false, Reason: "slow"},
		},
		Score: 0.625, Passed: true,
		Error:  &bench.ErrorInfo{Kind: "rate_limit", Message: "429 <too many>", Status: 429},
		Cached: true, TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7",
		Tags:      []string{"smoke", "math"},
		Metadata:  map[string]any{"n": 1.5, "s": "x", "nested": map[string]any{"b": true, "l": []any{"a", 2.0}}, "null": nil},
		CreatedAt: epoch.Add(time.Duration(i) * time.Millisecond).Add(789 * time.Microsecond),
	}
}

// collect drains a Results stream.
func collect(t *testing.T, s store.Store, runID string, f store.ResultFilter) []bench.Result {
	t.Helper()
	out := []bench.Result{}
	for r, err := range s.Results(ctxT(t), runID, f) {
		if err != nil {
			t.Fatalf("Results(%s): %v", runID, err)
		}
		out = append(out, r)
	}
	return out
}

func ids(rs []bench.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func testRunLifecycle(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	zone := time.FixedZone("X", 5*3600+30*60)
	run := &bench.Run{
		ID: "run-lifecycle-1", Name: "nightly", Description: "desc", UserID: "u1", Status: bench.RunRunning,
		Config: map[string]any{"suite": "s.yaml", "concurrency": 4.0, "providers": []any{"a", "b"}},
		Tags:   map[string]string{"team": "ml"}, Total: 40,
		CreatedAt: store.Now().In(zone), UpdatedAt: store.Now(),
	}
	mustCreate(t, s, run)
	if err := s.CreateRun(ctx, run); err == nil {
		t.Error("CreateRun with a duplicate id succeeded")
	}
	want := *run
	want.CreatedAt = run.CreatedAt.UTC()
	got, err := s.GetRun(ctx, run.ID)
	if err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	if d := cmp.Diff(&want, got); d != "" {
		t.Errorf("GetRun mismatch (-want +got):\n%s", d)
	}

	run.Status = bench.RunCompleted
	run.Total = 41
	run.Totals = bench.Totals{Results: 41, Succeeded: 40, Errored: 1, Passed: 39, Failed: 2, CostUSD: 0.0123, Tokens: 999}
	run.Config = nil
	run.UpdatedAt = run.UpdatedAt.Add(time.Minute)
	run.Name = "renamed" // not saved by UpdateRun
	if err := s.UpdateRun(ctx, run); err != nil {
		t.Fatalf("UpdateRun: %v", err)
	}
	want.Status, want.Total, want.Totals, want.UpdatedAt = run.Status, run.Total, run.Totals, run.UpdatedAt
	want.Config = map[string]any{}
	got, err = s.GetRun(ctx, run.ID)
	if err != nil {
		t.Fatalf("GetRun after update: %v", err)
	}
	if d := cmp.Diff(&want, got); d != "" {
		t.Errorf("GetRun after update mismatch (-want +got):\n%s", d)
	}

	if err := s.UpdateRun(ctx, newRun("missing-run", 0)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateRun(missing) = %v, want ErrNotFound", err)
	}
	if err := s.DeleteRun(ctx, run.ID); err != nil {
		t.Fatalf("DeleteRun: %v", err)
	}
	if _, err := s.GetRun(ctx, run.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRun after delete = %v, want ErrNotFound", err)
	}
	if err := s.DeleteRun(ctx, run.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteRun twice = %v, want ErrNotFound", err)
	}

	bare := newRun("bare-run", 1)
	mustCreate(t, s, bare)
	got, err = s.GetRun(ctx, bare.ID)
	if err != nil {
		t.Fatalf("GetRun(bare): %v", err)
	}
	wantBare := *bare
	wantBare.Config, wantBare.Tags = map[string]any{}, map[string]string{}
	if d := cmp.Diff(&wantBare, got); d != "" {
		t.Errorf("nil maps not normalised (-want +got):\n%s", d)
	}
}

func testRunPrefix(t *testing.T, s store.Store) {
	mustCreate(t, s, newRun("abcdef01-aaaa", 0), newRun("abcdef02-bbbb", 1), newRun("zyxwvu99-cccc", 2), newRun("abc", 3))
	tests := []struct {
		id      string
		want    string
		wantErr error
	}{
		{id: "abcdef01-aaaa", want: "abcdef01-aaaa"},
		{id: "abcdef01", want: "abcdef01-aaaa"},
		{id: "zyxwvu", want: "zyxwvu99-cccc"},
		{id: "abc", want: "abc"},
		{id: "abcdef", wantErr: store.ErrAmbiguous},
		{id: "zyxwv", wantErr: store.ErrNotFound},
		{id: "nomatch-at-all", wantErr: store.ErrNotFound},
		{id: "abcdef%", wantErr: store.ErrNotFound},
		{id: "abcdef_1-aaaa", wantErr: store.ErrNotFound},
		{id: "", wantErr: store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			got, err := s.GetRun(ctxT(t), tc.id)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("GetRun(%q) = %v, %v; want %v", tc.id, got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetRun(%q): %v", tc.id, err)
			}
			if got.ID != tc.want {
				t.Errorf("GetRun(%q).ID = %q, want %q", tc.id, got.ID, tc.want)
			}
		})
	}
}

func testListRuns(t *testing.T, s store.Store) {
	for i := range 55 {
		r := newRun(fmt.Sprintf("list-%02d", i), i)
		if i%5 == 0 {
			r.Status = bench.RunFailed
		}
		mustCreate(t, s, r)
	}
	names := func(runs []bench.Run) []string {
		out := []string{}
		for _, r := range runs {
			out = append(out, r.ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    store.RunFilter
		want []string
	}{
		{"default limit 50, newest first", store.RunFilter{}, func() []string {
			var w []string
			for i := 54; i >= 5; i-- {
				w = append(w, fmt.Sprintf("list-%02d", i))
			}
			return w
		}()},
		{"limit offset", store.RunFilter{Limit: 3, Offset: 2}, []string{"list-52", "list-51", "list-50"}},
		{"status", store.RunFilter{Status: bench.RunFailed, Limit: 4}, []string{"list-50", "list-45", "list-40", "list-35"}},
		{"past the end", store.RunFilter{Offset: 100}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.ListRuns(ctxT(t), tc.f)
			if err != nil {
				t.Fatalf("ListRuns: %v", err)
			}
			if d := cmp.Diff(tc.want, names(got)); d != "" {
				t.Errorf("ListRuns(%+v) (-want +got):\n%s", tc.f, d)
			}
		})
	}
}
