package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedStmts bounds the statement cache. The texts come from this
// package's code; the API's result filters could combine into thousands,
// but clients use a few combinations, and the first texts seen keep their
// places (later ones run unprepared, as without the cache).
const maxCachedStmts = 256

// stmtCache keeps prepared statements by SQL text. The API server runs a
// few texts (a page of results, a run, a user) thousands of times a
// minute; without it SQLite parses each one again on every call, which
// was a tenth of a page's CPU. database/sql prepares a cached statement
// once per pooled connection, on first use there.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: make(map[string]*sql.Stmt)}
}

// get returns the prepared statement for q, or nil when the cache is full
// (the caller then runs q unprepared).
func (c *stmtCache) get(ctx context.Context, q string) (*sql.Stmt, error) {
	c.mu.RLock()
	st := c.m[q]
	c.mu.RUnlock()
	if st != nil {
		return st, nil
	}
	c.mu.RLock()
	full := len(c.m) >= maxCachedStmts
	c.mu.RUnlock()
	if full {
		return nil, nil
	}
	// Prepared outside the lock, so that hits never wait for a prepare; a
	// sql.Stmt keeps no context, so ctx's end does not spoil it.
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if won := c.m[q]; won != nil || len(c.m) >= maxCachedStmts {
		_ = st.Close() // another call cached it first, or the cache filled
		return won, nil
	}
	c.m[q] = st
	return st, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, st := range c.m {
		errs = append(errs, st.Close())
		delete(c.m, q)
	}
	return errors.Join(errs...)
}

// query runs a read through the statement cache.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.stmts.get(ctx, q)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return s.db.QueryContext(ctx, q, args...)
	}
	return st.QueryContext(ctx, args...)
}

// queryRow runs a one-row read through the statement cache.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := s.stmts.get(ctx, q)
	if err != nil || st == nil {
		// An unpreparable text fails again here, with its error in the Row.
		return s.db.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
