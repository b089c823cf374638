// Package sqlite is the default store backend: one SQLite file opened through
// the pure-Go ncruces/go-sqlite3 driver in WAL mode, migrated on open.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/migrations"

	"github.com/gofrs/flock"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"
)

var _ store.Store = (*Store)(nil)

// timeLayout is fixed-width so that stored timestamps sort as they compare.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Store is a store.Store kept in one SQLite file.
type Store struct {
	db    *sql.DB
	w     *writer
	stmts *stmtCache
}

// Default pool and open settings, used when Options leave them at zero.
const (
	defaultMaxConns    = 8
	defaultOpenTimeout = 3 * time.Second
	// lockWait is the least time an opener waits for another to finish
	// setting the database up (migrations on a new database take seconds
	// on a busy machine); the connect timeout applies when it is longer.
	lockWait = time.Minute
)

// Open opens (creating it and its parent directories if needed) the SQLite
// database at path and applies pending migrations (with o.NoMigrate, checks
// that none is pending instead).
func Open(ctx context.Context, path string, o store.Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite open: empty path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlite open %s: %w", path, err)
		}
	}
	// Two processes opening a new database at once would race to switch it
	// to WAL and to apply the same migration (goose has no lock for
	// SQLite), so opening holds a lock file beside the database: one
	// opener sets the database up, the next finds the work done (waiting
	// for the lock up to lockWait). "database is locked" from a process
	// that does not take the lock (an older build) is retried until the
	// connect timeout.
	timeout := o.ConnectTimeout
	if timeout <= 0 {
		timeout = defaultOpenTimeout
	}
	deadline := time.Now().Add(timeout)
	var err error
	for attempt := 0; ; attempt++ {
		var st *Store
		if st, err = openLocked(ctx, path, o, time.Now().Add(max(timeout, lockWait))); err == nil {
			return st, nil
		}
		if errors.Is(err, migrations.ErrPending) {
			return nil, fmt.Errorf("sqlite open %s: %w", path, err)
		}
		wait := min(time.Duration(attempt+1)*40*time.Millisecond, 400*time.Millisecond)
		if time.Now().Add(wait).After(deadline) {
			return nil, fmt.Errorf("sqlite open %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("sqlite open %s: %w", path, errors.Join(err, ctx.Err()))
		case <-time.After(wait):
		}
	}
}

// openLocked runs openOnce holding path's lock file, waiting for it until
// deadline.
func openLocked(ctx context.Context, path string, o store.Options, deadline time.Time) (*Store, error) {
	lk := flock.New(path + ".lock")
	lctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	locked, err := lk.TryLockContext(lctx, 20*time.Millisecond)
	if !locked {
		return nil, fmt.Errorf("lock %s.lock: %w", path, cmp.Or(err, errors.New("not granted")))
	}
	defer func() { _ = lk.Unlock() }()
	return openOnce(ctx, path, o)
}

func openOnce(ctx context.Context, path string, o store.Options) (*Store, error) {
	// FTS5 is an extension of the wasm build, registered on every connection.
	db, err := driver.Open(dsn(path), fts5.Register)
	if err != nil {
		return nil, err
	}
	// SQLite has one writer at a time, and the writer holds one connection
	// for good; a bounded pool of readers beside it keeps a leaked cursor
	// from going unnoticed while leaving room for readers that write as
	// they stream.
	conns := defaultMaxConns
	if o.MaxConnections > 0 {
		conns = max(o.MaxConnections, 2)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(max(conns/2, 1))
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if o.NoMigrate {
		_, err = migrations.Check(ctx, db, migrations.SQLite)
	} else {
		_, err = migrations.Up(ctx, db, migrations.SQLite)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	w, err := openWriter(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, w: w, stmts: newStmtCache(db)}, nil
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
	if err := errors.Join(s.stmts.close(), s.w.close(), s.db.Close()); err != nil {
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

// nullTime stores a zero time as NULL.
func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}
