package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
)

// TestListAlerts pages stored alerts through GET /alerts behind the
// OpenAPI contract check: filters, cursors, and the refusals.
func TestListAlerts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ltb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		a := &store.Alert{ID: fmt.Sprintf("a%d", i), Rule: []string{"slow", "costly"}[i%2], Severity: "warning",
			Condition: "p95_latency_ms > 500", Message: "m", Value: 812.5, Threshold: 500,
			Details: map[string]any{"window": "5m0s"}, TriggeredAt: at.Add(time.Duration(i) * time.Second)}
		if err := st.CreateAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if err := st.ResolveAlert(ctx, a.ID, at.Add(time.Minute), map[string]any{"resolved_reason": "r"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	e := newEnv(t)
	svc := api.New(api.Deps{Store: e.st, Manager: e.mgr, Providers: fakeProviders{}, Config: config.Default()})
	srv, err := New(Options{Service: svc, Auth: e.auth, Store: e.st, Manager: e.mgr, Alerts: st})
	if err != nil {
		t.Fatal(err)
	}
	e.url = newTestHTTP(t, srv.Handler())

	ids := func(query string) ([]string, *string) {
		t.Helper()
		a := e.do("admin", http.MethodGet, "/api/v1/alerts"+query, nil)
		if a.status != http.StatusOK {
			t.Fatalf("GET /alerts%s: %d %s", query, a.status, a.body)
		}
		var page api.Page[store.Alert]
		a.decode(t, &page)
		out := []string{}
		for _, al := range page.Items {
			out = append(out, al.ID)
		}
		return out, page.NextCursor
	}
	var all []string
	q := "?limit=2"
	for range 5 {
		got, next := ids(q)
		all = append(all, got...)
		if next == nil {
			break
		}
		q = "?limit=2&cursor=" + url.QueryEscape(*next)
	}
	if d := cmp.Diff([]string{"a4", "a3", "a2", "a1", "a0"}, all); d != "" {
		t.Errorf("pages (-want +got):\n%s", d)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?state=firing", []string{"a4", "a3", "a2"}},
		{"?state=resolved&rule=slow", []string{"a0"}},
		{"?rule=costly", []string{"a3", "a1"}},
	} {
		if got, _ := ids(tc.query); !cmp.Equal(tc.want, got) {
			t.Errorf("%s = %v, want %v", tc.query, got, tc.want)
		}
	}
	for _, query := range []string{"?state=sleeping", "?cursor=bm9wZQ", "?limit=0"} {
		if a := e.do("admin", http.MethodGet, "/api/v1/alerts"+query, nil); a.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", query, a.status, a.body)
		}
	}
	// metrics.read is the route's permission: a user without it is refused.
	if a := e.do("alice", http.MethodGet, "/api/v1/alerts", nil); a.status != http.StatusForbidden {
		t.Errorf("as a user without metrics.read: %d, want 403", a.status)
	}
}
