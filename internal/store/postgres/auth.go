package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// The auth concern (store.AuthStore): users here, API keys, refresh
// tokens and the audit log in the files beside it. Schema: 00001 and
// 00005_auth.sql.

var (
	_ store.AuthStore   = (*Store)(nil)
	_ store.UserDeleter = (*Store)(nil)
)

// isUnique tells a unique or primary key violation (SQLSTATE 23505), which
// callers see as store.ErrExists. The server's error is dropped there: its
// detail quotes the conflicting value (a hash).
func isUnique(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}

// utcPtr returns a UTC copy of a nullable time.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CreateUser inserts u; store.ErrExists when its username, email or id is
// taken. A zero CreatedAt is stamped now, a zero UpdatedAt with CreatedAt.
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	if u.ID == "" || u.Username == "" {
		return errors.New("postgres create user: empty id or username")
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = store.Now()
	}
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO users
		(id, username, email, password_hash, role, disabled, tokens_valid_after, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.ID, u.Username, nullString(u.Email), u.PasswordHash, u.Role, u.Disabled,
		nullTime(u.TokensValidAfter), u.CreatedAt.UTC(), u.UpdatedAt.UTC())
	if isUnique(err) {
		return fmt.Errorf("postgres create user %q: %w", u.Username, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("postgres create user %q: %w", u.Username, err)
	}
	return nil
}

const userColumns = `id, username, email, password_hash, role, disabled, tokens_valid_after, created_at, updated_at`

func scanUser(row pgx.Row) (store.User, error) {
	var (
		u                store.User
		email            *string
		valid            *time.Time
		created, updated time.Time
	)
	if err := row.Scan(&u.ID, &u.Username, &email, &u.PasswordHash, &u.Role, &u.Disabled,
		&valid, &created, &updated); err != nil {
		return u, err
	}
	if email != nil {
		u.Email = *email
	}
	if valid != nil {
		u.TokensValidAfter = valid.UTC()
	}
	u.CreatedAt, u.UpdatedAt = created.UTC(), updated.UTC()
	return u, nil
}

func (s *Store) oneUser(ctx context.Context, what, where, arg string) (*store.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+where+` = $1`, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres %s %q: %w", what, arg, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres %s %q: %w", what, arg, err)
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
	tag, err := s.pool.Exec(ctx, `UPDATE users SET email = $1, password_hash = $2, role = $3, disabled = $4,
		tokens_valid_after = $5, updated_at = $6 WHERE id = $7`,
		nullString(u.Email), u.PasswordHash, u.Role, u.Disabled, nullTime(u.TokensValidAfter),
		u.UpdatedAt.UTC(), u.ID)
	if isUnique(err) {
		return fmt.Errorf("postgres update user %s: email: %w", u.ID, store.ErrExists)
	}
	return oneRow(tag, err, "postgres update user", u.ID)
}

// ListUsers returns every user, oldest first.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("postgres list users: %w", err)
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres list users: %w", err)
	}
	if users == nil {
		users = []store.User{}
	}
	return users, nil
}

// DeleteUser removes a user; the foreign keys remove its API keys and
// refresh tokens.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM users WHERE id = $1`, id)
	return oneRow(tag, err, "postgres delete user", id)
}

// encodeScopes stores nil scopes as an empty list.
func encodeScopes(scopes []string) ([]byte, error) {
	if scopes == nil {
		scopes = []string{}
	}
	return json.Marshal(scopes)
}

// encodeDetails stores nil details as an empty object.
func encodeDetails(d map[string]any) ([]byte, error) {
	if d == nil {
		d = map[string]any{}
	}
	return json.Marshal(d)
}
