package store

import "time"

// Options tunes how a backend opens its database ([storage] in the
// configuration). The zero value opens with the backend's defaults and
// applies pending migrations.
type Options struct {
	// MaxConnections bounds the connection pool: PostgreSQL's pool, and
	// SQLite's pool of one writer and its readers (at least 2 there).
	// 0 means the backend's default.
	MaxConnections int
	// ConnectTimeout bounds how long opening waits for the database: the
	// PostgreSQL connect timeout (a connect_timeout in the URL wins), and
	// for SQLite how long Open keeps retrying a new database that another
	// process is setting up. 0 means the backend's default.
	ConnectTimeout time.Duration
	// NoMigrate leaves the schema alone: Open checks its version instead
	// and fails, wrapping migrations.ErrPending, when migrations are
	// pending (`llm-test-bench migrate` applies them).
	NoMigrate bool
}
