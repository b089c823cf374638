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

// The alerts concern (store.AlertStore). Schema: 00001 and 00009_alerts.sql.

var _ store.AlertStore = (*Store)(nil)

const alertColumns = `id, rule_id, severity, condition, message, provider, model, run_id, value, threshold,
	details, triggered_at, resolved_at`

// CreateAlert inserts a; store.ErrExists when its id is taken.
func (s *Store) CreateAlert(ctx context.Context, a *store.Alert) error {
	if a.ID == "" || a.Rule == "" {
		return errors.New("postgres create alert: empty id or rule")
	}
	details, err := encodeDetails(a.Details)
	if err != nil {
		return fmt.Errorf("postgres create alert %s: details: %w", a.ID, err)
	}
	if a.TriggeredAt.IsZero() {
		a.TriggeredAt = store.Now()
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO alerts (`+alertColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		a.ID, a.Rule, a.Severity, a.Condition, a.Message, a.Provider, a.Model, a.RunID, a.Value, a.Threshold,
		details, a.TriggeredAt.UTC(), utcPtr(a.ResolvedAt))
	if isUnique(err) {
		return fmt.Errorf("postgres create alert %s: %w", a.ID, store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("postgres create alert %s: %w", a.ID, err)
	}
	return nil
}

// ResolveAlert sets resolved_at of a firing alert and merges details in.
func (s *Store) ResolveAlert(ctx context.Context, id string, at time.Time, details map[string]any) error {
	d, err := encodeDetails(details)
	if err != nil {
		return fmt.Errorf("postgres resolve alert %s: details: %w", id, err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE alerts SET resolved_at = $1, details = details || $2::jsonb
		WHERE id = $3 AND resolved_at IS NULL`, at.UTC(), d, id)
	return oneRow(tag, err, "postgres resolve alert", id)
}

// ListAlerts returns one page of alerts, newest first.
func (s *Store) ListAlerts(ctx context.Context, q store.AlertQuery) ([]store.Alert, string, error) {
	var w where
	if q.After != "" {
		c, err := store.DecodeCursor(store.AlertCursor, q.After)
		if err != nil {
			return nil, "", fmt.Errorf("postgres list alerts: %w", err)
		}
		w.add(`(triggered_at, id) < (` + w.arg(c.At) + `, ` + w.arg(c.ID) + `)`)
	}
	switch q.State {
	case "":
	case store.AlertFiring:
		w.add(`resolved_at IS NULL`)
	case store.AlertResolved:
		w.add(`resolved_at IS NOT NULL`)
	default:
		return nil, "", fmt.Errorf("postgres list alerts: unknown state %q", q.State)
	}
	if q.Rule != "" {
		w.add(`rule_id = ` + w.arg(q.Rule))
	}
	size := store.PageSize(q.Limit)
	sql := `SELECT ` + alertColumns + ` FROM alerts` + w.String() +
		` ORDER BY triggered_at DESC, id DESC LIMIT ` + w.arg(size+1)
	rows, err := s.pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("postgres list alerts: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanAlert)
	if err != nil {
		return nil, "", fmt.Errorf("postgres list alerts: %w", err)
	}
	if out == nil {
		out = []store.Alert{}
	}
	out, next := store.Page(out, size, store.AlertCursor, store.AlertKey)
	return out, next, nil
}

func scanAlert(row pgx.CollectableRow) (store.Alert, error) {
	var (
		a       store.Alert
		details []byte
	)
	if err := row.Scan(&a.ID, &a.Rule, &a.Severity, &a.Condition, &a.Message, &a.Provider, &a.Model, &a.RunID,
		&a.Value, &a.Threshold, &details, &a.TriggeredAt, &a.ResolvedAt); err != nil {
		return a, err
	}
	if err := json.Unmarshal(details, &a.Details); err != nil {
		return a, fmt.Errorf("alert %s: details: %w", a.ID, err)
	}
	if a.Details == nil {
		a.Details = map[string]any{}
	}
	a.TriggeredAt = a.TriggeredAt.UTC()
	a.ResolvedAt = utcPtr(a.ResolvedAt)
	return a, nil
}
