package migrations_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pressly/goose/v3"

	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
)

// TestSQLiteFTSWatermark migrates a version 4 database holding indexed
// results to 00005 and back: the watermark starts at the last row, the
// triggers leave rows above it alone, and the down migration indexes the
// rows still waiting, as version 4 expects every row to be indexed.
func TestSQLiteFTSWatermark(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dd := dialects[0]
	db := dd.open(t)
	defer db.Close()
	upTo(t, ctx, db, dd, 4)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	integrity := func(step string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, `INSERT INTO results_prompt_fts (results_prompt_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Fatalf("%s: integrity-check: %v", step, err)
		}
	}
	exec(`INSERT INTO sessions (id, status, created_at, updated_at) VALUES ('s', 'running', 'x', 'x')`)
	insert := `INSERT INTO results (id, session_id, case_id, prompt_id, provider, model, repetition, status, prompt,
		response, finish_reason, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens,
		total_tokens, cost_input, cost_output, cost_total, currency, score, passed, cached, trace_id, span_id, created_at)
		VALUES (?, 's', ?, '', '', '', 0, 'success', ?, '', '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 0, 0, 0, '', '', 'x')
		ON CONFLICT (session_id, case_id, prompt_id, provider, repetition) DO UPDATE SET prompt = excluded.prompt`
	exec(insert, "a", "c1", "translate the weather report")
	exec(insert, "b", "c2", "summarise the quarterly report")
	exec(`INSERT INTO results_prompt_fts (rowid, prompt) SELECT rowid, prompt FROM results`) // version 4's writer
	integrity("version 4")

	upTo(t, ctx, db, dd, 5) // 00007 replaces results_prompt_fts
	var upto int64
	if err := db.QueryRowContext(ctx, `SELECT upto FROM results_fts_indexed`).Scan(&upto); err != nil || upto != 2 {
		t.Fatalf("watermark = %d, %v; want 2, the last row", upto, err)
	}
	exec(insert, "a", "c1", "translate the poem") // indexed: the trigger re-indexes it
	exec(insert, "c", "c3", "a poem about the sea")
	exec(insert, "c", "c3", "a haiku about the sea") // waiting: the trigger leaves it
	exec(`DELETE FROM results WHERE id = 'b'`)
	exec(insert, "d", "c4", "a report on the sea")
	exec(`DELETE FROM results WHERE id = 'd'`) // waiting: the trigger leaves it
	search := `SELECT r.id FROM results_prompt_fts f JOIN results r ON r.rowid = f.rowid
		WHERE results_prompt_fts MATCH ? ORDER BY r.id`
	if d := cmp.Diff([]string{"a"}, names(t, db, search, "poem")); d != "" {
		t.Errorf("search before indexing (-want +got):\n%s", d)
	}

	fsys, err := migrations.FS(migrations.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 4); err != nil {
		t.Fatalf("down to 4: %v", err)
	}
	integrity("down to 4")
	for term, want := range map[string][]string{"poem": {"a"}, "haiku": {"c"}, "report": nil, "sea": {"c"}} {
		if d := cmp.Diff(want, names(t, db, search, term)); d != "" {
			t.Errorf("search %q after down (-want +got):\n%s", term, d)
		}
	}
}
