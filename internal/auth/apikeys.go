package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// NewAPIKey is a key just created: the only time Key is ever shown.
type NewAPIKey struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"`
	Prefix    string    `json:"prefix"`
	Name      string    `json:"name"`
	Scopes    []string  `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
}

const maxKeyNameChars = 100

// CreateAPIKey creates a key owned by p, which needs apikey.manage. Its
// scopes must be known permissions within p's own (a key cannot mint a
// broader key); none means p's role's permissions, or p's scopes when p is
// itself a key.
func (s *Service) CreateAPIKey(ctx context.Context, p *Principal, name string, scopes []string) (*NewAPIKey, error) {
	if p == nil {
		return nil, ErrUnauthenticated
	}
	if !p.Can("apikey.manage") {
		return nil, ErrForbidden
	}
	if len(scopes) == 0 && p.KeyID != "" {
		scopes = slices.Clone(p.Perms)
	}
	return s.createKey(ctx, p.UserID, p.Perms, name, scopes)
}

// IssueAPIKey creates a key for a user on an operator's behalf (the CLI):
// no permission of a principal is checked, only that the scopes lie
// within the user's role.
func (s *Service) IssueAPIKey(ctx context.Context, userID, name string, scopes []string) (*NewAPIKey, error) {
	u, err := s.st.GetUser(ctx, userID)
	if errIsNotFound(err) {
		return nil, fmt.Errorf("user %q: %w", userID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	return s.createKey(ctx, u.ID, s.principalFor(u).Perms, name, scopes)
}

func (s *Service) createKey(ctx context.Context, userID string, perms Permissions, name string, scopes []string) (*NewAPIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > maxKeyNameChars {
		return nil, &InputError{Field: "name", Msg: fmt.Sprintf("want a name of 1-%d characters", maxKeyNameChars)}
	}
	if err := checkScopes(perms, scopes); err != nil {
		return nil, &InputError{Field: "scopes", Msg: err.Error()}
	}
	key, err := GenerateAPIKey()
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("key id: %w", err)
	}
	if scopes == nil {
		scopes = []string{}
	}
	rec := &store.APIKey{
		ID: id.String(), UserID: userID, Name: name, Prefix: ShownPrefix(key), Hash: HashAPIKey(key),
		Scopes: slices.Clone(scopes), CreatedAt: storeTime(s.now()),
	}
	if err := s.st.CreateAPIKey(ctx, rec); err != nil {
		return nil, fmt.Errorf("store API key: %w", err)
	}
	s.audit(ctx, "apikey.created", userID, "apikey:"+rec.ID, map[string]any{"name": name, "prefix": rec.Prefix, "scopes": rec.Scopes})
	return &NewAPIKey{ID: rec.ID, Key: key, Prefix: rec.Prefix, Name: name, Scopes: rec.Scopes, CreatedAt: rec.CreatedAt}, nil
}

// RevokeAPIKey revokes key id: p's own with apikey.manage, anyone's with
// apikey.admin. A key p may not touch is ErrNotFound, as is no key.
func (s *Service) RevokeAPIKey(ctx context.Context, p *Principal, id string) error {
	if p == nil {
		return ErrUnauthenticated
	}
	if !p.Can("apikey.manage") && !p.Can("apikey.admin") {
		return ErrForbidden
	}
	k, err := s.st.GetAPIKey(ctx, id)
	if errIsNotFound(err) || err == nil && k.UserID != p.UserID && !p.Can("apikey.admin") {
		return fmt.Errorf("API key %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("load API key: %w", err)
	}
	return s.revokeKey(ctx, k, p.UserID)
}

// RevokeAPIKeyByID revokes any key on an operator's behalf (the CLI).
func (s *Service) RevokeAPIKeyByID(ctx context.Context, id string) error {
	k, err := s.st.GetAPIKey(ctx, id)
	if errIsNotFound(err) {
		return fmt.Errorf("API key %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("load API key: %w", err)
	}
	return s.revokeKey(ctx, k, "")
}

func (s *Service) revokeKey(ctx context.Context, k *store.APIKey, by string) error {
	if err := s.st.RevokeAPIKey(ctx, k.ID, storeTime(s.now())); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("API key %q: %w", k.ID, ErrNotFound)
		}
		return fmt.Errorf("revoke API key: %w", err)
	}
	s.audit(ctx, "apikey.revoked", k.UserID, "apikey:"+k.ID, map[string]any{"by": by, "prefix": k.Prefix})
	return nil
}

// ListAPIKeys returns p's keys, oldest first: prefixes, never keys.
func (s *Service) ListAPIKeys(ctx context.Context, p *Principal) ([]store.APIKey, error) {
	if p == nil {
		return nil, ErrUnauthenticated
	}
	if !p.Can("apikey.manage") {
		return nil, ErrForbidden
	}
	ks, err := s.st.ListAPIKeys(ctx, p.UserID)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	for i := range ks {
		ks[i].Hash = ""
	}
	return ks, nil
}
