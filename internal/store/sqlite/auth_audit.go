package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// defaultAuditLimit is ListAudit's page when the filter sets none.
const defaultAuditLimit = 100

// Audit appends e and sets e.ID; a zero CreatedAt is stamped now.
func (s *Store) Audit(ctx context.Context, e *store.AuditEvent) error {
	if e.Action == "" {
		return errors.New("sqlite audit: empty action")
	}
	details, err := encodeDetails(e.Details)
	if err != nil {
		return fmt.Errorf("sqlite audit %s: details: %w", e.Action, err)
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = store.Now()
	}
	if err := s.queryRow(ctx, `INSERT INTO audit_log
		(user_id, action, resource, details, ip_address, request_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullString(e.UserID), e.Action, e.Resource, details, e.IP, e.RequestID, formatTime(e.CreatedAt)).
		Scan(&e.ID); err != nil {
		return fmt.Errorf("sqlite audit %s: %w", e.Action, err)
	}
	return nil
}

// ListAudit returns the events f selects, newest first.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	var (
		where []string
		args  []any
	)
	if f.UserID != "" {
		where = append(where, `user_id = ?`)
		args = append(args, f.UserID)
	}
	if f.Action != "" {
		where = append(where, `action = ?`)
		args = append(args, f.Action)
	}
	q := `SELECT id, user_id, action, resource, details, ip_address, request_id, created_at FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite list audit: %w", err)
	}
	defer rows.Close()
	events := []store.AuditEvent{}
	for rows.Next() {
		var (
			e                store.AuditEvent
			user             sql.NullString
			details, created string
		)
		if err := rows.Scan(&e.ID, &user, &e.Action, &e.Resource, &details, &e.IP, &e.RequestID, &created); err != nil {
			return nil, fmt.Errorf("sqlite list audit: %w", err)
		}
		e.UserID = user.String
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return nil, fmt.Errorf("sqlite list audit: event %d: details: %w", e.ID, err)
		}
		if e.Details == nil {
			e.Details = map[string]any{}
		}
		if e.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("sqlite list audit: event %d: %w", e.ID, err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite list audit: %w", err)
	}
	return events, nil
}
