package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// CreateAPIKey inserts k; store.ErrExists when its hash or id is taken.
// A zero CreatedAt is stamped now.
func (s *Store) CreateAPIKey(ctx context.Context, k *store.APIKey) error {
	if k.ID == "" || k.UserID == "" || k.Hash == "" {
		return errors.New("sqlite create api key: empty id, user or hash")
	}
	scopes, err := encodeScopes(k.Scopes)
	if err != nil {
		return fmt.Errorf("sqlite create api key %s: scopes: %w", k.ID, err)
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = store.Now()
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO api_keys
		(id, user_id, name, prefix, key_hash, scopes, created_at, last_used_at, expires_at, revoked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.UserID, k.Name, k.Prefix, k.Hash, scopes, formatTime(k.CreatedAt),
		timePtr(k.LastUsedAt), timePtr(k.ExpiresAt), timePtr(k.RevokedAt))
	if isUnique(err) {
		return fmt.Errorf("sqlite create api key %s: %w", k.ID, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite create api key %s: %w", k.ID, err)
	}
	return nil
}

const apiKeyColumns = `id, user_id, name, prefix, key_hash, scopes, created_at, last_used_at, expires_at, revoked_at`

func scanAPIKey(sc interface{ Scan(...any) error }) (store.APIKey, error) {
	var (
		k                      store.APIKey
		scopes, created        string
		used, expires, revoked sql.NullString
	)
	if err := sc.Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.Hash, &scopes, &created,
		&used, &expires, &revoked); err != nil {
		return k, err
	}
	if err := json.Unmarshal([]byte(scopes), &k.Scopes); err != nil {
		return k, fmt.Errorf("scopes: %w", err)
	}
	if k.Scopes == nil {
		k.Scopes = []string{}
	}
	var err error
	if k.CreatedAt, err = parseTime(created); err != nil {
		return k, err
	}
	if k.LastUsedAt, err = scanTimePtr(used); err != nil {
		return k, err
	}
	if k.ExpiresAt, err = scanTimePtr(expires); err != nil {
		return k, err
	}
	k.RevokedAt, err = scanTimePtr(revoked)
	return k, err
}

// APIKeyByHash returns the key with this hash, revoked or expired ones
// too; store.ErrNotFound when there is none. Errors never quote the hash.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (*store.APIKey, error) {
	k, err := scanAPIKey(s.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite api key by hash: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite api key by hash: %w", err)
	}
	return &k, nil
}

// GetAPIKey returns the key with this id; store.ErrNotFound when there is none.
func (s *Store) GetAPIKey(ctx context.Context, id string) (*store.APIKey, error) {
	k, err := scanAPIKey(s.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite get api key %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite get api key %s: %w", id, err)
	}
	return &k, nil
}

// ListAPIKeys returns userID's keys, oldest first.
func (s *Store) ListAPIKeys(ctx context.Context, userID string) ([]store.APIKey, error) {
	rows, err := s.query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys
		WHERE user_id = ? ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite list api keys of %s: %w", userID, err)
	}
	defer rows.Close()
	keys := []store.APIKey{}
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite list api keys of %s: %w", userID, err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite list api keys of %s: %w", userID, err)
	}
	return keys, nil
}

// RevokeAPIKey marks key id revoked at at unless it already is.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`,
		formatTime(at), id)
	if err != nil {
		return fmt.Errorf("sqlite revoke api key %s: %w", id, err)
	}
	return oneRow(res, "sqlite revoke api key", id)
}

// TouchAPIKey moves key id's last use forward to at (never back: the
// fixed-width timestamps compare as text).
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, ''), ?1)
		WHERE id = ?2`, formatTime(at), id)
	if err != nil {
		return fmt.Errorf("sqlite touch api key %s: %w", id, err)
	}
	return oneRow(res, "sqlite touch api key", id)
}
