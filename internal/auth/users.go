package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// usernameForm is what a username may be: 1-64 letters, digits and . _ @ -.
var usernameForm = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

func errIsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// CreateUser adds an account; role "" means security.default_role. The
// caller has checked that whoever asks may (the CLI's operator, or a
// user.admin principal).
func (s *Service) CreateUser(ctx context.Context, username, password, role string) (*store.User, error) {
	if !usernameForm.MatchString(username) {
		return nil, &InputError{Field: "username", Msg: "want 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"}
	}
	if role == "" {
		role = s.sec.DefaultRole
	}
	if _, ok := s.roles.Permissions(role); !ok {
		return nil, &InputError{Field: "role", Msg: fmt.Sprintf("unknown role %q", role)}
	}
	if err := checkNewPassword(password); err != nil {
		return nil, &InputError{Field: "password", Msg: err.Error()}
	}
	hash, err := s.hash.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	now := storeTime(s.now())
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("user id: %w", err)
	}
	u := &store.User{ID: id.String(), Username: username, PasswordHash: hash, Role: role, CreatedAt: now, UpdatedAt: now, TokensValidAfter: now}
	if err := s.st.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, fmt.Errorf("user %q: %w", username, ErrConflict)
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	s.audit(ctx, "user.created", u.ID, "user:"+u.ID, map[string]any{"username": username, "role": role})
	return u, nil
}

// SetPassword changes a user's password and ends their sessions: tokens
// issued before now are refused and refresh tokens revoked.
func (s *Service) SetPassword(ctx context.Context, userID, password string) error {
	if err := checkNewPassword(password); err != nil {
		return &InputError{Field: "password", Msg: err.Error()}
	}
	hash, err := s.hash.hash(ctx, password)
	if err != nil {
		return err
	}
	return s.changeUser(ctx, userID, "user.password_changed", nil, func(u *store.User) { u.PasswordHash = hash })
}

// SetRole changes a user's role; their tokens end at once, and their API
// keys carry the new role's permissions from the next request on.
func (s *Service) SetRole(ctx context.Context, userID, role string) error {
	if _, ok := s.roles.Permissions(role); !ok {
		return &InputError{Field: "role", Msg: fmt.Sprintf("unknown role %q", role)}
	}
	return s.changeUser(ctx, userID, "user.role_changed", map[string]any{"role": role}, func(u *store.User) { u.Role = role })
}

// SetDisabled disables or re-enables a user; disabling ends every
// session and key use at once.
func (s *Service) SetDisabled(ctx context.Context, userID string, disabled bool) error {
	return s.changeUser(ctx, userID, "user.disabled_changed", map[string]any{"disabled": disabled}, func(u *store.User) { u.Disabled = disabled })
}

// changeUser applies change, moves tokens_valid_after to now (rounded up
// to the second, the precision of a token's iat) and revokes the user's
// refresh tokens.
func (s *Service) changeUser(ctx context.Context, userID, action string, details map[string]any, change func(*store.User)) error {
	u, err := s.st.GetUser(ctx, userID)
	if errIsNotFound(err) {
		return fmt.Errorf("user %q: %w", userID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("load user: %w", err)
	}
	now := s.now()
	change(u)
	u.TokensValidAfter = ceilSecond(now)
	u.UpdatedAt = storeTime(now)
	if err := s.st.UpdateUser(ctx, u); err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if err := s.st.RevokeUserTokens(ctx, u.ID, storeTime(now)); err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	s.audit(ctx, action, u.ID, "user:"+u.ID, details)
	return nil
}

func ceilSecond(t time.Time) time.Time {
	c := t.UTC().Truncate(time.Second)
	if c.Before(t) {
		c = c.Add(time.Second)
	}
	return c
}

// UserPrincipal returns the principal of a user acting with their role,
// for operators' tools (the CLI issues keys as their owner).
func (s *Service) UserPrincipal(u *store.User) *Principal { return s.principalFor(u) }
