// Package migrations holds the store's versioned SQL schema, one embedded
// directory per dialect, and applies it with a goose Provider (no global
// goose state).
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Dialect names a schema flavour.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// FS returns the migration files of one dialect.
func FS(d Dialect) (fs.FS, error) {
	switch d {
	case SQLite, Postgres:
		sub, err := fs.Sub(files, string(d))
		if err != nil {
			return nil, fmt.Errorf("migrations %s: %w", d, err)
		}
		return sub, nil
	default:
		return nil, fmt.Errorf("migrations: unknown dialect %q", d)
	}
}

// schemaLockID derives the advisory lock id from the current schema, so
// that migrations of different schemas (parallel tests) do not wait on
// each other while two processes migrating one schema still do.
func schemaLockID(ctx context.Context, db *sql.DB) (int64, error) {
	var schema string
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return 0, fmt.Errorf("current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("llm-test-bench migrations " + schema))
	return int64(h.Sum64() &^ (1 << 63)), nil
}

// ErrPending is wrapped by Check when the database's schema is older than
// this build's.
var ErrPending = errors.New("database schema is out of date")

// provider builds the goose Provider of dialect d on db. PostgreSQL
// migrations hold an advisory lock so that processes opening the same
// database at once do not race.
func provider(ctx context.Context, db *sql.DB, d Dialect) (*goose.Provider, error) {
	fsys, err := FS(d)
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if d == Postgres {
		gd = goose.DialectPostgres
		id, err := schemaLockID(ctx, db)
		if err != nil {
			return nil, err
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, fmt.Errorf("locker: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(gd, db, fsys, opts...)
}

// Up applies every pending migration of dialect d to db and returns the
// resulting schema version.
func Up(ctx context.Context, db *sql.DB, d Dialect) (int64, error) {
	p, err := provider(ctx, db, d)
	if err != nil {
		return 0, fmt.Errorf("migrations %s: %w", d, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("migrations %s: up: %w", d, err)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrations %s: version: %w", d, err)
	}
	return v, nil
}

// Latest returns the newest schema version of dialect d in this build.
func Latest(d Dialect) (int64, error) {
	fsys, err := FS(d)
	if err != nil {
		return 0, err
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil || len(names) == 0 {
		return 0, fmt.Errorf("migrations %s: no migration files", d)
	}
	var latest int64
	for _, n := range names {
		num, _, _ := strings.Cut(n, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migrations %s: file %s: no version number", d, n)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// Check returns the schema version of db without changing anything, and an
// error wrapping ErrPending, which tells what to run, when it is older
// than this build's (a database never migrated is at version 0).
func Check(ctx context.Context, db *sql.DB, d Dialect) (int64, error) {
	want, err := Latest(d)
	if err != nil {
		return 0, err
	}
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`
	if d == Postgres {
		exists = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'goose_db_version'`
	}
	var n int
	if err := db.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return 0, fmt.Errorf("migrations %s: check: %w", d, err)
	}
	var have int64
	if n > 0 {
		if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version`).Scan(&have); err != nil {
			return 0, fmt.Errorf("migrations %s: check: %w", d, err)
		}
	}
	if have < want {
		return have, fmt.Errorf("%w: it is at version %d, this build needs %d; run `llm-test-bench migrate` (or set [storage] enable_migrations = true)", ErrPending, have, want)
	}
	return have, nil
}
