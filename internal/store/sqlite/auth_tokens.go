package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// CreateRefreshToken inserts t; store.ErrExists when its hash or id is
// taken. A zero FamilyIssuedAt is taken from IssuedAt.
func (s *Store) CreateRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	if t.ID == "" || t.FamilyID == "" || t.UserID == "" || t.Hash == "" {
		return errors.New("sqlite create refresh token: empty id, family, user or hash")
	}
	if t.IssuedAt.IsZero() || t.ExpiresAt.IsZero() {
		return fmt.Errorf("sqlite create refresh token %s: zero issue or expiry time", t.ID)
	}
	if t.FamilyIssuedAt.IsZero() {
		t.FamilyIssuedAt = t.IssuedAt
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO refresh_tokens
		(id, family_id, parent_id, user_id, token_hash, issued_at, family_issued_at, expires_at, used_at, revoked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.FamilyID, nullString(t.ParentID), t.UserID, t.Hash, formatTime(t.IssuedAt),
		formatTime(t.FamilyIssuedAt), formatTime(t.ExpiresAt), timePtr(t.UsedAt), timePtr(t.RevokedAt))
	if isUnique(err) {
		return fmt.Errorf("sqlite create refresh token %s: %w", t.ID, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite create refresh token %s: %w", t.ID, err)
	}
	return nil
}

// RefreshTokenByHash returns the token with this hash, spent or revoked
// ones too; store.ErrNotFound when there is none. Errors never quote the
// hash.
func (s *Store) RefreshTokenByHash(ctx context.Context, hash string) (*store.RefreshToken, error) {
	var (
		t                         store.RefreshToken
		parent, used, revoked     sql.NullString
		issued, famIssued, expiry string
	)
	err := s.queryRow(ctx, `SELECT id, family_id, parent_id, user_id, token_hash, issued_at,
		family_issued_at, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = ?`, hash).
		Scan(&t.ID, &t.FamilyID, &parent, &t.UserID, &t.Hash, &issued, &famIssued, &expiry, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite refresh token by hash: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite refresh token by hash: %w", err)
	}
	t.ParentID = parent.String
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&t.IssuedAt, issued}, {&t.FamilyIssuedAt, famIssued}, {&t.ExpiresAt, expiry}} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, fmt.Errorf("sqlite refresh token %s: %w", t.ID, err)
		}
	}
	if t.UsedAt, err = scanTimePtr(used); err != nil {
		return nil, fmt.Errorf("sqlite refresh token %s: %w", t.ID, err)
	}
	if t.RevokedAt, err = scanTimePtr(revoked); err != nil {
		return nil, fmt.Errorf("sqlite refresh token %s: %w", t.ID, err)
	}
	return &t, nil
}

// SpendRefreshToken marks token id used at at if it is neither used nor
// revoked. The check and the change are one UPDATE, so of concurrent
// calls exactly one changes the row and gets true.
func (s *Store) SpendRefreshToken(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE refresh_tokens SET used_at = ?
		WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`, formatTime(at), id)
	if err != nil {
		return false, fmt.Errorf("sqlite spend refresh token %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite spend refresh token %s: %w", id, err)
	}
	return n == 1, nil
}

// RevokeFamily revokes every token of familyID not revoked yet.
func (s *Store) RevokeFamily(ctx context.Context, familyID string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = ?
		WHERE family_id = ? AND revoked_at IS NULL`, formatTime(at), familyID); err != nil {
		return fmt.Errorf("sqlite revoke refresh family %s: %w", familyID, err)
	}
	return nil
}

// FamilyRevoked reports whether familyID has no token or a revoked one.
func (s *Store) FamilyRevoked(ctx context.Context, familyID string) (bool, error) {
	var tokens, revoked int64
	if err := s.queryRow(ctx, `SELECT count(*), count(revoked_at) FROM refresh_tokens
		WHERE family_id = ?`, familyID).Scan(&tokens, &revoked); err != nil {
		return true, fmt.Errorf("sqlite refresh family %s revoked: %w", familyID, err)
	}
	return tokens == 0 || revoked > 0, nil
}

// RevokeUserTokens revokes every token of userID not revoked yet.
func (s *Store) RevokeUserTokens(ctx context.Context, userID string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = ?
		WHERE user_id = ? AND revoked_at IS NULL`, formatTime(at), userID); err != nil {
		return fmt.Errorf("sqlite revoke refresh tokens of user %s: %w", userID, err)
	}
	return nil
}
