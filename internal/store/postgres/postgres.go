// Package postgres is the team store backend: PostgreSQL through a pgx v5
// connection pool, JSONB documents, migrated on open.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store kept in PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url (a postgres:// URL or key=value DSN;
// a search_path parameter selects the schema), checks it answers and applies
// pending migrations (with o.NoMigrate, checks that none is pending
// instead). o.MaxConnections sizes the pool unless the URL sets
// pool_max_conns; o.ConnectTimeout bounds each connection attempt unless the
// URL sets connect_timeout. Errors never include the password.
func Open(ctx context.Context, url string, o store.Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors may quote the input; keep only our own words.
		return nil, errors.New("postgres open: invalid connection string")
	}
	if o.MaxConnections > 0 && !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = int32(min(o.MaxConnections, math.MaxInt32))
	}
	if o.ConnectTimeout > 0 && !strings.Contains(url, "connect_timeout") {
		cfg.ConnConfig.ConnectTimeout = o.ConnectTimeout
	}
	addr := net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port)))
	redact := func(err error) error { return redactError(err, cfg.ConnConfig.Password) }
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres open %s: %w", addr, redact(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres open: cannot reach PostgreSQL at %s: %w", addr, redact(err))
	}
	db := stdlib.OpenDBFromPool(pool)
	if o.NoMigrate {
		_, err = migrations.Check(ctx, db, migrations.Postgres)
	} else {
		_, err = migrations.Up(ctx, db, migrations.Postgres)
	}
	if cerr := db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres open %s: %w", addr, redact(err))
	}
	return &Store{pool: pool}, nil
}

// redactError replaces any occurrence of password in err's text.
func redactError(err error, password string) error {
	if err == nil || password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), password, "xxxxx"))
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres ping: %w", err)
	}
	return nil
}

// Close closes every pooled connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}
