package store

import (
	"context"
	"errors"
	"time"
)

// ErrExists is returned when a record with the same unique key (a
// username, an API key hash) is already stored.
var ErrExists = errors.New("already exists")

// AuthStore keeps what the server's authentication needs: users, API
// keys, refresh tokens and the audit log. See internal/auth.
//
// Both backends (migrations sqlite/00006_auth.sql, postgres/00005_auth.sql)
// pass storetest's Auth section, which pins: timestamps come back in UTC at
// microsecond precision; a zero User.CreatedAt, APIKey.CreatedAt or
// AuditEvent.CreatedAt is stamped with Now() (and a zero User.UpdatedAt
// with the CreatedAt) and written back to the argument; nil Scopes come
// back empty and nil Details as an empty map (numbers as float64); lists
// are empty, never nil; ids are the caller's and must not be empty.
type AuthStore interface {
	UserStore
	APIKeyStore
	RefreshTokenStore
	AuditLog
}

// User is an account of the API server.
type User struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Email    string `json:"email,omitempty"`
	// PasswordHash is an argon2id PHC string; "" for an account that
	// cannot log in with a password.
	PasswordHash string `json:"-"`
	Role         string `json:"role"`
	Disabled     bool   `json:"disabled"`
	// TokensValidAfter refuses every token issued before it: set on a
	// password change, a role change and when the user is disabled.
	TokensValidAfter time.Time `json:"tokens_valid_after"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// UserStore keeps users.
type UserStore interface {
	// CreateUser inserts u (u.ID set); ErrExists when the username (or a
	// non-empty email, or the id) is taken. Usernames are compared exactly:
	// the caller normalises them.
	CreateUser(ctx context.Context, u *User) error
	// GetUser returns a user by id; ErrNotFound when there is none.
	GetUser(ctx context.Context, id string) (*User, error)
	// GetUserByName returns a user by username; ErrNotFound when there is none.
	GetUserByName(ctx context.Context, username string) (*User, error)
	// UpdateUser saves email, password hash, role, disabled,
	// tokens_valid_after and updated_at; ErrNotFound when there is no user
	// u.ID, ErrExists when the new email is another user's.
	UpdateUser(ctx context.Context, u *User) error
	// ListUsers returns every user, oldest first.
	ListUsers(ctx context.Context) ([]User, error)
}

// UserDeleter removes accounts. It is apart from UserStore because the
// server never deletes a user (it disables them); administration tools do.
type UserDeleter interface {
	// DeleteUser removes a user with its API keys and refresh tokens (the
	// audit log keeps its events); ErrNotFound when there is none.
	DeleteUser(ctx context.Context, id string) error
}

// APIKey is a long-lived credential of a user. Only the hash of the key
// is stored; Prefix is what listings show.
type APIKey struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Hash       string     `json:"-"`
	Scopes     []string   `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// APIKeyStore keeps API keys.
type APIKeyStore interface {
	// CreateAPIKey inserts k (k.ID set); ErrExists on a duplicate hash.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyByHash returns the key with this hash, revoked or not;
	// ErrNotFound when there is none.
	APIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// GetAPIKey returns a key by id; ErrNotFound when there is none.
	GetAPIKey(ctx context.Context, id string) (*APIKey, error)
	// ListAPIKeys returns a user's keys, oldest first.
	ListAPIKeys(ctx context.Context, userID string) ([]APIKey, error)
	// RevokeAPIKey marks a key revoked at at (a second revoke keeps the
	// first time); ErrNotFound when there is no such key.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
	// TouchAPIKey records that a key was used at at; an earlier at than
	// the one recorded leaves it (concurrent requests finish out of
	// order). ErrNotFound when there is no such key.
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
}

// RefreshToken is one opaque refresh token, stored as its hash. Tokens
// descending from one login form a family: reusing a spent token revokes
// the whole family (RFC 9700 section 4.14).
type RefreshToken struct {
	ID       string `json:"id"`
	FamilyID string `json:"family_id"`
	ParentID string `json:"parent_id,omitempty"`
	UserID   string `json:"user_id"`
	Hash     string `json:"-"`
	// IssuedAt starts the inactivity timeout; the family's first token's
	// IssuedAt starts its absolute lifetime (FamilyIssuedAt).
	IssuedAt       time.Time  `json:"issued_at"`
	FamilyIssuedAt time.Time  `json:"family_issued_at"`
	ExpiresAt      time.Time  `json:"expires_at"`
	UsedAt         *time.Time `json:"used_at"`
	RevokedAt      *time.Time `json:"revoked_at"`
}

// RefreshTokenStore keeps refresh tokens and their families.
type RefreshTokenStore interface {
	// CreateRefreshToken inserts t (t.ID, t.FamilyID, t.UserID, t.Hash,
	// t.IssuedAt and t.ExpiresAt set; a zero FamilyIssuedAt is taken from
	// IssuedAt, as for a family's first token). ErrExists on a duplicate
	// hash or id.
	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	// RefreshTokenByHash returns the token with this hash, spent or not;
	// ErrNotFound when there is none.
	RefreshTokenByHash(ctx context.Context, hash string) (*RefreshToken, error)
	// SpendRefreshToken marks token id used at at if it is neither used
	// nor revoked, atomically: of two concurrent calls exactly one gets
	// true. An unknown id gets false. It does not look at ExpiresAt: the
	// caller checks the lifetimes before spending.
	SpendRefreshToken(ctx context.Context, id string, at time.Time) (bool, error)
	// RevokeFamily revokes every token of a family; a token already
	// revoked keeps its first revocation time.
	RevokeFamily(ctx context.Context, familyID string, at time.Time) error
	// FamilyRevoked reports whether a family was revoked (access tokens
	// carry their family, so logout ends them too): true as soon as any of
	// its tokens is revoked, so a child created after RevokeFamily does not
	// revive it. An unknown family is reported revoked (fail closed).
	FamilyRevoked(ctx context.Context, familyID string) (bool, error)
	// RevokeUserTokens revokes every refresh token of a user, and with
	// them every family the user has.
	RevokeUserTokens(ctx context.Context, userID string, at time.Time) error
}

// AuditEvent is one authentication or administration event.
type AuditEvent struct {
	ID        int64          `json:"id"`
	UserID    string         `json:"user_id,omitempty"`
	Action    string         `json:"action"`
	Resource  string         `json:"resource,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
	IP        string         `json:"ip,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
}

// AuditFilter narrows ListAudit to one user's or one action's events (both
// when both are set); Limit 0 (or less) means 100.
type AuditFilter struct {
	UserID string
	Action string
	Limit  int
}

// AuditLog keeps the audit trail, append-only.
type AuditLog interface {
	// Audit appends e; e.ID is assigned, increasing with every event.
	Audit(ctx context.Context, e *AuditEvent) error
	// ListAudit returns events, newest first (by CreatedAt, then ID).
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
}
