package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// TokenPair is what login and refresh answer.
type TokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	// ExpiresIn is the access token's lifetime in seconds.
	ExpiresIn int64 `json:"expires_in"`
}

// Login checks a username and password and starts a session (a new
// refresh family). Failures answer ErrUnauthenticated whether the user is
// unknown, disabled or the password wrong, after the same argon2id work;
// the sixth failure within the window for the username or the client
// address answers *ThrottledError, the right password included, until it
// passes. A hash made with old parameters is replaced.
func (s *Service) Login(ctx context.Context, username, password, clientIP string) (*TokenPair, error) {
	if s.keys == nil {
		return nil, ErrNoSigningKey
	}
	if len(password) > MaxPasswordBytes {
		return nil, &InputError{Field: "password", Msg: ErrPasswordTooLong.Error()}
	}
	if len(username) > 256 {
		return nil, &InputError{Field: "username", Msg: "username is too long"}
	}
	now := s.now()
	userKey, ipKey := "user:"+strings.ToLower(username), "ip:"+clientIP
	// Every attempt counts as a failure until it succeeds, so that a burst
	// of concurrent guesses is throttled like a sequence.
	userWait, ipWait := s.userFails.attempt(userKey, now), s.ipFails.attempt(ipKey, now)
	if wait := max(userWait, ipWait); wait > 0 {
		if userWait == 0 {
			s.userFails.forgive(userKey, now)
		}
		if ipWait == 0 {
			s.ipFails.forgive(ipKey, now)
		}
		s.warn(ctx, "login throttled", "retry_after_s", retrySeconds(wait))
		return nil, &ThrottledError{RetryAfter: wait}
	}
	forgive := func() { s.userFails.forgive(userKey, now); s.ipFails.forgive(ipKey, now) }
	u, err := s.st.GetUserByName(ctx, username)
	if err != nil && !errIsNotFound(err) {
		forgive() // not a guess: the store failed
		return nil, fmt.Errorf("load user: %w", err)
	}
	ok := false
	if u != nil && u.PasswordHash != "" {
		if ok, err = s.hash.verify(ctx, password, u.PasswordHash); err != nil && ctx.Err() != nil {
			forgive()
			return nil, err
		}
	} else {
		s.hash.verifyDummy(ctx, password)
	}
	if !ok || u.Disabled {
		reason, userID := "unknown user", ""
		switch {
		case u != nil && u.Disabled:
			reason, userID = "user disabled", u.ID
		case u != nil:
			reason, userID = "wrong password", u.ID
		}
		// The username is logged only when it names a user: an unknown
		// one may be a password typed in the wrong field.
		s.warn(ctx, "login failed", "reason", reason, "user_id", userID)
		s.audit(ctx, "login.failed", userID, "", map[string]any{"reason": reason})
		return nil, unauthenticated(reason)
	}
	s.userFails.reset(userKey)
	s.ipFails.forgive(ipKey, now)
	if s.hash.needsRehash(u.PasswordHash) {
		s.rehash(ctx, u, password)
	}
	pair, err := s.startFamily(ctx, u, now)
	if err != nil {
		return nil, err
	}
	s.log.Info("login", "user_id", u.ID, "request_id", infoOf(ctx).id)
	s.audit(ctx, "login.ok", u.ID, "", nil)
	return pair, nil
}

// rehash stores password under the current parameters; a failure is
// logged and the login goes on.
func (s *Service) rehash(ctx context.Context, u *store.User, password string) {
	h, err := s.hash.hash(ctx, password)
	if err == nil {
		fresh := *u
		fresh.PasswordHash, fresh.UpdatedAt = h, storeTime(s.now())
		err = s.st.UpdateUser(ctx, &fresh)
	}
	if err != nil {
		s.log.Error("rehash password", "user_id", u.ID, "err", err)
	}
}

// startFamily issues the first refresh token of a new family and its
// access token.
func (s *Service) startFamily(ctx context.Context, u *store.User, now time.Time) (*TokenPair, error) {
	fam, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("family id: %w", err)
	}
	return s.issue(ctx, u, fam.String(), "", storeTime(now), now)
}

// issue stores a refresh token of family (child of parent) and mints its
// access token.
func (s *Service) issue(ctx context.Context, u *store.User, family, parent string, familyStart, now time.Time) (*TokenPair, error) {
	rt, hash, err := newRefreshToken()
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("refresh token id: %w", err)
	}
	issued := storeTime(now)
	exp := issued.Add(s.sec.RefreshTokenIdleTimeout)
	if end := familyStart.Add(s.sec.RefreshTokenLifetime); end.Before(exp) {
		exp = end
	}
	rec := &store.RefreshToken{
		ID: id.String(), FamilyID: family, ParentID: parent, UserID: u.ID, Hash: hash,
		IssuedAt: issued, FamilyIssuedAt: familyStart, ExpiresAt: exp,
	}
	if err := s.st.CreateRefreshToken(ctx, rec); err != nil {
		return nil, fmt.Errorf("store refresh token: %w", err)
	}
	at, err := mintAccess(s.keys, u.ID, family, now, u.TokensValidAfter, s.sec.AccessTokenTTL)
	if err != nil {
		return nil, err
	}
	return &TokenPair{AccessToken: at.Token, RefreshToken: rt, TokenType: "Bearer", ExpiresIn: int64(s.sec.AccessTokenTTL / time.Second)}, nil
}

// Refresh spends a refresh token and returns a new pair of the same
// family. A token spent before (reuse: a stolen copy, or the legitimate
// client after a thief) revokes the whole family; of two concurrent
// refreshes with one token exactly one succeeds and the other counts as
// reuse. A token past its absolute lifetime or idle timeout, revoked, or
// of a disabled user answers ErrUnauthenticated.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (*TokenPair, error) {
	if s.keys == nil {
		return nil, ErrNoSigningKey
	}
	if len(refreshToken) != 64 {
		return nil, unauthenticated("malformed refresh token")
	}
	rt, err := s.st.RefreshTokenByHash(ctx, hashSecret(refreshToken))
	if errIsNotFound(err) {
		s.warn(ctx, "refresh failed", "reason", "unknown refresh token")
		return nil, unauthenticated("unknown refresh token")
	}
	if err != nil {
		return nil, fmt.Errorf("load refresh token: %w", err)
	}
	now := s.now()
	switch {
	case rt.RevokedAt != nil:
		return nil, s.refreshRefused(ctx, rt, "revoked refresh token")
	case rt.UsedAt != nil:
		return nil, s.reuse(ctx, rt, now)
	case !now.Before(rt.FamilyIssuedAt.Add(s.sec.RefreshTokenLifetime)):
		return nil, s.refreshRefused(ctx, rt, "session past its absolute lifetime")
	case !now.Before(rt.IssuedAt.Add(s.sec.RefreshTokenIdleTimeout)), !now.Before(rt.ExpiresAt):
		return nil, s.refreshRefused(ctx, rt, "refresh token idle too long")
	}
	u, err := s.loadActiveUser(ctx, rt.UserID)
	if err != nil {
		return nil, err
	}
	spent, err := s.st.SpendRefreshToken(ctx, rt.ID, storeTime(now))
	if err != nil {
		return nil, fmt.Errorf("spend refresh token: %w", err)
	}
	if !spent {
		return nil, s.reuse(ctx, rt, now)
	}
	pair, err := s.issue(ctx, u, rt.FamilyID, rt.ID, rt.FamilyIssuedAt, now)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "token.refreshed", u.ID, "family:"+rt.FamilyID, nil)
	return pair, nil
}

func (s *Service) refreshRefused(ctx context.Context, rt *store.RefreshToken, reason string) error {
	s.warn(ctx, "refresh failed", "reason", reason, "user_id", rt.UserID, "family_id", rt.FamilyID)
	return unauthenticated(reason)
}

// reuse revokes the family of a token presented after it was spent.
func (s *Service) reuse(ctx context.Context, rt *store.RefreshToken, now time.Time) error {
	if err := s.st.RevokeFamily(ctx, rt.FamilyID, storeTime(now)); err != nil {
		return fmt.Errorf("revoke family on reuse: %w", err)
	}
	s.warn(ctx, "refresh token reuse detected; session revoked", "user_id", rt.UserID, "family_id", rt.FamilyID)
	s.audit(ctx, "token.reuse_detected", rt.UserID, "family:"+rt.FamilyID, nil)
	return unauthenticated("refresh token reused")
}

// Logout ends p's session: the family of its access token, and the family
// of refreshToken when given (it must be p's own). Access tokens of the
// family stop working at once, since authentication checks the family.
func (s *Service) Logout(ctx context.Context, p *Principal, refreshToken string) error {
	if p == nil {
		return ErrUnauthenticated
	}
	now := storeTime(s.now())
	families := []string{}
	if p.FamilyID != "" {
		families = append(families, p.FamilyID)
	}
	if refreshToken != "" {
		rt, err := s.st.RefreshTokenByHash(ctx, hashSecret(refreshToken))
		switch {
		case err == nil && rt.UserID == p.UserID:
			families = append(families, rt.FamilyID)
		case err != nil && !errIsNotFound(err):
			return fmt.Errorf("load refresh token: %w", err)
		}
	}
	for _, f := range families {
		if err := s.st.RevokeFamily(ctx, f, now); err != nil {
			return fmt.Errorf("revoke session: %w", err)
		}
		s.audit(ctx, "logout", p.UserID, "family:"+f, nil)
	}
	return nil
}
