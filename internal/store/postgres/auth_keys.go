package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// CreateAPIKey inserts k; store.ErrExists when its hash or id is taken.
// A zero CreatedAt is stamped now.
func (s *Store) CreateAPIKey(ctx context.Context, k *store.APIKey) error {
	if k.ID == "" || k.UserID == "" || k.Hash == "" {
		return errors.New("postgres create api key: empty id, user or hash")
	}
	scopes, err := encodeScopes(k.Scopes)
	if err != nil {
		return fmt.Errorf("postgres create api key %s: scopes: %w", k.ID, err)
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = store.Now()
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO api_keys
		(id, user_id, name, prefix, key_hash, scopes, created_at, last_used_at, expires_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		k.ID, k.UserID, k.Name, k.Prefix, k.Hash, scopes, k.CreatedAt.UTC(),
		utcPtr(k.LastUsedAt), utcPtr(k.ExpiresAt), utcPtr(k.RevokedAt))
	if isUnique(err) {
		return fmt.Errorf("postgres create api key %s: %w", k.ID, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("postgres create api key %s: %w", k.ID, err)
	}
	return nil
}

const apiKeyColumns = `id, user_id, name, prefix, key_hash, scopes, created_at, last_used_at, expires_at, revoked_at`

func scanAPIKey(row pgx.Row) (store.APIKey, error) {
	var (
		k      store.APIKey
		scopes []byte
	)
	if err := row.Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.Hash, &scopes, &k.CreatedAt,
		&k.LastUsedAt, &k.ExpiresAt, &k.RevokedAt); err != nil {
		return k, err
	}
	if err := json.Unmarshal(scopes, &k.Scopes); err != nil {
		return k, fmt.Errorf("scopes: %w", err)
	}
	if k.Scopes == nil {
		k.Scopes = []string{}
	}
	k.CreatedAt = k.CreatedAt.UTC()
	k.LastUsedAt, k.ExpiresAt, k.RevokedAt = utcPtr(k.LastUsedAt), utcPtr(k.ExpiresAt), utcPtr(k.RevokedAt)
	return k, nil
}

// APIKeyByHash returns the key with this hash, revoked or expired ones
// too; store.ErrNotFound when there is none. Errors never quote the hash.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (*store.APIKey, error) {
	k, err := scanAPIKey(s.pool.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres api key by hash: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres api key by hash: %w", err)
	}
	return &k, nil
}

// GetAPIKey returns the key with this id; store.ErrNotFound when there is none.
func (s *Store) GetAPIKey(ctx context.Context, id string) (*store.APIKey, error) {
	k, err := scanAPIKey(s.pool.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres get api key %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres get api key %s: %w", id, err)
	}
	return &k, nil
}

// ListAPIKeys returns userID's keys, oldest first.
func (s *Store) ListAPIKeys(ctx context.Context, userID string) ([]store.APIKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys
		WHERE user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("postgres list api keys of %s: %w", userID, err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.APIKey, error) { return scanAPIKey(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres list api keys of %s: %w", userID, err)
	}
	if keys == nil {
		keys = []store.APIKey{}
	}
	return keys, nil
}

// RevokeAPIKey marks key id revoked at at unless it already is.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`,
		at.UTC(), id)
	return oneRow(tag, err, "postgres revoke api key", id)
}

// TouchAPIKey moves key id's last use forward to at, never back.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = GREATEST(last_used_at, $1) WHERE id = $2`,
		at.UTC(), id)
	return oneRow(tag, err, "postgres touch api key", id)
}
