package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/record"
)

// CreateRun inserts run and sets run.Seq to the next number of the
// database's run_counter, in one IMMEDIATE transaction so that two
// processes never take the same number.
func (s *Store) CreateRun(ctx context.Context, run *bench.Run) error {
	if run.ID == "" {
		return errors.New("sqlite create run: empty id")
	}
	j, err := record.EncodeRun(run)
	if err != nil {
		return fmt.Errorf("sqlite create run: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite create run %s: %w", run.ID, err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, `UPDATE run_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq`).Scan(&seq); err != nil {
		return fmt.Errorf("sqlite create run %s: number: %w", run.ID, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO sessions
		(id, seq, name, description, user_id, status, config, tags, total, totals, created_at, updated_at, heartbeat_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.ID, seq, run.Name, run.Description, nullString(run.UserID), string(run.Status),
		string(j.Config), string(j.Tags), run.Total, string(j.Totals),
		formatTime(run.CreatedAt), formatTime(run.UpdatedAt), nullTime(run.HeartbeatAt))
	if err != nil {
		return fmt.Errorf("sqlite create run %s: %w", run.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite create run %s: commit: %w", run.ID, err)
	}
	run.Seq = seq
	return nil
}

// UpdateRun saves run's status, total, totals, config and UpdatedAt.
func (s *Store) UpdateRun(ctx context.Context, run *bench.Run) error {
	if run.Status == bench.RunInterrupted {
		return fmt.Errorf("sqlite update run %s: status %q is derived, not stored", run.ID, run.Status)
	}
	j, err := record.EncodeRun(run)
	if err != nil {
		return fmt.Errorf("sqlite update run: %w", err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE sessions SET status = ?, total = ?, totals = ?, config = ?, updated_at = ?
		WHERE id = ?`,
		string(run.Status), run.Total, string(j.Totals), string(j.Config), formatTime(run.UpdatedAt), run.ID)
	if err != nil {
		return fmt.Errorf("sqlite update run %s: %w", run.ID, err)
	}
	return oneRow(res, "sqlite update run", run.ID)
}

// Heartbeat records that runID's process is alive at at.
func (s *Store) Heartbeat(ctx context.Context, runID string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE sessions SET heartbeat_at = ? WHERE id = ?`, formatTime(at), runID)
	if err != nil {
		return fmt.Errorf("sqlite heartbeat of run %s: %w", runID, err)
	}
	return oneRow(res, "sqlite heartbeat of run", runID)
}

// oneRow turns "no row changed" into store.ErrNotFound.
func oneRow(res sql.Result, what, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %s: %w", what, id, store.ErrNotFound)
	}
	return nil
}

const runColumns = `id, seq, name, description, user_id, status, config, tags, total, totals, created_at, updated_at, heartbeat_at`

// lastSeenSQL is store.LastSeen in SQL (timestamps sort as text).
const lastSeenSQL = `max(coalesce(heartbeat_at, updated_at), updated_at)`

func scanRun(sc interface{ Scan(...any) error }) (bench.Run, error) {
	var (
		run                  bench.Run
		seq                  sql.NullInt64
		user, heartbeat      sql.NullString
		status               string
		config, tags, totals string
		created, updated     string
	)
	if err := sc.Scan(&run.ID, &seq, &run.Name, &run.Description, &user, &status,
		&config, &tags, &run.Total, &totals, &created, &updated, &heartbeat); err != nil {
		return run, err
	}
	run.Seq = seq.Int64
	run.UserID = user.String
	run.Status = bench.RunStatus(status)
	if err := record.DecodeRun(&run, record.RunJSON{Config: []byte(config), Tags: []byte(tags), Totals: []byte(totals)}); err != nil {
		return run, err
	}
	var err error
	if run.CreatedAt, err = parseTime(created); err != nil {
		return run, err
	}
	if run.UpdatedAt, err = parseTime(updated); err != nil {
		return run, err
	}
	if heartbeat.Valid {
		if run.HeartbeatAt, err = parseTime(heartbeat.String); err != nil {
			return run, err
		}
	}
	return run, nil
}

// GetRun returns the run that ref names (see store.ResolveRun).
func (s *Store) GetRun(ctx context.Context, ref string) (*bench.Run, error) {
	return store.GetRun(ctx, ref, finder{s}, "sqlite get run")
}

// finder looks runs up for store.ResolveRun.
type finder struct{ s *Store }

func (f finder) one(ctx context.Context, q string, arg any) (*bench.Run, error) {
	run, err := scanRun(f.s.queryRow(ctx, `SELECT `+runColumns+` FROM sessions WHERE `+q, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &run, nil
}

func (f finder) RunByID(ctx context.Context, id string) (*bench.Run, error) {
	return f.one(ctx, `id = ?`, id)
}

func (f finder) RunBySeq(ctx context.Context, seq int64) (*bench.Run, error) {
	return f.one(ctx, `seq = ?`, seq)
}

func (f finder) RunsByPrefix(ctx context.Context, prefix string, limit int) ([]bench.Run, error) {
	rows, err := f.s.query(ctx, `SELECT `+runColumns+` FROM sessions
		WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?`, len([]rune(prefix)), prefix, limit)
	if err != nil {
		return nil, err
	}
	return collectRuns(rows)
}

func collectRuns(rows *sql.Rows) ([]bench.Run, error) {
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
	stale := formatTime(now.Add(-store.StaleAfter))
	q := `SELECT ` + runColumns + ` FROM sessions`
	var args []any
	switch f.Status {
	case "":
	case bench.RunRunning:
		q += ` WHERE status = 'running' AND ` + lastSeenSQL + ` >= ?`
		args = append(args, stale)
	case bench.RunInterrupted:
		q += ` WHERE status = 'running' AND ` + lastSeenSQL + ` < ?`
		args = append(args, stale)
	default:
		q += ` WHERE status = ?`
		args = append(args, string(f.Status))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, max(f.Offset, 0))
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite list runs: %w", err)
	}
	runs, err := collectRuns(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite list runs: %w", err)
	}
	for i := range runs {
		store.DeriveStatus(&runs[i], now)
	}
	return runs, nil
}

// DeleteRun removes the run with exactly this id and its results.
func (s *Store) DeleteRun(ctx context.Context, id string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite delete run %s: %w", id, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM results WHERE session_id = ?`, id); err != nil {
		return fmt.Errorf("sqlite delete run %s: results: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite delete run %s: %w", id, err)
	}
	if err := oneRow(res, "sqlite delete run", id); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite delete run %s: commit: %w", id, err)
	}
	return nil
}
