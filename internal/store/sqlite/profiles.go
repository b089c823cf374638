package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

var _ store.ProfileStore = (*Store)(nil)

// FoldProfiles replaces runID's contribution to the model profiles with
// parts, in one IMMEDIATE transaction, so concurrent folds queue.
func (s *Store) FoldProfiles(ctx context.Context, runID string, parts []store.ProfileStats) error {
	if runID == "" {
		return errors.New("sqlite fold profiles: empty run id")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite fold profiles of run %s: %w", runID, err)
	}
	defer tx.Rollback()
	if err := store.FoldInto(ctx, profileTx{tx}, runID, parts, store.Now()); err != nil {
		return fmt.Errorf("sqlite fold profiles: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite fold profiles of run %s: commit: %w", runID, err)
	}
	return nil
}

const profileSelect = `SELECT provider_id, model_name, ` + store.ProfileSumColumns + `, runs, last_run_id, updated_at FROM model_profiles`

func scanProfile(sc interface{ Scan(...any) error }) (store.ModelProfile, error) {
	var (
		p       store.ModelProfile
		updated string
	)
	dest, done := store.ProfileSumDest(&p.ProfileStats)
	dest = append([]any{&p.Provider, &p.Model}, dest...)
	if err := sc.Scan(append(dest, &p.Runs, &p.LastRunID, &updated)...); err != nil {
		return p, err
	}
	if err := done(); err != nil {
		return p, err
	}
	var err error
	p.UpdatedAt, err = parseTime(updated)
	return p, err
}

// Profiles returns every profile, sorted by provider and model.
func (s *Store) Profiles(ctx context.Context) ([]store.ModelProfile, error) {
	rows, err := s.db.QueryContext(ctx, profileSelect+` ORDER BY provider_id, model_name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite profiles: %w", err)
	}
	defer rows.Close()
	out := []store.ModelProfile{}
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite profiles: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite profiles: %w", err)
	}
	return out, nil
}

// ResetProfiles deletes every profile and contribution.
func (s *Store) ResetProfiles(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite reset profiles: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []string{`DELETE FROM model_profile_runs`, `DELETE FROM model_profiles`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlite reset profiles: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite reset profiles: commit: %w", err)
	}
	return nil
}

// profileTx is store.ProfileTx on a SQLite transaction.
type profileTx struct{ tx *sql.Tx }

func (t profileTx) RunParts(ctx context.Context, runID string) ([]store.ProfileKey, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT provider_id, model_name FROM model_profile_runs WHERE run_id = ? ORDER BY provider_id, model_name`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ProfileKey
	for rows.Next() {
		var k store.ProfileKey
		if err := rows.Scan(&k.Provider, &k.Model); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (t profileTx) DeleteRunParts(ctx context.Context, runID string) error {
	_, err := t.tx.ExecContext(ctx, `DELETE FROM model_profile_runs WHERE run_id = ?`, runID)
	return err
}

func (t profileTx) InsertPart(ctx context.Context, runID string, p *store.ProfileStats, at time.Time) error {
	sums, err := store.ProfileSumArgs(p)
	if err != nil {
		return err
	}
	args := append(append([]any{runID, p.Provider, p.Model}, sums...), formatTime(at))
	_, err = t.tx.ExecContext(ctx, `INSERT INTO model_profile_runs (run_id, provider_id, model_name, `+store.ProfileSumColumns+`, folded_at)
		VALUES (`+placeholders(len(args))+`)`, args...)
	return err
}

func (t profileTx) PartsOf(ctx context.Context, k store.ProfileKey, fn func(*store.ProfileStats) error) (int64, string, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT run_id, `+store.ProfileSumColumns+` FROM model_profile_runs
		WHERE provider_id = ? AND model_name = ? ORDER BY run_id`, k.Provider, k.Model)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	var (
		n    int64
		last string
	)
	for rows.Next() {
		p := store.ProfileStats{Provider: k.Provider, Model: k.Model}
		dest, done := store.ProfileSumDest(&p)
		if err := rows.Scan(append([]any{&last}, dest...)...); err != nil {
			return 0, "", err
		}
		if err := done(); err != nil {
			return 0, "", err
		}
		if err := fn(&p); err != nil {
			return 0, "", err
		}
		n++
	}
	return n, last, rows.Err()
}

func (t profileTx) GetProfile(ctx context.Context, k store.ProfileKey) (*store.ModelProfile, error) {
	p, err := scanProfile(t.tx.QueryRowContext(ctx, profileSelect+` WHERE provider_id = ? AND model_name = ?`, k.Provider, k.Model))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (t profileTx) PutProfile(ctx context.Context, p *store.ModelProfile) error {
	sums, err := store.ProfileSumArgs(&p.ProfileStats)
	if err != nil {
		return err
	}
	args := append([]any{p.Provider, p.Model}, sums...)
	args = append(args, store.ProfileDerivedArgs(&p.ProfileStats)...)
	args = append(args, p.Runs, p.LastRunID, formatTime(p.UpdatedAt))
	cols := `provider_id, model_name, ` + store.ProfileSumColumns + `, ` + store.ProfileDerivedColumns + `, runs, last_run_id, updated_at`
	set := make([]string, 0, len(args))
	for _, c := range strings.Split(cols, ",")[2:] {
		c = strings.TrimSpace(c)
		set = append(set, c+" = excluded."+c)
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO model_profiles (`+cols+`) VALUES (`+placeholders(len(args))+`)
		ON CONFLICT (provider_id, model_name) DO UPDATE SET `+strings.Join(set, ", "), args...)
	return err
}

func (t profileTx) DeleteProfile(ctx context.Context, k store.ProfileKey) error {
	_, err := t.tx.ExecContext(ctx, `DELETE FROM model_profiles WHERE provider_id = ? AND model_name = ?`, k.Provider, k.Model)
	return err
}
