package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ncruces/go-sqlite3"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// The auth concern (store.AuthStore): users here, API keys, refresh
// tokens and the audit log in the files beside it. Schema: 00001 and
// 00006_auth.sql.

var (
	_ store.AuthStore   = (*Store)(nil)
	_ store.UserDeleter = (*Store)(nil)
)

// isUnique tells a unique or primary key violation, which callers see as
// store.ErrExists. The driver's error is dropped there: its text may quote
// the conflicting value (a hash).
func isUnique(err error) bool {
	return errors.Is(err, sqlite3.CONSTRAINT_UNIQUE) || errors.Is(err, sqlite3.CONSTRAINT_PRIMARYKEY)
}

// scanNullTime parses a nullable timestamp column; NULL is the zero time.
func scanNullTime(ns sql.NullString) (time.Time, error) {
	if !ns.Valid {
		return time.Time{}, nil
	}
	return parseTime(ns.String)
}

// scanTimePtr parses a nullable timestamp column; NULL is nil.
func scanTimePtr(ns sql.NullString) (*time.Time, error) {
	if !ns.Valid {
		return nil, nil
	}
	t, err := parseTime(ns.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// timePtr stores a nil time as NULL.
func timePtr(t *time.Time) sql.NullString {
	if t == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(*t), Valid: true}
}

// CreateUser inserts u; store.ErrExists when its username, email or id is
// taken. A zero CreatedAt is stamped now, a zero UpdatedAt with CreatedAt.
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	if u.ID == "" || u.Username == "" {
		return errors.New("sqlite create user: empty id or username")
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = store.Now()
	}
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO users
		(id, username, email, password_hash, role, disabled, tokens_valid_after, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Username, nullString(u.Email), u.PasswordHash, u.Role, u.Disabled,
		nullTime(u.TokensValidAfter), formatTime(u.CreatedAt), formatTime(u.UpdatedAt))
	if isUnique(err) {
		return fmt.Errorf("sqlite create user %q: %w", u.Username, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite create user %q: %w", u.Username, err)
	}
	return nil
}

const userColumns = `id, username, email, password_hash, role, disabled, tokens_valid_after, created_at, updated_at`

func scanUser(sc interface{ Scan(...any) error }) (store.User, error) {
	var (
		u                store.User
		email, valid     sql.NullString
		created, updated string
	)
	if err := sc.Scan(&u.ID, &u.Username, &email, &u.PasswordHash, &u.Role, &u.Disabled,
		&valid, &created, &updated); err != nil {
		return u, err
	}
	u.Email = email.String
	var err error
	if u.TokensValidAfter, err = scanNullTime(valid); err != nil {
		return u, err
	}
	if u.CreatedAt, err = parseTime(created); err != nil {
		return u, err
	}
	u.UpdatedAt, err = parseTime(updated)
	return u, err
}

func (s *Store) oneUser(ctx context.Context, what, where, arg string) (*store.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+where+` = ?`, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite %s %q: %w", what, arg, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite %s %q: %w", what, arg, err)
	}
	return &u, nil
}

// GetUser returns the user with this id; store.ErrNotFound when there is none.
func (s *Store) GetUser(ctx context.Context, id string) (*store.User, error) {
	return s.oneUser(ctx, "get user", "id", id)
}

// GetUserByName returns the user with this username; store.ErrNotFound
// when there is none.
func (s *Store) GetUserByName(ctx context.Context, username string) (*store.User, error) {
	return s.oneUser(ctx, "get user by name", "username", username)
}

// UpdateUser saves u's email, password hash, role, disabled flag,
// TokensValidAfter and UpdatedAt.
func (s *Store) UpdateUser(ctx context.Context, u *store.User) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET email = ?, password_hash = ?, role = ?, disabled = ?,
		tokens_valid_after = ?, updated_at = ? WHERE id = ?`,
		nullString(u.Email), u.PasswordHash, u.Role, u.Disabled, nullTime(u.TokensValidAfter),
		formatTime(u.UpdatedAt), u.ID)
	if isUnique(err) {
		return fmt.Errorf("sqlite update user %s: email: %w", u.ID, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite update user %s: %w", u.ID, err)
	}
	return oneRow(res, "sqlite update user", u.ID)
}

// ListUsers returns every user, oldest first.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := s.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite list users: %w", err)
	}
	defer rows.Close()
	users := []store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite list users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite list users: %w", err)
	}
	return users, nil
}

// DeleteUser removes a user; the foreign keys (foreign_keys is on for
// every connection) remove its API keys and refresh tokens.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite delete user %s: %w", id, err)
	}
	return oneRow(res, "sqlite delete user", id)
}

// encodeScopes stores nil scopes as an empty list.
func encodeScopes(scopes []string) (string, error) {
	if scopes == nil {
		scopes = []string{}
	}
	b, err := json.Marshal(scopes)
	return string(b), err
}

// encodeDetails stores nil details as an empty object.
func encodeDetails(d map[string]any) (string, error) {
	if d == nil {
		d = map[string]any{}
	}
	b, err := json.Marshal(d)
	return string(b), err
}
