// Package store keeps runs and their result records. Two backends, SQLite
// by default and PostgreSQL for teams, implement it and pass one
// conformance suite (storetest).
//
// The store is split by concern, as prometheus splits its Appender from
// its Querier, so that each caller sees only what it uses:
//
//   - RunStore (runs.go): create, update, find, list and delete runs, and
//     the heartbeat of a live run.
//   - ResultWriter (results.go): what the runner needs, one method.
//   - ResultReader (results.go): what reports, resume and `runs` need.
//   - AuthStore (auth.go): users, API keys, refresh tokens and the audit
//     log of the API server; UserDeleter for administration tools.
//   - ProfileStore (profiles.go): the model profiles `optimize` reads,
//     folded from finished runs.
//   - AlertStore (alerts.go): the alerts of the alert rules.
//   - PluginStore (plugins.go): the plugins installed and their versions.
//
// Store composes them with Ping and Close; it is what a backend returns.
//
// # Adding a concern
//
// A later issue that brings a new kind of record (users and API keys,
// alerts, plugins, model profiles, ...) adds it beside the others rather
// than growing an existing interface:
//
//  1. its own interface in its own file here (e.g. users.go with a
//     UserStore), named after what its callers do, with its own filter and
//     sentinel errors if it needs them;
//  2. its own migration on each dialect (migrations/sqlite and
//     migrations/postgres, the next free number; old migrations are never
//     edited), creating only the tables it uses;
//  3. its own section of the conformance suite (storetest/users.go, listed
//     in storetest.Run), which both backends then pass;
//  4. the methods on both backends (sqlite/users.go, postgres/users.go),
//     and the interface embedded in Store.
//
// Callers keep depending on the narrow interface, never on Store, unless
// they truly use every concern.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when a record (a run, a result, a user, ...)
// does not exist.
var ErrNotFound = errors.New("not found")

// Store is everything a backend keeps. Callers should depend on the
// narrow interface they use (RunStore, ResultWriter, ResultReader,
// AuthStore, ...).
type Store interface {
	RunStore
	ResultWriter
	ResultReader
	AuthStore
	UserDeleter
	ResultQuerier
	ProfileStore
	AlertStore
	PluginStore

	// Ping checks the database is reachable.
	Ping(ctx context.Context) error
	// Close releases the database; the store is unusable afterwards.
	Close() error
}

// Now is the clock used for timestamps, truncated to microseconds so both
// backends round-trip it exactly.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
