package migrations_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"
	"github.com/pressly/goose/v3"

	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

// dialectDB is a fresh, empty database of one dialect with the last
// version before 00004 and SQL placeholders of its own.
type dialectDB struct {
	name    string
	d       migrations.Dialect
	gd      goose.Dialect
	before  int64 // the version before 00004
	latest  int64 // this build's version
	open    func(t *testing.T) *sql.DB
	mark    func(i int) string
	counter string // the next number CreateRun would take
}

var dialects = []dialectDB{
	{
		name: "sqlite", d: migrations.SQLite, gd: goose.DialectSQLite3, before: 3, latest: latestSQLite,
		open: func(t *testing.T) *sql.DB {
			db, err := driver.Open("file:"+filepath.Join(t.TempDir(), "m.db"), fts5.Register)
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		mark:    func(i int) string { return "?" + string(rune('0'+i)) },
		counter: `SELECT last_seq + 1 FROM run_counter`,
	},
	{
		name: "postgres", d: migrations.Postgres, gd: goose.DialectPostgres, before: 1, latest: latestPostgres,
		open: func(t *testing.T) *sql.DB {
			db, err := sql.Open("pgx", storetest.PostgresURL(t))
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		mark:    func(i int) string { return "$" + string(rune('0'+i)) },
		counter: `SELECT nextval('sessions_seq')`,
	},
}

func upTo(t *testing.T, ctx context.Context, db *sql.DB, dd dialectDB, v int64) {
	t.Helper()
	fsys, err := migrations.FS(dd.d)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(dd.gd, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, v); err != nil {
		t.Fatalf("up to %d: %v", v, err)
	}
}

// TestUpgradeNumbersExistingRuns migrates a database holding runs from
// before run numbers: they are numbered in creation order, the next run
// continues after them, and old results get zero cache writes.
func TestUpgradeNumbersExistingRuns(t *testing.T) {
	t.Parallel()
	for _, dd := range dialects {
		t.Run(dd.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := dd.open(t)
			defer db.Close()
			upTo(t, ctx, db, dd, dd.before)
			insert := `INSERT INTO sessions (id, status, created_at, updated_at) VALUES (` + dd.mark(1) + `, 'completed', ` + dd.mark(2) + `, ` + dd.mark(2) + `)`
			for _, r := range [][2]string{
				{"a-third", "2026-01-03T00:00:00.000000Z"},
				{"z-first", "2026-01-01T00:00:00.000000Z"},
				{"m-second", "2026-01-02T00:00:00.000000Z"},
			} {
				if _, err := db.ExecContext(ctx, insert, r[0], r[1]); err != nil {
					t.Fatalf("insert %s: %v", r[0], err)
				}
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO results (id, session_id, case_id, prompt_id, provider, model, repetition, status, prompt,
				response, finish_reason, latency_ms, ttft_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens,
				total_tokens, cost_input, cost_output, cost_total, currency, score, passed, cached, trace_id, span_id, created_at)
				VALUES ('r', 'z-first', 'c', '', '', '', 0, 'success', '', '', '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '', 0, false, false, '', '', '2026-01-01T00:00:00.000000Z')`); err != nil {
				t.Fatalf("insert result: %v", err)
			}
			if v, err := migrations.Up(ctx, db, dd.d); err != nil || v != dd.latest {
				t.Fatalf("Up = %d, %v", v, err)
			}
			got := names(t, db, `SELECT id || ' #' || seq FROM sessions ORDER BY seq`)
			if d := cmp.Diff([]string{"z-first #1", "m-second #2", "a-third #3"}, got); d != "" {
				t.Errorf("numbers (-want +got):\n%s", d)
			}
			var next int64
			if err := db.QueryRowContext(ctx, dd.counter).Scan(&next); err != nil || next != 4 {
				t.Errorf("next number = %d, %v; want 4", next, err)
			}
			var cw, cw1h int
			var unknown bool
			if err := db.QueryRowContext(ctx, `SELECT cache_write_tokens, cache_write_1h_tokens, cost_unknown FROM results`).Scan(&cw, &cw1h, &unknown); err != nil || cw != 0 || cw1h != 0 || unknown {
				t.Errorf("old result: cache writes %d/%d, unknown %v, %v; want 0/0, false", cw, cw1h, unknown, err)
			}
		})
	}
}

// TestCheck is what Open does when migrations are disabled: it reads the
// version and changes nothing.
func TestCheck(t *testing.T) {
	t.Parallel()
	for _, dd := range dialects {
		t.Run(dd.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := dd.open(t)
			defer db.Close()
			if v, err := migrations.Latest(dd.d); err != nil || v != dd.latest {
				t.Fatalf("Latest = %d, %v; want %d", v, err, dd.latest)
			}
			v, err := migrations.Check(ctx, db, dd.d)
			if !errors.Is(err, migrations.ErrPending) || v != 0 || !strings.Contains(err.Error(), "llm-test-bench migrate") {
				t.Fatalf("Check(new database) = %d, %v; want version 0 and ErrPending naming the command", v, err)
			}
			upTo(t, ctx, db, dd, dd.before)
			v, err = migrations.Check(ctx, db, dd.d)
			want := fmt.Sprintf("at version %d, this build needs %d", dd.before, dd.latest)
			if !errors.Is(err, migrations.ErrPending) || v != dd.before || !strings.Contains(err.Error(), want) {
				t.Fatalf("Check(old schema) = %d, %v; want %q", v, err, want)
			}
			if _, err := migrations.Up(ctx, db, dd.d); err != nil {
				t.Fatal(err)
			}
			if v, err := migrations.Check(ctx, db, dd.d); err != nil || v != dd.latest {
				t.Errorf("Check(migrated) = %d, %v", v, err)
			}
		})
	}
}

// TestDown checks that every migration from 00004 on (00004 to 00007 on
// SQLite, 00004 to 00006 on PostgreSQL) can be rolled back and applied
// again.
func TestDown(t *testing.T) {
	t.Parallel()
	for _, dd := range dialects {
		t.Run(dd.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := dd.open(t)
			defer db.Close()
			if _, err := migrations.Up(ctx, db, dd.d); err != nil {
				t.Fatal(err)
			}
			fsys, _ := migrations.FS(dd.d)
			p, err := goose.NewProvider(dd.gd, db, fsys, goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.DownTo(ctx, dd.before); err != nil {
				t.Fatalf("down to %d: %v", dd.before, err)
			}
			if v, err := migrations.Up(ctx, db, dd.d); err != nil || v != dd.latest {
				t.Fatalf("Up again = %d, %v", v, err)
			}
		})
	}
}
