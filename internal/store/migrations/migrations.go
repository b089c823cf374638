// Package migrations holds the store's versioned SQL schema, one embedded
// directory per dialect, and applies it with a goose Provider (no global
// goose state).
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

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

// Up applies every pending migration of dialect d to db and returns the
// resulting schema version. PostgreSQL migrations hold an advisory lock so
// that processes opening the same database at once do not race.
func Up(ctx context.Context, db *sql.DB, d Dialect) (int64, error) {
	fsys, err := FS(d)
	if err != nil {
		return 0, err
	}
	gd := goose.DialectSQLite3
	var opts []goose.ProviderOption
	opts = append(opts, goose.WithDisableGlobalRegistry(true))
	if d == Postgres {
		gd = goose.DialectPostgres
		id, err := schemaLockID(ctx, db)
		if err != nil {
			return 0, fmt.Errorf("migrations %s: %w", d, err)
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return 0, fmt.Errorf("migrations %s: locker: %w", d, err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, db, fsys, opts...)
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
