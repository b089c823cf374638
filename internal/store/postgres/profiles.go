package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

var _ store.ProfileStore = (*Store)(nil)

// FoldProfiles replaces runID's contribution to the model profiles with
// parts, in one transaction holding an exclusive lock on the
// contributions, so that concurrent folds (two runs of one model ending
// at once, a rebuild beside a run) take turns.
func (s *Store) FoldProfiles(ctx context.Context, runID string, parts []store.ProfileStats) error {
	if runID == "" {
		return errors.New("postgres fold profiles: empty run id")
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres fold profiles of run %s: %w", runID, err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE model_profile_runs IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("postgres fold profiles of run %s: lock: %w", runID, err)
	}
	if err := store.FoldInto(ctx, profileTx{tx}, runID, parts, store.Now()); err != nil {
		return fmt.Errorf("postgres fold profiles: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres fold profiles of run %s: commit: %w", runID, err)
	}
	return nil
}

const profileSelect = `SELECT provider_id, model_name, ` + store.ProfileSumColumns + `, runs, last_run_id, updated_at FROM model_profiles`

func scanProfile(row pgx.Row) (store.ModelProfile, error) {
	var p store.ModelProfile
	dest, done := store.ProfileSumDest(&p.ProfileStats)
	dest = append([]any{&p.Provider, &p.Model}, dest...)
	if err := row.Scan(append(dest, &p.Runs, &p.LastRunID, &p.UpdatedAt)...); err != nil {
		return p, err
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return p, done()
}

// Profiles returns every profile, sorted by provider and model.
func (s *Store) Profiles(ctx context.Context) ([]store.ModelProfile, error) {
	rows, err := s.pool.Query(ctx, profileSelect+` ORDER BY provider_id COLLATE "C", model_name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("postgres profiles: %w", err)
	}
	defer rows.Close()
	out := []store.ModelProfile{}
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres profiles: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres profiles: %w", err)
	}
	return out, nil
}

// ResetProfiles deletes every profile and contribution.
func (s *Store) ResetProfiles(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres reset profiles: %w", err)
	}
	defer tx.Rollback(ctx)
	for _, q := range []string{`LOCK TABLE model_profile_runs IN EXCLUSIVE MODE`, `DELETE FROM model_profile_runs`, `DELETE FROM model_profiles`} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("postgres reset profiles: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres reset profiles: commit: %w", err)
	}
	return nil
}

// profileTx is store.ProfileTx on a PostgreSQL transaction.
type profileTx struct{ tx pgx.Tx }

func (t profileTx) RunParts(ctx context.Context, runID string) ([]store.ProfileKey, error) {
	rows, err := t.tx.Query(ctx, `SELECT provider_id, model_name FROM model_profile_runs WHERE run_id = $1`, runID)
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
	_, err := t.tx.Exec(ctx, `DELETE FROM model_profile_runs WHERE run_id = $1`, runID)
	return err
}

func (t profileTx) InsertPart(ctx context.Context, runID string, p *store.ProfileStats, at time.Time) error {
	sums, err := store.ProfileSumArgs(p)
	if err != nil {
		return err
	}
	args := append(append([]any{runID, p.Provider, p.Model}, sums...), at.UTC())
	_, err = t.tx.Exec(ctx, `INSERT INTO model_profile_runs (run_id, provider_id, model_name, `+store.ProfileSumColumns+`, folded_at)
		VALUES (`+dollars(len(args))+`)`, args...)
	return err
}

func (t profileTx) PartsOf(ctx context.Context, k store.ProfileKey, fn func(*store.ProfileStats) error) (int64, string, error) {
	rows, err := t.tx.Query(ctx, `SELECT run_id, `+store.ProfileSumColumns+` FROM model_profile_runs
		WHERE provider_id = $1 AND model_name = $2 ORDER BY run_id COLLATE "C"`, k.Provider, k.Model)
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
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	return n, last, nil
}

func (t profileTx) GetProfile(ctx context.Context, k store.ProfileKey) (*store.ModelProfile, error) {
	p, err := scanProfile(t.tx.QueryRow(ctx, profileSelect+` WHERE provider_id = $1 AND model_name = $2`, k.Provider, k.Model))
	if errors.Is(err, pgx.ErrNoRows) {
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
	args = append(args, p.Runs, p.LastRunID, p.UpdatedAt.UTC())
	cols := `provider_id, model_name, ` + store.ProfileSumColumns + `, ` + store.ProfileDerivedColumns + `, runs, last_run_id, updated_at`
	set := make([]string, 0, len(args))
	for _, c := range strings.Split(cols, ",")[2:] {
		c = strings.TrimSpace(c)
		set = append(set, c+" = excluded."+c)
	}
	_, err = t.tx.Exec(ctx, `INSERT INTO model_profiles (`+cols+`) VALUES (`+dollars(len(args))+`)
		ON CONFLICT (provider_id, model_name) DO UPDATE SET `+strings.Join(set, ", "), args...)
	return err
}

func (t profileTx) DeleteProfile(ctx context.Context, k store.ProfileKey) error {
	_, err := t.tx.Exec(ctx, `DELETE FROM model_profiles WHERE provider_id = $1 AND model_name = $2`, k.Provider, k.Model)
	return err
}

// dollars returns "$1, $2, ..., $n".
func dollars(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i))
	}
	return b.String()
}
