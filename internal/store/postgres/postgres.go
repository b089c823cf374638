// Package postgres is the team store backend: PostgreSQL through a pgx v5
// connection pool, JSONB documents, migrated on open.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
	"github.com/llm-test-bench/llm-test-bench/internal/store/record"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store kept in PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url (a postgres:// URL or key=value DSN;
// a search_path parameter selects the schema), checks it answers and applies
// pending migrations. Errors never include the password.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors may quote the input; keep only our own words.
		return nil, errors.New("postgres open: invalid connection string")
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
	_, err = migrations.Up(ctx, db, migrations.Postgres)
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

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// CreateRun inserts run.
func (s *Store) CreateRun(ctx context.Context, run *bench.Run) error {
	if run.ID == "" {
		return errors.New("postgres create run: empty id")
	}
	j, err := record.EncodeRun(run)
	if err != nil {
		return fmt.Errorf("postgres create run: %w", err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO sessions
		(id, name, description, user_id, status, config, tags, total, totals, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		run.ID, run.Name, run.Description, nullString(run.UserID), string(run.Status),
		j.Config, j.Tags, run.Total, j.Totals, run.CreatedAt.UTC(), run.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("postgres create run %s: %w", run.ID, err)
	}
	return nil
}

// UpdateRun saves run's status, total, totals, config and UpdatedAt.
func (s *Store) UpdateRun(ctx context.Context, run *bench.Run) error {
	j, err := record.EncodeRun(run)
	if err != nil {
		return fmt.Errorf("postgres update run: %w", err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE sessions SET status = $1, total = $2, totals = $3, config = $4, updated_at = $5
		WHERE id = $6`, string(run.Status), run.Total, j.Totals, j.Config, run.UpdatedAt.UTC(), run.ID)
	if err != nil {
		return fmt.Errorf("postgres update run %s: %w", run.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres update run %s: %w", run.ID, store.ErrNotFound)
	}
	return nil
}

const runColumns = `id, name, description, user_id, status, config, tags, total, totals, created_at, updated_at`

func scanRun(row pgx.Row) (bench.Run, error) {
	var (
		run                  bench.Run
		user                 *string
		status               string
		config, tags, totals []byte
		created, updated     time.Time
	)
	if err := row.Scan(&run.ID, &run.Name, &run.Description, &user, &status,
		&config, &tags, &run.Total, &totals, &created, &updated); err != nil {
		return run, err
	}
	if user != nil {
		run.UserID = *user
	}
	run.Status = bench.RunStatus(status)
	run.CreatedAt, run.UpdatedAt = created.UTC(), updated.UTC()
	err := record.DecodeRun(&run, record.RunJSON{Config: config, Tags: tags, Totals: totals})
	return run, err
}

// GetRun returns the run with id, or the only run whose id starts with id
// when id has at least 6 characters.
func (s *Store) GetRun(ctx context.Context, id string) (*bench.Run, error) {
	run, err := scanRun(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM sessions WHERE id = $1`, id))
	if err == nil {
		return &run, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres get run %s: %w", id, err)
	}
	if len(id) < store.MinPrefix {
		return nil, fmt.Errorf("postgres get run %s: %w", id, store.ErrNotFound)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+runColumns+` FROM sessions
		WHERE substr(id, 1, $1) = $2 ORDER BY id LIMIT 2`, len([]rune(id)), id)
	if err != nil {
		return nil, fmt.Errorf("postgres get run %s: %w", id, err)
	}
	found, err := collectRuns(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres get run %s: %w", id, err)
	}
	return store.PickPrefix(id, found)
}

func collectRuns(rows pgx.Rows) ([]bench.Run, error) {
	defer rows.Close()
	runs := []bench.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, rows.Err()
}

// ListRuns returns runs newest first.
func (s *Store) ListRuns(ctx context.Context, f store.RunFilter) ([]bench.Run, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.pool.Query(ctx, `SELECT `+runColumns+` FROM sessions
		WHERE ($1 = '' OR status = $1) ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
		string(f.Status), limit, max(f.Offset, 0))
	if err != nil {
		return nil, fmt.Errorf("postgres list runs: %w", err)
	}
	runs, err := collectRuns(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres list runs: %w", err)
	}
	return runs, nil
}

// DeleteRun removes the run with exactly this id and its results.
func (s *Store) DeleteRun(ctx context.Context, id string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres delete run %s: %w", id, err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM results WHERE session_id = $1`, id); err != nil {
		return fmt.Errorf("postgres delete run %s: results: %w", id, err)
	}
	tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres delete run %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres delete run %s: %w", id, store.ErrNotFound)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres delete run %s: commit: %w", id, err)
	}
	return nil
}
