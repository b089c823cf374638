package migrations_test

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
)

// authLookup is one query of the auth store (as the backends send it,
// with literals for parameters; the value an UPDATE writes does not
// change its plan). index, when set, is the index the plan must use (the
// unique constraints' indexes are named differently by each dialect).
// ordered marks a listing that can grow without bound, whose order must
// come from an index as well.
type authLookup struct {
	name    string
	q       string
	index   string
	ordered bool
}

var authLookups = []authLookup{
	{"user by name", `SELECT * FROM users WHERE username = 'alice'`, "", false},
	{"user by id", `SELECT * FROM users WHERE id = 'u'`, "", false},
	{"api key by hash", `SELECT * FROM api_keys WHERE key_hash = 'h'`, "", false},
	{"api keys of a user", `SELECT * FROM api_keys WHERE user_id = 'u' ORDER BY created_at, id`, "idx_api_keys_user", false},
	{"refresh token by hash", `SELECT * FROM refresh_tokens WHERE token_hash = 'h'`, "", false},
	{"spend", `UPDATE refresh_tokens SET used_at = used_at WHERE id = 't' AND used_at IS NULL AND revoked_at IS NULL`, "", false},
	{"revoke family", `UPDATE refresh_tokens SET revoked_at = revoked_at WHERE family_id = 'f' AND revoked_at IS NULL`, "idx_refresh_tokens_family", false},
	{"family revoked", `SELECT count(*), count(revoked_at) FROM refresh_tokens WHERE family_id = 'f'`, "idx_refresh_tokens_family", false},
	{"revoke user tokens", `UPDATE refresh_tokens SET revoked_at = revoked_at WHERE user_id = 'u' AND revoked_at IS NULL`, "idx_refresh_tokens_user", false},
	{"audit", `SELECT * FROM audit_log ORDER BY created_at DESC, id DESC LIMIT 100`, "idx_audit_log_created", true},
	{"audit of a user", `SELECT * FROM audit_log WHERE user_id = 'u' ORDER BY created_at DESC, id DESC LIMIT 100`, "idx_audit_log_user", true},
	{"audit of an action", `SELECT * FROM audit_log WHERE action = 'a' ORDER BY created_at DESC, id DESC LIMIT 100`, "idx_audit_log_action", true},
}

// TestAuthLookupsUseIndexes checks every query of the auth store finds its
// rows through an index (00001 and the auth migration), and the audit
// listings their order too: the audit log only grows.
func TestAuthLookupsUseIndexes(t *testing.T) {
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
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			explain := explainSQLite
			if dd.d == migrations.Postgres {
				// The tables are empty: without these a scan is cheapest.
				for _, set := range []string{`SET enable_seqscan = off`, `SET enable_sort = off`} {
					if _, err := conn.ExecContext(ctx, set); err != nil {
						t.Fatal(err)
					}
				}
				explain = explainPostgres
			}
			for _, l := range authLookups {
				plan := explain(ctx, t, conn, l.q)
				bad := badPlan(dd.d, plan, l.ordered)
				if bad == "" && l.index != "" && !strings.Contains(strings.Join(plan, "\n"), l.index) {
					bad = "does not use " + l.index
				}
				if bad != "" {
					t.Errorf("%s: %s:\n%s", l.name, bad, strings.Join(plan, "\n"))
				}
			}
		})
	}
}

var (
	sqliteFullScan = regexp.MustCompile(`^SCAN \w+$`)         // "SCAN t USING INDEX i" walks an index
	pgSort         = regexp.MustCompile(`(^|->\s+)Sort\s+\(`) // a Sort node; not "Incremental Sort", not "Sort Key:"
)

// badPlan says what is wrong with a plan, or "".
func badPlan(d migrations.Dialect, plan []string, ordered bool) string {
	for _, line := range plan {
		line = strings.TrimSpace(line)
		switch {
		case d == migrations.SQLite && sqliteFullScan.MatchString(line):
			return "reads the whole table"
		case d == migrations.SQLite && ordered && strings.Contains(line, "USE TEMP B-TREE FOR ORDER BY"):
			return "sorts every matching row"
		case d == migrations.Postgres && strings.Contains(line, "Seq Scan"):
			return "reads the whole table"
		case d == migrations.Postgres && ordered && pgSort.MatchString(line):
			return "sorts every matching row"
		}
	}
	return ""
}

func explainSQLite(ctx context.Context, t *testing.T, conn *sql.Conn, q string) []string {
	t.Helper()
	rows, err := conn.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

func explainPostgres(ctx context.Context, t *testing.T, conn *sql.Conn, q string) []string {
	t.Helper()
	rows, err := conn.QueryContext(ctx, `EXPLAIN `+q)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// The auth migration's number on each dialect.
var authVersion = map[migrations.Dialect]int64{migrations.SQLite: 6, migrations.Postgres: 5}

// TestAuthUpgrade migrates a database holding a user, an API key, a
// refresh token and an audit event of the 00001 schema across the auth
// migration and back: users and audit events keep their rows with the new
// columns at their defaults, api_key_hash goes, refresh tokens (which
// could not be spent or grouped in a family) go, and the down migration
// restores the old shape.
func TestAuthUpgrade(t *testing.T) {
	t.Parallel()
	for _, dd := range dialects {
		t.Run(dd.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := dd.open(t)
			defer db.Close()
			v := authVersion[dd.d]
			upTo(t, ctx, db, dd, v-1)
			ts := "2026-01-01T00:00:00.000000Z"
			for _, q := range []string{
				`INSERT INTO users (id, username, email, password_hash, role, api_key_hash, created_at, updated_at)
					VALUES ('u1', 'alice', NULL, 'h', 'admin', 'old', '` + ts + `', '` + ts + `')`,
				`INSERT INTO api_keys (id, user_id, prefix, key_hash, created_at) VALUES ('k1', 'u1', 'ltb_', 'kh', '` + ts + `')`,
				`INSERT INTO refresh_tokens (id, user_id, token_hash, created_at, expires_at) VALUES ('r1', 'u1', 'rh', '` + ts + `', '` + ts + `')`,
				`INSERT INTO audit_log (user_id, action, created_at) VALUES ('u1', 'auth.login', '` + ts + `')`,
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			upTo(t, ctx, db, dd, v)
			var (
				disabled bool
				valid    sql.NullString
				rid      string
				keys     int
				tokens   int
			)
			if err := db.QueryRowContext(ctx, `SELECT disabled, CAST(tokens_valid_after AS TEXT) FROM users WHERE id = 'u1'`).Scan(&disabled, &valid); err != nil || disabled || valid.Valid {
				t.Errorf("old user: disabled %v, tokens_valid_after %v, %v; want false, NULL", disabled, valid, err)
			}
			if err := db.QueryRowContext(ctx, `SELECT request_id FROM audit_log`).Scan(&rid); err != nil || rid != "" {
				t.Errorf("old audit event: request_id %q, %v; want empty", rid, err)
			}
			if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM api_keys), (SELECT count(*) FROM refresh_tokens)`).Scan(&keys, &tokens); err != nil || keys != 1 || tokens != 0 {
				t.Errorf("after the migration: %d api keys, %d refresh tokens, %v; want 1 and 0", keys, tokens, err)
			}
			if _, err := db.ExecContext(ctx, `SELECT api_key_hash FROM users`); err == nil {
				t.Error("users.api_key_hash is still there")
			}
			fsys, _ := migrations.FS(dd.d)
			p, err := goose.NewProvider(dd.gd, db, fsys, goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.DownTo(ctx, v-1); err != nil {
				t.Fatalf("down to %d: %v", v-1, err)
			}
			if _, err := db.ExecContext(ctx, `SELECT u.api_key_hash, r.created_at FROM users u, refresh_tokens r`); err != nil {
				t.Errorf("after the down migration: %v", err)
			}
			upTo(t, ctx, db, dd, v)
		})
	}
}
