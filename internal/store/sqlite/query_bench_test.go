package sqlite_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite/seed"
)

// BenchmarkQueryResults1M measures one page of 50 results over a million
// rows for each kind of query the API server makes. Only -bench runs it
// (seeding takes a while the first time; the seeded file is then reused).
// The data is package seed's (see its comment).
func BenchmarkQueryResults1M(b *testing.B) {
	ctx := context.Background()
	start := time.Now()
	path, seeded, err := seed.Cached(ctx, os.TempDir(), seed.Million)
	if err != nil {
		b.Fatal(err)
	}
	if seeded {
		b.Logf("seeded %d results in %s", seed.Million.Results(), time.Since(start).Round(time.Millisecond))
	}
	s, err := sqlite.Open(ctx, path, store.Options{NoMigrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	no := false
	// The 500th newest result of run-0500, and the 900,000th newest overall.
	per, total := seed.Million.PerRun, seed.Million.Results()
	runDeep := store.Cursor{At: seed.At(500*per + 499), ID: seed.ID(500*per + 499)}.Encode(store.ResultCursor)
	deep := store.Cursor{At: seed.At(total - 900_000), ID: seed.ID(total - 900_000)}.Encode(store.ResultCursor)
	cases := []struct {
		name string
		q    store.ResultQuery
	}{
		{"none", store.ResultQuery{}},
		{"none/deep", store.ResultQuery{After: deep}},
		{"provider", store.ResultQuery{Provider: "anthropic"}},
		{"provider/deep", store.ResultQuery{Provider: "anthropic", After: deep}},
		{"run/deep", store.ResultQuery{RunID: "run-0500", After: runDeep}},
		{"status=error", store.ResultQuery{Status: bench.StatusError}},
		{"failed", store.ResultQuery{Passed: &no}},
		{"tag", store.ResultQuery{Tag: "smoke"}},
		{"user", store.ResultQuery{UserID: "user-3"}},
		{"text/rare", store.ResultQuery{Text: "zephyr"}},
		{"text/common", store.ResultQuery{Text: "weather"}},
		{"text+provider", store.ResultQuery{Text: "zephyr", Provider: "anthropic"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				items, _, err := s.QueryResults(ctx, c.q)
				if err != nil {
					b.Fatal(err)
				}
				if len(items) != store.DefaultPage {
					b.Fatalf("%d items, want a full page", len(items))
				}
			}
		})
	}
}
