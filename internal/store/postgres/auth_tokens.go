package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// CreateRefreshToken inserts t; store.ErrExists when its hash or id is
// taken. A zero FamilyIssuedAt is taken from IssuedAt.
func (s *Store) CreateRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	if t.ID == "" || t.FamilyID == "" || t.UserID == "" || t.Hash == "" {
		return errors.New("postgres create refresh token: empty id, family, user or hash")
	}
	if t.IssuedAt.IsZero() || t.ExpiresAt.IsZero() {
		return fmt.Errorf("postgres create refresh token %s: zero issue or expiry time", t.ID)
	}
	if t.FamilyIssuedAt.IsZero() {
		t.FamilyIssuedAt = t.IssuedAt
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO refresh_tokens
		(id, family_id, parent_id, user_id, token_hash, issued_at, family_issued_at, expires_at, used_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, t.FamilyID, nullString(t.ParentID), t.UserID, t.Hash, t.IssuedAt.UTC(),
		t.FamilyIssuedAt.UTC(), t.ExpiresAt.UTC(), utcPtr(t.UsedAt), utcPtr(t.RevokedAt))
	if isUnique(err) {
		return fmt.Errorf("postgres create refresh token %s: %w", t.ID, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("postgres create refresh token %s: %w", t.ID, err)
	}
	return nil
}

// RefreshTokenByHash returns the token with this hash, spent or revoked
// ones too; store.ErrNotFound when there is none. Errors never quote the
// hash.
func (s *Store) RefreshTokenByHash(ctx context.Context, hash string) (*store.RefreshToken, error) {
	var (
		t      store.RefreshToken
		parent *string
	)
	err := s.pool.QueryRow(ctx, `SELECT id, family_id, parent_id, user_id, token_hash, issued_at,
		family_issued_at, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1`, hash).
		Scan(&t.ID, &t.FamilyID, &parent, &t.UserID, &t.Hash, &t.IssuedAt, &t.FamilyIssuedAt, &t.ExpiresAt,
			&t.UsedAt, &t.RevokedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres refresh token by hash: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres refresh token by hash: %w", err)
	}
	if parent != nil {
		t.ParentID = *parent
	}
	t.IssuedAt, t.FamilyIssuedAt, t.ExpiresAt = t.IssuedAt.UTC(), t.FamilyIssuedAt.UTC(), t.ExpiresAt.UTC()
	t.UsedAt, t.RevokedAt = utcPtr(t.UsedAt), utcPtr(t.RevokedAt)
	return &t, nil
}

// SpendRefreshToken marks token id used at at if it is neither used nor
// revoked. The check and the change are one UPDATE: a concurrent one waits
// on the row lock, then re-checks the condition on the committed row and
// changes nothing, so exactly one call gets true.
func (s *Store) SpendRefreshToken(ctx context.Context, id string, at time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE refresh_tokens SET used_at = $1
		WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL`, at.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("postgres spend refresh token %s: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// RevokeFamily revokes every token of familyID not revoked yet.
func (s *Store) RevokeFamily(ctx context.Context, familyID string, at time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $1
		WHERE family_id = $2 AND revoked_at IS NULL`, at.UTC(), familyID); err != nil {
		return fmt.Errorf("postgres revoke refresh family %s: %w", familyID, err)
	}
	return nil
}

// FamilyRevoked reports whether familyID has no token or a revoked one.
func (s *Store) FamilyRevoked(ctx context.Context, familyID string) (bool, error) {
	var tokens, revoked int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*), count(revoked_at) FROM refresh_tokens
		WHERE family_id = $1`, familyID).Scan(&tokens, &revoked); err != nil {
		return true, fmt.Errorf("postgres refresh family %s revoked: %w", familyID, err)
	}
	return tokens == 0 || revoked > 0, nil
}

// RevokeUserTokens revokes every token of userID not revoked yet.
func (s *Store) RevokeUserTokens(ctx context.Context, userID string, at time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $1
		WHERE user_id = $2 AND revoked_at IS NULL`, at.UTC(), userID); err != nil {
		return fmt.Errorf("postgres revoke refresh tokens of user %s: %w", userID, err)
	}
	return nil
}
