package store

import (
	"context"
	"time"
)

// AlertStore keeps the alerts of the alert rules ([monitoring]
// alert_rules): one row per firing, from trigger to resolution. The
// evaluator creates and resolves them; the API and `alerts list` page
// them, newest first by (triggered_at, id), with the cursors of
// ResultQuerier.
type AlertStore interface {
	// CreateAlert inserts a; a zero TriggeredAt is stamped with Now().
	// ErrExists when its id is taken.
	CreateAlert(ctx context.Context, a *Alert) error
	// ResolveAlert sets the resolution time of a firing alert and merges
	// details into its details; ErrNotFound when there is no alert id or
	// it is already resolved.
	ResolveAlert(ctx context.Context, id string, at time.Time, details map[string]any) error
	// ListAlerts returns one page of alerts, newest first, and the cursor
	// of the next page ("" on the last page).
	ListAlerts(ctx context.Context, q AlertQuery) (items []Alert, next string, err error)
}

// Alert is one firing of a rule.
type Alert struct {
	ID string `json:"id"`
	// Rule is the rule's name (the table's rule_id).
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Condition string `json:"condition"`
	Message   string `json:"message"`
	// Provider and Model are the scope the rule was evaluated in; ""
	// when it covers every provider or model.
	Provider string `json:"provider"`
	Model    string `json:"model"`
	// RunID is the run a CLI evaluator watched; "" for the server's.
	RunID string `json:"run_id"`
	// Value is the first comparison's metric when the alert fired, and
	// Threshold its threshold.
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	// Details holds every comparison's value, and the values at
	// resolution; an empty map, never nil, when read back.
	Details     map[string]any `json:"details"`
	TriggeredAt time.Time      `json:"triggered_at"`
	ResolvedAt  *time.Time     `json:"resolved_at"`
}

// Alert states for AlertQuery.State.
const (
	AlertFiring   = "firing"
	AlertResolved = "resolved"
)

// AlertQuery narrows ListAlerts. Zero values mean "no filter".
type AlertQuery struct {
	// State is AlertFiring (not resolved) or AlertResolved.
	State string
	Rule  string
	// After is the cursor a previous page returned; a malformed one is an
	// ErrBadCursor.
	After string
	// Limit is the page size: 0 means DefaultPage, at most MaxPage.
	Limit int
}

// AlertCursor is the kind of ListAlerts' cursors.
const AlertCursor CursorKind = 'a'

// AlertKey is an alert's sort key, for store.Page.
func AlertKey(a *Alert) Cursor { return Cursor{At: a.TriggeredAt, ID: a.ID} }
