package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// AlertLister pages the alerts of the alert rules (store.AlertStore).
type AlertLister interface {
	ListAlerts(ctx context.Context, q store.AlertQuery) (items []store.Alert, next string, err error)
}

// listAlerts is GET /alerts: newest first, filtered by ?state=firing|resolved
// and ?rule=NAME, paged by ?limit and ?cursor. Alerts concern the server's
// providers, not one user's objects: metrics.read (the route's permission,
// as for the alerts.* topics) is all it takes.
func (h *handlers) listAlerts(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	limit, d := limitParam(r)
	if d != nil {
		problem.Write(w, d)
		return
	}
	q := store.AlertQuery{State: v.Get("state"), Rule: v.Get("rule"), After: v.Get("cursor"), Limit: limit}
	switch q.State {
	case "", store.AlertFiring, store.AlertResolved:
	default:
		problem.Write(w, field("state", "want firing or resolved"))
		return
	}
	page := api.Page[store.Alert]{Items: []store.Alert{}}
	if h.alerts != nil {
		items, next, err := h.alerts.ListAlerts(r.Context(), q)
		if errors.Is(err, store.ErrBadCursor) {
			problem.Write(w, field("cursor", "not a cursor of this list"))
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		page.Items = items
		if next != "" {
			page.NextCursor = &next
		}
	}
	writeJSON(w, http.StatusOK, page)
}
