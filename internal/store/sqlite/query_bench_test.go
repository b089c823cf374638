package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
)

// The seeded database of BenchmarkQueryResults1M: 1,000,000 results in
// 1,000 runs of 1,000 (run-0000 oldest), owned by 10 users in turn, one
// result per millisecond from seedEpoch; 4 providers, 8 models, 2% errors,
// 30% failed, tags smoke+math on a quarter and math on another quarter,
// "zephyr" in 1% of prompts and 1% of responses, "weather" in a seventh of
// prompts.
const (
	seedRuns      = 1000
	seedPerRun    = 1000
	seedResults   = seedRuns * seedPerRun
	seedFormat    = 1          // bump when the seed changes
	seedEpochUnix = 1772366400 // 2026-03-01T12:00:00Z
)

// seedID and seedAt are the id and created_at of the i-th seeded result.
func seedID(i int) string { return fmt.Sprintf("%08x-0000-7000-8000-%012x", i, i) }
func seedAt(i int) time.Time {
	return time.Unix(seedEpochUnix, 0).UTC().Add(time.Duration(i) * time.Millisecond)
}

// seededDB returns the path of the seeded database, cached in the temporary
// directory under the schema version, seeding it on first use.
func seededDB(b *testing.B) string {
	b.Helper()
	v, err := migrations.Latest(migrations.SQLite)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ltb-query-bench-%d-v%d-s%d.db", seedResults, v, seedFormat))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := filepath.Join(b.TempDir(), "seed.db")
	start := time.Now()
	if err := seed(context.Background(), tmp); err != nil {
		b.Fatalf("seed: %v", err)
	}
	b.Logf("seeded %d results in %s", seedResults, time.Since(start).Round(time.Millisecond))
	if err := copyTo(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// seed writes the runs and results with two statements that generate the
// rows inside SQLite (a Go round trip per row would take minutes), then
// lets the store index their text as it indexes any rows it finds waiting.
func seed(ctx context.Context, path string) error {
	s, err := Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return errors.Join(err, s.Close())
	}
	defer tx.Rollback()
	stmts := []string{
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
		INSERT INTO sessions (id, seq, name, user_id, status, created_at, updated_at)
		SELECT printf('run-%04d', i), i + 1, 'run ' || i, 'user-' || (i % 10), 'completed',
			strftime('%Y-%m-%dT%H:%M:%S', ? + i, 'unixepoch') || '.000000Z',
			strftime('%Y-%m-%dT%H:%M:%S', ? + i, 'unixepoch') || '.000000Z' FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
		INSERT INTO results (` + resultColumns + `)
		SELECT printf('%08x-0000-7000-8000-%012x', i, i), printf('run-%04d', i / ?), 'case-' || (i % ?), 'p1',
			CASE i % 4 WHEN 0 THEN 'openai' WHEN 1 THEN 'anthropic' WHEN 2 THEN 'google' ELSE 'mistral' END,
			'model-' || (i % 8), 1, CASE WHEN i % 50 = 0 THEN 'error' ELSE 'success' END,
			'Question ' || (i % 997) || ' about the ' ||
				CASE WHEN i % 7 = 0 THEN 'weather' ELSE 'harbour' END ||
				CASE WHEN i % 100 = 7 THEN ' and a zephyr' ELSE '' END || ': explain it to a ten year old in two sentences.',
			'Answer ' || (i % 991) || ': the tide comes in twice a day' ||
				CASE WHEN i % 100 = 13 THEN ' with a zephyr' ELSE '' END || '.',
			'stop', 800.5, 120.25, 20, 30, 0, 0, 50, 0.00001, 0.00003, 0.00004, 'USD',
			'{"contains":{"score":1,"pass":true}}', (i % 100) / 100.0, i % 10 >= 3, NULL, 0,
			'4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7',
			CASE i % 4 WHEN 0 THEN '["smoke","math"]' WHEN 1 THEN '["math"]' ELSE '[]' END, '{}',
			strftime('%Y-%m-%dT%H:%M:%S', ? + i / 1000, 'unixepoch') || printf('.%06dZ', (i % 1000) * 1000),
			0, 0, 0
		FROM n`,
		`UPDATE run_counter SET last_seq = (SELECT max(seq) FROM sessions)`,
	}
	args := [][]any{
		{seedRuns, seedEpochUnix - seedRuns, seedEpochUnix - seedRuns},
		{seedResults, seedPerRun, seedPerRun, seedEpochUnix},
		nil,
	}
	for i, q := range stmts {
		if _, err := tx.ExecContext(ctx, q, args[i]...); err != nil {
			return errors.Join(fmt.Errorf("seed statement %d: %w", i, err), s.Close())
		}
	}
	if err := tx.Commit(); err != nil {
		return errors.Join(err, s.Close())
	}
	if err := s.indexPrompts(ctx); err != nil {
		return errors.Join(err, s.Close())
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE`); err != nil {
		return errors.Join(err, s.Close())
	}
	return s.Close()
}

// copyTo copies the closed database file from to a new file at to, through
// a temporary name, so that a reader never sees half a file.
func copyTo(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	part := to + fmt.Sprintf(".%d.part", os.Getpid())
	if err := os.WriteFile(part, data, 0o644); err != nil {
		return err
	}
	return os.Rename(part, to)
}

// BenchmarkQueryResults1M measures one page of 50 results over a million
// rows for each kind of query the API server makes. Only -bench runs it
// (seeding takes a while the first time; the seeded file is then reused).
func BenchmarkQueryResults1M(b *testing.B) {
	path := seededDB(b)
	ctx := context.Background()
	s, err := Open(ctx, path, store.Options{NoMigrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	no := false
	// The 500th newest result of run-0500, and the 900,000th newest overall.
	runDeep := store.Cursor{At: seedAt(500*seedPerRun + 499), ID: seedID(500*seedPerRun + 499)}.Encode(store.ResultCursor)
	deep := store.Cursor{At: seedAt(seedResults - 900_000), ID: seedID(seedResults - 900_000)}.Encode(store.ResultCursor)
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
