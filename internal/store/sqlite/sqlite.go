// Package sqlite is the default store backend: one SQLite file opened through
// the pure-Go ncruces/go-sqlite3 driver in WAL mode, migrated on open.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"
	"github.com/llm-test-bench/llm-test-bench/internal/store/record"

	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"
)

var _ store.Store = (*Store)(nil)

// timeLayout is fixed-width so that stored timestamps sort as they compare.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Store is a store.Store kept in one SQLite file.
type Store struct {
	db *sql.DB
	w  *writer
}

// Open opens (creating it and its parent directories if needed) the SQLite
// database at path and applies pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite open: empty path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlite open %s: %w", path, err)
		}
	}
	// Two processes opening a new database at once race to switch it to WAL
	// and to apply the same migration (goose has no lock for SQLite); the
	// loser sees "database is locked" or "already exists", and on a retry
	// finds the work done.
	var err error
	for attempt := range 10 {
		var st *Store
		if st, err = openOnce(ctx, path); err == nil {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("sqlite open %s: %w", path, errors.Join(err, ctx.Err()))
		case <-time.After(time.Duration(attempt+1) * 40 * time.Millisecond):
		}
	}
	return nil, fmt.Errorf("sqlite open %s: %w", path, err)
}

func openOnce(ctx context.Context, path string) (*Store, error) {
	// FTS5 is an extension of the wasm build, registered on every connection.
	db, err := driver.Open(dsn(path), fts5.Register)
	if err != nil {
		return nil, err
	}
	// SQLite has one writer at a time; a bounded pool keeps a leaked cursor
	// from going unnoticed while leaving room for readers that write as
	// they stream.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := migrations.Up(ctx, db, migrations.SQLite); err != nil {
		db.Close()
		return nil, err
	}
	w, err := openWriter(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, w: w}, nil
}

// dsn builds the driver's file: URI with the connection pragmas. Writes
// start IMMEDIATE transactions so concurrent writers queue on busy_timeout
// instead of failing on a lock upgrade. synchronous=normal under WAL loses
// no committed transaction when the process dies, only on power loss.
// temp_store=memory keeps the statement journals of the multi-row upserts
// out of temporary files. A new database gets 16 KiB pages (fewer WAL
// frames and b-tree splits per batch; page_size must come before WAL and
// is a no-op on an existing database).
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "page_size(16384)")
	q.Add("_pragma", "journal_mode(wal)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(normal)")
	q.Add("_pragma", "temp_store(memory)")
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode()}
	return u.String()
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite ping: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	if err := errors.Join(s.w.close(), s.db.Close()); err != nil {
		return fmt.Errorf("sqlite close: %w", err)
	}
	return nil
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t.UTC(), nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// CreateRun inserts run.
func (s *Store) CreateRun(ctx context.Context, run *bench.Run) error {
	if run.ID == "" {
		return errors.New("sqlite create run: empty id")
	}
	j, err := record.EncodeRun(run)
	if err != nil {
		return fmt.Errorf("sqlite create run: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO sessions
		(id, name, description, user_id, status, config, tags, total, totals, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.ID, run.Name, run.Description, nullString(run.UserID), string(run.Status),
		string(j.Config), string(j.Tags), run.Total, string(j.Totals),
		formatTime(run.CreatedAt), formatTime(run.UpdatedAt))
	if err != nil {
		return fmt.Errorf("sqlite create run %s: %w", run.ID, err)
	}
	return nil
}

// UpdateRun saves run's status, total, totals, config and UpdatedAt.
func (s *Store) UpdateRun(ctx context.Context, run *bench.Run) error {
	j, err := record.EncodeRun(run)
	if err != nil {
		return fmt.Errorf("sqlite update run: %w", err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE sessions SET status = ?, total = ?, totals = ?, config = ?, updated_at = ?
		WHERE id = ?`,
		string(run.Status), run.Total, string(j.Totals), string(j.Config), formatTime(run.UpdatedAt), run.ID)
	if err != nil {
		return fmt.Errorf("sqlite update run %s: %w", run.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite update run %s: %w", run.ID, err)
	} else if n == 0 {
		return fmt.Errorf("sqlite update run %s: %w", run.ID, store.ErrNotFound)
	}
	return nil
}

const runColumns = `id, name, description, user_id, status, config, tags, total, totals, created_at, updated_at`

func scanRun(sc interface{ Scan(...any) error }) (bench.Run, error) {
	var (
		run                  bench.Run
		user                 sql.NullString
		status               string
		config, tags, totals string
		created, updated     string
	)
	if err := sc.Scan(&run.ID, &run.Name, &run.Description, &user, &status,
		&config, &tags, &run.Total, &totals, &created, &updated); err != nil {
		return run, err
	}
	run.UserID = user.String
	run.Status = bench.RunStatus(status)
	if err := record.DecodeRun(&run, record.RunJSON{Config: []byte(config), Tags: []byte(tags), Totals: []byte(totals)}); err != nil {
		return run, err
	}
	var err error
	if run.CreatedAt, err = parseTime(created); err != nil {
		return run, err
	}
	if run.UpdatedAt, err = parseTime(updated); err != nil {
		return run, err
	}
	return run, nil
}

// GetRun returns the run with id, or the only run whose id starts with id
// when id has at least 6 characters.
func (s *Store) GetRun(ctx context.Context, id string) (*bench.Run, error) {
	run, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM sessions WHERE id = ?`, id))
	if err == nil {
		return &run, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite get run %s: %w", id, err)
	}
	if len(id) < store.MinPrefix {
		return nil, fmt.Errorf("sqlite get run %s: %w", id, store.ErrNotFound)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+` FROM sessions
		WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT 2`, len([]rune(id)), id)
	if err != nil {
		return nil, fmt.Errorf("sqlite get run %s: %w", id, err)
	}
	defer rows.Close()
	var found []bench.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite get run %s: %w", id, err)
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite get run %s: %w", id, err)
	}
	return store.PickPrefix(id, found)
}

// ListRuns returns runs newest first.
func (s *Store) ListRuns(ctx context.Context, f store.RunFilter) ([]bench.Run, error) {
	q := `SELECT ` + runColumns + ` FROM sessions`
	var args []any
	if f.Status != "" {
		q += ` WHERE status = ?`
		args = append(args, string(f.Status))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, max(f.Offset, 0))
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite list runs: %w", err)
	}
	defer rows.Close()
	runs := []bench.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite list runs: %w", err)
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite list runs: %w", err)
	}
	return runs, nil
}

// DeleteRun removes the run with exactly this id and its results.
func (s *Store) DeleteRun(ctx context.Context, id string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite delete run %s: %w", id, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM results WHERE session_id = ?`, id); err != nil {
		return fmt.Errorf("sqlite delete run %s: results: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite delete run %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite delete run %s: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("sqlite delete run %s: %w", id, store.ErrNotFound)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite delete run %s: commit: %w", id, err)
	}
	return nil
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
