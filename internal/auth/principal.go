// Package auth authenticates and authorizes the API server's callers:
// argon2id passwords, HS256 access tokens with key rotation, opaque
// refresh tokens rotated on use, API keys (ltb_...), and role-based
// permissions from the configuration. See docs/SERVER.md.
package auth

import (
	"context"
	"time"
)

// Principal is an authenticated caller: a user, through an access token
// or one of their API keys.
type Principal struct {
	UserID   string
	Username string
	Role     string
	// Perms are the permissions in force: the role's, narrowed to the
	// key's scopes for an API key.
	Perms Permissions
	// KeyID is the API key used, "" for an access token.
	KeyID string
	// TokenID is the access token's jti, and FamilyID its refresh family
	// (what logout revokes); both "" for an API key.
	TokenID  string
	FamilyID string
	// IssuedAt is when the access token was issued (zero for a key).
	IssuedAt time.Time
	// ExpiresAt is when the credential stops working (zero: no expiry);
	// live connections close then.
	ExpiresAt time.Time
}

// Can reports whether p holds perm (such as "benchmark.read").
func (p *Principal) Can(perm string) bool { return p != nil && p.Perms.Allows(perm) }

// SeesAll reports whether p may act on other users' objects (benchmarks,
// results): only holders of "*" may.
func (p *Principal) SeesAll() bool { return p != nil && p.Perms.Allows(AllPermissions) }

// Owns reports whether p may act on an object owned by userID.
func (p *Principal) Owns(userID string) bool {
	return p != nil && (p.SeesAll() || (userID != "" && userID == p.UserID))
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal ctx carries, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
