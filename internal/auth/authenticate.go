package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// MaxAuthorizationBytes bounds the Authorization header; longer ones are
// refused before any parsing.
const MaxAuthorizationBytes = 8 << 10

// ErrMalformedHeader is an Authorization header that is not one
// "Bearer <credential>" (400 in HTTP terms; it wraps ErrUnauthenticated,
// so callers that only tell 401 from the rest may treat it as one).
var ErrMalformedHeader = fmt.Errorf("%w: malformed Authorization header", ErrUnauthenticated)

// Authenticate checks the value of an Authorization header: "Bearer " and
// an access token or an API key (ltb_...). Every refusal wraps
// ErrUnauthenticated; any other error is the store's.
func (s *Service) Authenticate(ctx context.Context, header string) (*Principal, error) {
	if header == "" {
		return nil, unauthenticated("no credentials")
	}
	if len(header) > MaxAuthorizationBytes {
		return nil, ErrMalformedHeader
	}
	scheme, cred, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" || strings.ContainsAny(cred, " \t") {
		return nil, ErrMalformedHeader
	}
	return s.AuthenticateToken(ctx, cred)
}

// AuthenticateToken checks a bearer credential alone: an access token or
// an API key. WebSocket connections call it with the token of their first
// message.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (*Principal, error) {
	if strings.HasPrefix(token, APIKeyPrefix) {
		return s.authenticateKey(ctx, token)
	}
	return s.authenticateAccess(ctx, token)
}

func (s *Service) authenticateAccess(ctx context.Context, token string) (*Principal, error) {
	if s.keys == nil {
		return nil, ErrNoSigningKey
	}
	c, err := parseAccess(s.keys, token, s.now)
	if errors.Is(err, jwt.ErrTokenExpired) {
		return nil, &expiredError{"access token expired"}
	}
	if err != nil {
		return nil, unauthenticated("invalid access token: " + err.Error())
	}
	u, err := s.loadActiveUser(ctx, c.Subject)
	if err != nil {
		return nil, err
	}
	p := s.principalFor(u)
	p.TokenID, p.FamilyID = c.ID, c.SID
	p.IssuedAt, p.ExpiresAt = c.IssuedAt.Time, c.ExpiresAt.Time
	if err := s.checkSession(ctx, p, u); err != nil {
		return nil, err
	}
	return p, nil
}

// checkSession refuses an access token issued before the user's
// tokens_valid_after or whose family was revoked (logout, reuse).
func (s *Service) checkSession(ctx context.Context, p *Principal, u *store.User) error {
	if p.IssuedAt.Before(u.TokensValidAfter) {
		return unauthenticated("token issued before the user's tokens_valid_after")
	}
	if !p.ExpiresAt.IsZero() && !s.now().Before(p.ExpiresAt.Add(Leeway)) {
		return &expiredError{"access token expired"}
	}
	revoked, err := s.st.FamilyRevoked(ctx, p.FamilyID)
	if err != nil {
		return fmt.Errorf("check session: %w", err)
	}
	if revoked {
		return unauthenticated("session revoked")
	}
	return nil
}

func (s *Service) authenticateKey(ctx context.Context, key string) (*Principal, error) {
	if !WellFormedAPIKey(key) {
		return nil, unauthenticated("malformed API key")
	}
	k, err := s.st.APIKeyByHash(ctx, HashAPIKey(key))
	if errIsNotFound(err) {
		return nil, unauthenticated("unknown API key")
	}
	if err != nil {
		return nil, fmt.Errorf("load API key: %w", err)
	}
	p, err := s.keyPrincipal(ctx, k)
	if err != nil {
		return nil, err
	}
	if now := s.now(); s.touch.due(k.ID, now) {
		if err := s.st.TouchAPIKey(ctx, k.ID, storeTime(now)); err != nil {
			s.log.Error("record API key use", "key_id", k.ID, "err", err)
		}
	}
	return p, nil
}

// keyPrincipal checks a stored key and returns its principal, its
// permissions the key's scopes narrowed to the owner's role now.
func (s *Service) keyPrincipal(ctx context.Context, k *store.APIKey) (*Principal, error) {
	now := s.now()
	switch {
	case k.RevokedAt != nil:
		return nil, unauthenticated("API key revoked")
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		return nil, &expiredError{"API key expired"}
	}
	u, err := s.loadActiveUser(ctx, k.UserID)
	if err != nil {
		return nil, err
	}
	p := s.principalFor(u)
	p.Perms = effective(p.Perms, k.Scopes)
	p.KeyID = k.ID
	if k.ExpiresAt != nil {
		p.ExpiresAt = *k.ExpiresAt
	}
	return p, nil
}

// ErrPermissionsChanged is Revalidate's answer for an API key whose
// owner's role changed: the connection must end (4403) and the client
// reconnect with what it may now do.
var ErrPermissionsChanged = fmt.Errorf("%w: permissions changed", ErrForbidden)

// Revalidate reports whether p still stands now: its user exists and is
// enabled; for a token, it was issued after tokens_valid_after, has not
// expired and its family is not revoked; for a key, it is neither revoked
// nor expired and grants what it granted. Live connections (WebSocket,
// GraphQL subscriptions) call it periodically and close on an error:
// ErrUnauthenticated (4401) or ErrPermissionsChanged (4403); another error
// is the store's.
func (s *Service) Revalidate(ctx context.Context, p *Principal) error {
	if p == nil {
		return ErrUnauthenticated
	}
	if p.KeyID != "" {
		k, err := s.st.GetAPIKey(ctx, p.KeyID)
		if errIsNotFound(err) {
			return unauthenticated("API key gone")
		}
		if err != nil {
			return fmt.Errorf("load API key: %w", err)
		}
		now, err := s.keyPrincipal(ctx, k)
		if err != nil {
			return err
		}
		if now.Role != p.Role || !slices.Equal(now.Perms, p.Perms) {
			return ErrPermissionsChanged
		}
		return nil
	}
	u, err := s.loadActiveUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	if u.Role != p.Role {
		return ErrPermissionsChanged
	}
	return s.checkSession(ctx, p, u)
}

// isUnauthenticated tells a refused credential from a failure.
func isUnauthenticated(err error) bool { return errors.Is(err, ErrUnauthenticated) }
