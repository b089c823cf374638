package auth

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// memStore is a faithful in-memory store.AuthStore: SpendRefreshToken is
// atomic and an unknown family counts as revoked. Its hooks let a test
// fail on any lookup of API keys.
type memStore struct {
	mu      sync.Mutex
	users   map[string]store.User
	keys    map[string]store.APIKey
	tokens  map[string]store.RefreshToken
	revoked map[string]bool // family -> revoked
	audit   []store.AuditEvent
}

var _ store.AuthStore = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{users: map[string]store.User{}, keys: map[string]store.APIKey{}, tokens: map[string]store.RefreshToken{}, revoked: map[string]bool{}}
}

func (m *memStore) CreateUser(_ context.Context, u *store.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.users {
		if o.Username == u.Username {
			return store.ErrExists
		}
	}
	m.users[u.ID] = *u
	return nil
}

func (m *memStore) GetUser(_ context.Context, id string) (*store.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	return &u, nil
}

func (m *memStore) GetUserByName(_ context.Context, name string) (*store.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range m.users {
		if u.Username == name {
			return &u, nil
		}
	}
	return nil, store.ErrNotFound
}

func (m *memStore) UpdateUser(_ context.Context, u *store.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.ID]; !ok {
		return store.ErrNotFound
	}
	m.users[u.ID] = *u
	return nil
}

func (m *memStore) ListUsers(context.Context) ([]store.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.User
	for _, u := range m.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b store.User) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

func (m *memStore) CreateAPIKey(_ context.Context, k *store.APIKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.keys {
		if o.Hash == k.Hash {
			return store.ErrExists
		}
	}
	c := *k
	c.Scopes = slices.Clone(k.Scopes)
	m.keys[k.ID] = c
	return nil
}

func (m *memStore) APIKeyByHash(_ context.Context, hash string) (*store.APIKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.keys {
		if k.Hash == hash {
			return &k, nil
		}
	}
	return nil, store.ErrNotFound
}

func (m *memStore) GetAPIKey(_ context.Context, id string) (*store.APIKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	return &k, nil
}

func (m *memStore) ListAPIKeys(_ context.Context, userID string) ([]store.APIKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.APIKey
	for _, k := range m.keys {
		if k.UserID == userID {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b store.APIKey) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

func (m *memStore) RevokeAPIKey(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return store.ErrNotFound
	}
	if k.RevokedAt == nil {
		k.RevokedAt = &at
	}
	m.keys[id] = k
	return nil
}

func (m *memStore) TouchAPIKey(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[id]
	if !ok {
		return store.ErrNotFound
	}
	k.LastUsedAt = &at
	m.keys[id] = k
	return nil
}

func (m *memStore) CreateRefreshToken(_ context.Context, t *store.RefreshToken) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[t.ID] = *t
	if _, ok := m.revoked[t.FamilyID]; !ok {
		m.revoked[t.FamilyID] = false
	}
	return nil
}

func (m *memStore) RefreshTokenByHash(_ context.Context, hash string) (*store.RefreshToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.tokens {
		if t.Hash == hash {
			return &t, nil
		}
	}
	return nil, store.ErrNotFound
}

func (m *memStore) SpendRefreshToken(_ context.Context, id string, at time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[id]
	if !ok || t.UsedAt != nil || t.RevokedAt != nil {
		return false, nil
	}
	t.UsedAt = &at
	m.tokens[id] = t
	return true, nil
}

func (m *memStore) RevokeFamily(_ context.Context, family string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.revoked[family] = true
	for id, t := range m.tokens {
		if t.FamilyID == family && t.RevokedAt == nil {
			t.RevokedAt = &at
			m.tokens[id] = t
		}
	}
	return nil
}

func (m *memStore) FamilyRevoked(_ context.Context, family string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.revoked[family]
	return !ok || r, nil
}

func (m *memStore) RevokeUserTokens(_ context.Context, userID string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, t := range m.tokens {
		if t.UserID == userID && t.RevokedAt == nil {
			t.RevokedAt = &at
			m.tokens[id] = t
			m.revoked[t.FamilyID] = true
		}
	}
	return nil
}

func (m *memStore) Audit(_ context.Context, e *store.AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.ID = int64(len(m.audit) + 1)
	m.audit = append(m.audit, *e)
	return nil
}

func (m *memStore) ListAudit(_ context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.AuditEvent
	for i := len(m.audit) - 1; i >= 0; i-- {
		e := m.audit[i]
		if (f.UserID == "" || e.UserID == f.UserID) && (f.Action == "" || e.Action == f.Action) {
			out = append(out, e)
		}
	}
	return out, nil
}
