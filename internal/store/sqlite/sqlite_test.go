package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

func open(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "nested", "dir", "ltb.db"), store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func TestReopenKeepsData(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "ltb.db")
	s, err := sqlite.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	run := &bench.Run{ID: "reopen-1", Status: bench.RunRunning, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	if err := s.CreateRun(ctx, run); err != nil {
		t.Fatalf("CreateRun: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s, err = sqlite.Open(ctx, path, store.Options{}) // migrations already applied: a no-op
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if _, err := s.GetRun(ctx, "reopen"); err != nil {
		t.Errorf("GetRun after reopen: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"empty", func(*testing.T) string { return "" }},
		{"directory", func(t *testing.T) string { return t.TempDir() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if s, err := sqlite.Open(t.Context(), tc.path(t), store.Options{}); err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
		})
	}
}

func benchResults(runID string, n, offset int) []bench.Result {
	rs := make([]bench.Result, n)
	now := store.Now()
	for i := range rs {
		rs[i] = bench.Result{
			ID: fmt.Sprintf("r-%09d", offset+i), RunID: runID, CaseID: fmt.Sprintf("case-%d", offset+i),
			PromptID: "p1", Provider: "openai", Model: "gpt-4o-mini", Status: bench.StatusSuccess,
			Prompt: "Translate 'good morning' into French and explain the register.", Response: "Bonjour.",
			FinishReason: "stop", LatencyMs: 812.5, TTFTMs: 120.25,
			Tokens: bench.Usage{Prompt: 20, Completion: 5, Total: 25},
			Cost:   bench.Cost{Input: 3e-6, Output: 3e-6, Total: 6e-6, Currency: "USD"},
			Scores: map[string]bench.Score{"contains": {Score: 1, Pass: true, Reason: "ok"}},
			Score:  1, Passed: true, Tags: []string{"smoke"}, CreatedAt: now,
		}
	}
	return rs
}

// BenchmarkWriteResults measures batched writes of 500 typical results;
// results/s is the figure the SPEC targets (> 20k/s).
// BenchmarkWriteResults stores batches of the sizes a run's writer sends:
// 500 under a timer of old, about 16 with group commit at full speed.
func BenchmarkWriteResults(b *testing.B) {
	for _, batch := range []int{16, 500} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := open(b)
			defer s.Close()
			ctx := context.Background()
			run := &bench.Run{ID: "bench", Status: bench.RunRunning, CreatedAt: store.Now(), UpdatedAt: store.Now()}
			if err := s.CreateRun(ctx, run); err != nil {
				b.Fatal(err)
			}
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				if err := s.WriteResults(ctx, benchResults("bench", batch, n)); err != nil {
					b.Fatal(err)
				}
				n += batch
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "results/s")
		})
	}
}

func BenchmarkResults(b *testing.B) {
	s := open(b)
	defer s.Close()
	ctx := context.Background()
	run := &bench.Run{ID: "bench", Status: bench.RunRunning, CreatedAt: store.Now(), UpdatedAt: store.Now()}
	if err := s.CreateRun(ctx, run); err != nil {
		b.Fatal(err)
	}
	if err := s.WriteResults(ctx, benchResults("bench", 1000, 0)); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		for _, err := range s.Results(ctx, "bench", store.ResultFilter{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "results/s")
}

func TestConcurrentOpenersOfANewDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "new.db")
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := sqlite.Open(context.Background(), path, store.Options{})
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent open: %v", err)
		}
	}
}

// BenchmarkTotals measures the grouped count `runs list` makes: 50 runs of
// 2,000 results each.
func BenchmarkTotals(b *testing.B) {
	s := open(b)
	defer s.Close()
	ctx := context.Background()
	ids := make([]string, 50)
	for i := range ids {
		ids[i] = fmt.Sprintf("run-%02d", i)
		run := &bench.Run{ID: ids[i], Status: bench.RunCompleted, CreatedAt: store.Now(), UpdatedAt: store.Now()}
		if err := s.CreateRun(ctx, run); err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 2000; j += 500 {
			if err := s.WriteResults(ctx, benchResults(ids[i], 500, i*2000+j)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		got, err := s.Totals(ctx, ids...)
		if err != nil || len(got) != len(ids) {
			b.Fatalf("Totals = %d runs, %v", len(got), err)
		}
	}
}
