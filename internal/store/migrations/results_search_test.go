package migrations_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pressly/goose/v3"

	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
)

// TestSQLiteResultsSearch migrates a version 5 database, with indexed rows
// and a row still waiting above the watermark, to 00007 and back: the new
// index holds the indexed rows' prompts and responses and not the waiting
// row, its triggers follow updates and deletes, and going down rebuilds the
// prompt index for the same rows.
func TestSQLiteResultsSearch(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dd := dialects[0]
	db := dd.open(t)
	defer db.Close()
	upTo(t, ctx, db, dd, 5)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// The index's own consistency: a row waits above the watermark, so the
	// index is not compared with the table (rank 1) until it is indexed.
	integrity := func(step, table string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('integrity-check', 0)`); err != nil {
			t.Fatalf("%s: integrity-check: %v", step, err)
		}
	}
	exec(`INSERT INTO sessions (id, status, created_at, updated_at) VALUES ('s', 'running', 'x', 'x')`)
	insert := `INSERT INTO results (id, session_id, case_id, prompt_id, provider, model, repetition, status, prompt,
		response, finish_reason, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens,
		total_tokens, cost_input, cost_output, cost_total, currency, score, passed, cached, trace_id, span_id, created_at)
		VALUES (?, 's', ?, '', '', '', 0, 'success', ?, ?, '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 0, 0, 0, '', '', 'x')
		ON CONFLICT (session_id, case_id, prompt_id, provider, repetition) DO UPDATE SET prompt = excluded.prompt, response = excluded.response`
	exec(insert, "a", "c1", "translate the weather report", "sunny")
	exec(insert, "b", "c2", "write a haiku", "an old pond")
	exec(`INSERT INTO results_prompt_fts (rowid, prompt) SELECT rowid, prompt FROM results`) // version 5's store
	exec(`UPDATE results_fts_indexed SET upto = (SELECT max(rowid) FROM results)`)
	exec(insert, "c", "c3", "waiting prompt", "waiting pond") // above the watermark

	if v, err := migrations.Up(ctx, db, migrations.SQLite); err != nil || v != latestSQLite {
		t.Fatalf("Up = %d, %v; want %d", v, err, latestSQLite)
	}
	integrity("up", "results_fts")
	search := `SELECT r.id FROM results_fts f JOIN results r ON r.rowid = f.rowid WHERE results_fts MATCH ? ORDER BY r.id`
	for term, want := range map[string][]string{"pond": {"b"}, "sunny weather": {"a"}, "waiting": nil} {
		if d := cmp.Diff(want, names(t, db, search, term)); d != "" {
			t.Errorf("search %q after up (-want +got):\n%s", term, d)
		}
	}
	exec(insert, "b", "c2", "write a haiku", "a frog jumps") // indexed: re-indexed by the trigger
	exec(`DELETE FROM results WHERE id = 'a'`)
	integrity("after update and delete", "results_fts")
	exec(`INSERT INTO results_fts (rowid, prompt, response) SELECT rowid, prompt, response FROM results WHERE rowid > (SELECT upto FROM results_fts_indexed)`)
	exec(`UPDATE results_fts_indexed SET upto = (SELECT max(rowid) FROM results)`) // as the store catches up
	if _, err := db.ExecContext(ctx, `INSERT INTO results_fts (results_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("index and table differ: %v", err)
	}
	for term, want := range map[string][]string{"pond": {"c"}, "frog": {"b"}, "sunny": nil} {
		if d := cmp.Diff(want, names(t, db, search, term)); d != "" {
			t.Errorf("search %q after update (-want +got):\n%s", term, d)
		}
	}

	fsys, err := migrations.FS(migrations.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 5); err != nil {
		t.Fatalf("down to 5: %v", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO results_prompt_fts (results_prompt_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("down to 5: prompt index and table differ: %v", err)
	}
	prompts := `SELECT r.id FROM results_prompt_fts f JOIN results r ON r.rowid = f.rowid WHERE results_prompt_fts MATCH ? ORDER BY r.id`
	for term, want := range map[string][]string{"haiku": {"b"}, "waiting": {"c"}, "weather": nil} {
		if d := cmp.Diff(want, names(t, db, prompts, term)); d != "" {
			t.Errorf("prompt search %q after down (-want +got):\n%s", term, d)
		}
	}
}
