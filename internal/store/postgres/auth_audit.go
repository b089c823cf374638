package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// defaultAuditLimit is ListAudit's page when the filter sets none.
const defaultAuditLimit = 100

// Audit appends e and sets e.ID; a zero CreatedAt is stamped now.
func (s *Store) Audit(ctx context.Context, e *store.AuditEvent) error {
	if e.Action == "" {
		return errors.New("postgres audit: empty action")
	}
	details, err := encodeDetails(e.Details)
	if err != nil {
		return fmt.Errorf("postgres audit %s: details: %w", e.Action, err)
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = store.Now()
	}
	if err := s.pool.QueryRow(ctx, `INSERT INTO audit_log
		(user_id, action, resource, details, ip_address, request_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		nullString(e.UserID), e.Action, e.Resource, details, e.IP, e.RequestID, e.CreatedAt.UTC()).
		Scan(&e.ID); err != nil {
		return fmt.Errorf("postgres audit %s: %w", e.Action, err)
	}
	return nil
}

// ListAudit returns the events f selects, newest first.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.UserID != "" {
		where = append(where, `user_id = `+arg(f.UserID))
	}
	if f.Action != "" {
		where = append(where, `action = `+arg(f.Action))
	}
	q := `SELECT id, user_id, action, resource, details, ip_address, request_id, created_at FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ` + arg(limit)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres list audit: %w", err)
	}
	events, err := pgx.CollectRows(rows, scanAuditEvent)
	if err != nil {
		return nil, fmt.Errorf("postgres list audit: %w", err)
	}
	if events == nil {
		events = []store.AuditEvent{}
	}
	return events, nil
}

func scanAuditEvent(row pgx.CollectableRow) (store.AuditEvent, error) {
	var (
		e       store.AuditEvent
		user    *string
		details []byte
	)
	if err := row.Scan(&e.ID, &user, &e.Action, &e.Resource, &details, &e.IP, &e.RequestID, &e.CreatedAt); err != nil {
		return e, err
	}
	if user != nil {
		e.UserID = *user
	}
	if err := json.Unmarshal(details, &e.Details); err != nil {
		return e, fmt.Errorf("event %d: details: %w", e.ID, err)
	}
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.CreatedAt = e.CreatedAt.UTC()
	return e, nil
}
