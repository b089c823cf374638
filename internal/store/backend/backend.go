// Package backend opens the store named by a URL: SQLite for sqlite: URLs and
// bare .db/.sqlite paths, PostgreSQL for postgres:// URLs.
package backend

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/postgres"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
)

// Kind names a backend.
type Kind string

// Backends.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// Forms lists the accepted URL forms, for error messages and help text.
const Forms = `"sqlite:PATH", "sqlite://PATH", a path ending in .db, .sqlite or .sqlite3, "postgres://..." or "postgresql://..."`

// Target is a parsed store URL: for SQLite, Location is the file path; for
// PostgreSQL, the connection URL unchanged.
type Target struct {
	Kind     Kind
	Location string
}

// Parse classifies a store URL.
func Parse(raw string) (Target, error) {
	s := strings.TrimSpace(raw)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return Target{Kind: Postgres, Location: s}, nil
	case strings.HasPrefix(lower, "sqlite://"):
		return sqliteTarget(raw, s[len("sqlite://"):])
	case strings.HasPrefix(lower, "sqlite:"):
		return sqliteTarget(raw, s[len("sqlite:"):])
	}
	switch strings.ToLower(filepath.Ext(s)) {
	case ".db", ".sqlite", ".sqlite3":
		if !strings.Contains(s, "://") {
			return sqliteTarget(raw, s)
		}
	}
	return Target{}, fmt.Errorf("store URL %q not understood; use %s", Redact(raw), Forms)
}

func sqliteTarget(raw, path string) (Target, error) {
	if path == "" || strings.ContainsRune(path, 0) || strings.ContainsAny(path, "?#") {
		return Target{}, fmt.Errorf("store URL %q: need a file path without ? or #; use %s", Redact(raw), Forms)
	}
	return Target{Kind: SQLite, Location: path}, nil
}

// Redact hides any password in a URL (user:password@ or a password query
// parameter) so that it can appear in messages and logs. A URL with no
// password is returned as it was written, not re-encoded.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Not a URL we can take apart: hide everything between "//" and "@".
		if i := strings.Index(raw, "//"); i >= 0 {
			if j := strings.LastIndex(raw, "@"); j > i {
				return raw[:i+2] + "xxxxx" + raw[j:]
			}
		}
		return raw
	}
	q := u.Query()
	if _, hasPass := u.User.Password(); !hasPass && !q.Has("password") {
		return raw
	}
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// OptionsFrom turns the [storage] settings into open options:
// max_connections, connection_timeout_seconds and enable_migrations.
func OptionsFrom(c config.Storage) store.Options {
	return store.Options{
		MaxConnections: c.MaxConnections,
		ConnectTimeout: time.Duration(c.ConnectionTimeoutSeconds) * time.Second,
		NoMigrate:      !c.EnableMigrations,
	}
}

// Open opens the store at raw (see Forms) with o. A PostgreSQL server that
// cannot be reached gives an error naming host:port, never the password;
// a schema behind this build's, when o.NoMigrate is set, an error wrapping
// migrations.ErrPending that says to run `llm-test-bench migrate`.
func Open(ctx context.Context, raw string, o store.Options) (store.Store, error) {
	t, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	switch t.Kind {
	case SQLite:
		s, err := sqlite.Open(ctx, t.Location, o)
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		return s, nil
	default:
		s, err := postgres.Open(ctx, t.Location, o)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", Redact(raw), err)
		}
		return s, nil
	}
}

// DefaultSQLitePath returns $XDG_DATA_HOME/llm-test-bench/ltb.db, or
// ~/.local/share/llm-test-bench/ltb.db when XDG_DATA_HOME is unset or not
// absolute (as the XDG spec requires).
func DefaultSQLitePath() (string, error) {
	if dir := os.Getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "llm-test-bench", "ltb.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("default sqlite path: %w", err)
	}
	if home == "" {
		return "", errors.New("default sqlite path: no home directory")
	}
	return filepath.Join(home, ".local", "share", "llm-test-bench", "ltb.db"), nil
}
