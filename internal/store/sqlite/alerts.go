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

// The alerts concern (store.AlertStore). Schema: 00001 and 00010_alerts.sql.

var _ store.AlertStore = (*Store)(nil)

const alertColumns = `id, rule_id, severity, condition, message, provider, model, run_id, value, threshold,
	details, triggered_at, resolved_at`

// CreateAlert inserts a; store.ErrExists when its id is taken.
func (s *Store) CreateAlert(ctx context.Context, a *store.Alert) error {
	if a.ID == "" || a.Rule == "" {
		return errors.New("sqlite create alert: empty id or rule")
	}
	details, err := encodeDetails(a.Details)
	if err != nil {
		return fmt.Errorf("sqlite create alert %s: details: %w", a.ID, err)
	}
	if a.TriggeredAt.IsZero() {
		a.TriggeredAt = store.Now()
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO alerts (`+alertColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Rule, a.Severity, a.Condition, a.Message, a.Provider, a.Model, a.RunID, a.Value, a.Threshold,
		details, formatTime(a.TriggeredAt), timePtr(a.ResolvedAt))
	if isUnique(err) {
		return fmt.Errorf("sqlite create alert %s: %w", a.ID, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite create alert %s: %w", a.ID, err)
	}
	return nil
}

// ResolveAlert sets resolved_at of a firing alert and merges details in.
func (s *Store) ResolveAlert(ctx context.Context, id string, at time.Time, details map[string]any) error {
	d, err := encodeDetails(details)
	if err != nil {
		return fmt.Errorf("sqlite resolve alert %s: details: %w", id, err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE alerts SET resolved_at = ?, details = json_patch(details, ?)
		WHERE id = ? AND resolved_at IS NULL`, formatTime(at), d, id)
	if err != nil {
		return fmt.Errorf("sqlite resolve alert %s: %w", id, err)
	}
	return oneRow(res, "sqlite resolve alert", id)
}

// ListAlerts returns one page of alerts, newest first.
func (s *Store) ListAlerts(ctx context.Context, q store.AlertQuery) ([]store.Alert, string, error) {
	var w where
	if q.After != "" {
		c, err := store.DecodeCursor(store.AlertCursor, q.After)
		if err != nil {
			return nil, "", fmt.Errorf("sqlite list alerts: %w", err)
		}
		w.add(`(triggered_at, id) < (?, ?)`, formatTime(c.At), c.ID)
	}
	switch q.State {
	case "":
	case store.AlertFiring:
		w.add(`resolved_at IS NULL`)
	case store.AlertResolved:
		w.add(`resolved_at IS NOT NULL`)
	default:
		return nil, "", fmt.Errorf("sqlite list alerts: unknown state %q", q.State)
	}
	if q.Rule != "" {
		w.add(`rule_id = ?`, q.Rule)
	}
	size := store.PageSize(q.Limit)
	rows, err := s.query(ctx, `SELECT `+alertColumns+` FROM alerts`+w.String()+
		` ORDER BY triggered_at DESC, id DESC LIMIT ?`, append(w.args, size+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite list alerts: %w", err)
	}
	defer rows.Close()
	out := []store.Alert{}
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, "", fmt.Errorf("sqlite list alerts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlite list alerts: %w", err)
	}
	out, next := store.Page(out, size, store.AlertCursor, store.AlertKey)
	return out, next, nil
}

func scanAlert(rows *sql.Rows) (store.Alert, error) {
	var (
		a                  store.Alert
		details, triggered string
		resolved           sql.NullString
	)
	if err := rows.Scan(&a.ID, &a.Rule, &a.Severity, &a.Condition, &a.Message, &a.Provider, &a.Model, &a.RunID,
		&a.Value, &a.Threshold, &details, &triggered, &resolved); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(details), &a.Details); err != nil {
		return a, fmt.Errorf("alert %s: details: %w", a.ID, err)
	}
	if a.Details == nil {
		a.Details = map[string]any{}
	}
	var err error
	if a.TriggeredAt, err = parseTime(triggered); err != nil {
		return a, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	if a.ResolvedAt, err = scanTimePtr(resolved); err != nil {
		return a, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	return a, nil
}
