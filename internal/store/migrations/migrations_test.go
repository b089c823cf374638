package migrations_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"

	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

// The tables of the first migration, plus SQLite's run_counter (00004;
// PostgreSQL numbers runs with a sequence), results_fts_indexed (00005) and
// model_profile_runs (SQLite 00008, PostgreSQL 00007).
// The full-text tables (results_fts and its shadow tables) are left out.
var (
	tables       = []string{"alerts", "api_keys", "audit_log", "model_profile_runs", "model_profiles", "plugins", "providers", "refresh_tokens", "results", "sessions", "users"}
	sqliteTables = []string{"alerts", "api_keys", "audit_log", "model_profile_runs", "model_profiles", "plugins", "providers", "refresh_tokens", "results", "results_fts_indexed", "run_counter", "sessions", "users"}
)

// The schema versions of this build. SQLite has one more migration than
// PostgreSQL (00005, the prompt index watermark: PostgreSQL has no FTS5);
// each dialect is versioned on its own (the auth tables are SQLite 00006
// and PostgreSQL 00005, results search 00007 and 00006, model profiles
// 00008 and 00007, results' trace ids 00009 and 00008, alerts 00010 and
// 00009, plugins 00012 and 00011).
const (
	latestSQLite   = 12
	latestPostgres = 11
)

func TestSQLiteSchemaAndFTS(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := driver.Open("file:"+filepath.Join(t.TempDir(), "m.db"), fts5.Register)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := migrations.Up(ctx, db, migrations.SQLite)
	if err != nil || v != latestSQLite {
		t.Fatalf("Up = %d, %v; want version %d", v, err, latestSQLite)
	}
	if v, err := migrations.Up(ctx, db, migrations.SQLite); err != nil || v != latestSQLite {
		t.Fatalf("second Up = %d, %v", v, err)
	}
	if d := cmp.Diff(sqliteTables, names(t, db, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'goose_%'
		AND name NOT IN ('results_fts', 'results_fts_data', 'results_fts_idx', 'results_fts_docsize', 'results_fts_config') ORDER BY name`)); d != "" {
		t.Errorf("tables (-want +got):\n%s", d)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO sessions (id, status, created_at, updated_at) VALUES ('s', 'running', 'x', 'x')`)
	insert := `INSERT INTO results (id, session_id, case_id, prompt_id, provider, model, repetition, status, prompt,
		response, finish_reason, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens,
		total_tokens, cost_input, cost_output, cost_total, currency, score, passed, cached, trace_id, span_id, created_at)
		VALUES (?, 's', ?, '', '', '', 0, 'success', ?, ?, '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 0, 0, 0, '', '', 'x')
		ON CONFLICT (session_id, case_id, prompt_id, provider, repetition) DO UPDATE SET prompt = excluded.prompt, response = excluded.response`
	exec(insert, "a", "c1", "translate the weather report", "")
	exec(insert, "b", "c2", "summarise the quarterly report", "")
	exec(insert, "c", "c3", "write a haiku", "an old pond")
	// New rows are indexed by the store, in bulk, up to a watermark (00002,
	// 00005); updates and deletes of indexed rows by triggers. The index
	// covers prompts and responses (00007).
	exec(`INSERT INTO results_fts (rowid, prompt, response) SELECT rowid, prompt, response FROM results WHERE rowid > 0`)
	exec(`UPDATE results_fts_indexed SET upto = (SELECT max(rowid) FROM results)`)
	search := `SELECT r.id FROM results_fts f JOIN results r ON r.rowid = f.rowid
		WHERE results_fts MATCH ? ORDER BY r.id`
	if d := cmp.Diff([]string{"c"}, names(t, db, search, "pond")); d != "" {
		t.Errorf("search of a response (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"a", "b"}, names(t, db, search, "report")); d != "" {
		t.Errorf("search after insert (-want +got):\n%s", d)
	}
	exec(insert, "a", "c1", "translate the poem", "")        // upsert changes the prompt
	exec(insert, "c", "c3", "write a haiku", "a frog jumps") // and the response
	exec(`DELETE FROM results WHERE id = 'b'`)
	if d := cmp.Diff([]string(nil), names(t, db, search, "report")); d != "" {
		t.Errorf("search after update and delete (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"a"}, names(t, db, search, "poem")); d != "" {
		t.Errorf("search for the new prompt (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"c"}, names(t, db, search, "frog NOT pond")); d != "" {
		t.Errorf("search for the new response (-want +got):\n%s", d)
	}
}

func TestPostgresSchema(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("pgx", storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := migrations.Up(t.Context(), db, migrations.Postgres); err != nil || v != latestPostgres {
		t.Fatalf("Up = %d, %v; want version %d", v, err, latestPostgres)
	}
	if d := cmp.Diff(tables, names(t, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose_%' ORDER BY table_name`)); d != "" {
		t.Errorf("tables (-want +got):\n%s", d)
	}
	want := []string{"idx_results_scores", "idx_results_session_created", "idx_results_tags", "idx_results_text", "idx_results_trace_created"}
	got := names(t, db, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'results'
		AND indexname IN ('idx_results_prompt_text', 'idx_results_scores', 'idx_results_session_created', 'idx_results_tags', 'idx_results_text', 'idx_results_trace_id', 'idx_results_trace_created')
		ORDER BY indexname`)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("indexes (-want +got):\n%s", d)
	}
}

func TestUnknownDialect(t *testing.T) {
	t.Parallel()
	if _, err := migrations.FS("oracle"); err == nil {
		t.Error("FS(oracle) succeeded")
	}
}

func names(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
