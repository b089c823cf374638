package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/record"
)

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nullTime stores a zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// CreateRun inserts run and sets run.Seq from the database's sequence.
func (s *Store) CreateRun(ctx context.Context, run *bench.Run) error {
	if run.ID == "" {
		return errors.New("postgres create run: empty id")
	}
	j, err := record.EncodeRun(run)
	if err != nil {
		return fmt.Errorf("postgres create run: %w", err)
	}
	var seq int64
	err = s.pool.QueryRow(ctx, `INSERT INTO sessions
		(id, name, description, user_id, status, config, tags, total, totals, created_at, updated_at, heartbeat_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq`,
		run.ID, run.Name, run.Description, nullString(run.UserID), string(run.Status),
		j.Config, j.Tags, run.Total, j.Totals, run.CreatedAt.UTC(), run.UpdatedAt.UTC(), nullTime(run.HeartbeatAt)).Scan(&seq)
	if err != nil {
		return fmt.Errorf("postgres create run %s: %w", run.ID, err)
	}
	run.Seq = seq
	return nil
}

// UpdateRun saves run's status, total, totals, config and UpdatedAt.
func (s *Store) UpdateRun(ctx context.Context, run *bench.Run) error {
	if run.Status == bench.RunInterrupted {
		return fmt.Errorf("postgres update run %s: status %q is derived, not stored", run.ID, run.Status)
	}
	j, err := record.EncodeRun(run)
	if err != nil {
		return fmt.Errorf("postgres update run: %w", err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE sessions SET status = $1, total = $2, totals = $3, config = $4, updated_at = $5
		WHERE id = $6`, string(run.Status), run.Total, j.Totals, j.Config, run.UpdatedAt.UTC(), run.ID)
	return oneRow(tag, err, "postgres update run", run.ID)
}

// Heartbeat records that runID's process is alive at at.
func (s *Store) Heartbeat(ctx context.Context, runID string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE sessions SET heartbeat_at = $1 WHERE id = $2`, at.UTC(), runID)
	return oneRow(tag, err, "postgres heartbeat of run", runID)
}

// oneRow wraps err, and turns "no row changed" into store.ErrNotFound.
func oneRow(tag pgconn.CommandTag, err error, what, id string) error {
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s %s: %w", what, id, store.ErrNotFound)
	}
	return nil
}

const runColumns = `id, seq, name, description, user_id, status, config, tags, total, totals, created_at, updated_at, heartbeat_at`

// lastSeenSQL is store.LastSeen in SQL.
const lastSeenSQL = `GREATEST(coalesce(heartbeat_at, updated_at), updated_at)`

func scanRun(row pgx.Row) (bench.Run, error) {
	var (
		run                  bench.Run
		user                 *string
		status               string
		config, tags, totals []byte
		created, updated     time.Time
		heartbeat            *time.Time
	)
	if err := row.Scan(&run.ID, &run.Seq, &run.Name, &run.Description, &user, &status,
		&config, &tags, &run.Total, &totals, &created, &updated, &heartbeat); err != nil {
		return run, err
	}
	if user != nil {
		run.UserID = *user
	}
	if heartbeat != nil {
		run.HeartbeatAt = heartbeat.UTC()
	}
	run.Status = bench.RunStatus(status)
	run.CreatedAt, run.UpdatedAt = created.UTC(), updated.UTC()
	err := record.DecodeRun(&run, record.RunJSON{Config: config, Tags: tags, Totals: totals})
	return run, err
}

// GetRun returns the run that ref names (see store.ResolveRun).
func (s *Store) GetRun(ctx context.Context, ref string) (*bench.Run, error) {
	return store.GetRun(ctx, ref, finder{s}, "postgres get run")
}

// finder looks runs up for store.ResolveRun.
type finder struct{ s *Store }

func (f finder) one(ctx context.Context, q string, arg any) (*bench.Run, error) {
	run, err := scanRun(f.s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM sessions WHERE `+q, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &run, nil
}

func (f finder) RunByID(ctx context.Context, id string) (*bench.Run, error) {
	return f.one(ctx, `id = $1`, id)
}

func (f finder) RunBySeq(ctx context.Context, seq int64) (*bench.Run, error) {
	return f.one(ctx, `seq = $1`, seq)
}

func (f finder) RunsByPrefix(ctx context.Context, prefix string, limit int) ([]bench.Run, error) {
	rows, err := f.s.pool.Query(ctx, `SELECT `+runColumns+` FROM sessions
		WHERE substr(id, 1, $1) = $2 ORDER BY id LIMIT $3`, len([]rune(prefix)), prefix, limit)
	if err != nil {
		return nil, err
	}
	return collectRuns(rows)
}

func collectRuns(rows pgx.Rows) ([]bench.Run, error) {
	defer rows.Close()
	runs := []bench.Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, rows.Err()
}

// ListRuns returns runs newest first. A status filter of running or
// interrupted compares each running run's last sign of life with the stale
// threshold, so paging stays right.
func (s *Store) ListRuns(ctx context.Context, f store.RunFilter) ([]bench.Run, error) {
	now := time.Now()
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	where := `TRUE`
	args := []any{limit, max(f.Offset, 0)}
	switch f.Status {
	case "":
	case bench.RunRunning:
		where = `status = 'running' AND ` + lastSeenSQL + ` >= $3`
		args = append(args, now.Add(-store.StaleAfter).UTC())
	case bench.RunInterrupted:
		where = `status = 'running' AND ` + lastSeenSQL + ` < $3`
		args = append(args, now.Add(-store.StaleAfter).UTC())
	default:
		where = `status = $3`
		args = append(args, string(f.Status))
	}
	rows, err := s.pool.Query(ctx, `SELECT `+runColumns+` FROM sessions
		WHERE `+where+` ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres list runs: %w", err)
	}
	runs, err := collectRuns(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres list runs: %w", err)
	}
	for i := range runs {
		store.DeriveStatus(&runs[i], now)
	}
	return runs, nil
}

// DeleteRun removes the run with exactly this id and its results.
func (s *Store) DeleteRun(ctx context.Context, id string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres delete run %s: %w", id, err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM results WHERE session_id = $1`, id); err != nil {
		return fmt.Errorf("postgres delete run %s: results: %w", id, err)
	}
	tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	if err := oneRow(tag, err, "postgres delete run", id); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres delete run %s: commit: %w", id, err)
	}
	return nil
}
