package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// TestQueryPlans checks with EXPLAIN QUERY PLAN that each selective filter
// of QueryResults and PageRuns is a search of the index made for it, in
// the page's order (the only sort is of the page's own rows), so that a
// page costs the same at any depth of any table.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "plan.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	no := false
	after := store.Cursor{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ID: "x"}.Encode(store.ResultCursor)
	tests := []struct {
		name string
		q    store.ResultQuery
		want string // a line of the plan
	}{
		{"none", store.ResultQuery{}, "SCAN results USING INDEX idx_results_created"},
		{"none, deep", store.ResultQuery{After: after}, "SEARCH results USING INDEX idx_results_created ((created_at,id)<(?,?))"},
		{"run", store.ResultQuery{RunID: "r", After: after}, "SEARCH results USING INDEX idx_results_session_created (session_id=? AND (created_at,id)<(?,?))"},
		{"provider", store.ResultQuery{Provider: "p", After: after}, "SEARCH results USING INDEX idx_results_provider_created (provider=? AND (created_at,id)<(?,?))"},
		{"model", store.ResultQuery{Model: "m"}, "SEARCH results USING INDEX idx_results_model_created (model=?)"},
		{"case", store.ResultQuery{CaseID: "c"}, "SEARCH results USING INDEX idx_results_case_created (case_id=?)"},
		{"trace", store.ResultQuery{TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", After: after}, "SEARCH results USING INDEX idx_results_trace_created (trace_id=? AND (created_at,id)<(?,?))"},
		{"status", store.ResultQuery{Status: bench.StatusError}, "SEARCH results USING INDEX idx_results_status_created (status=?)"},
		{"failed", store.ResultQuery{Passed: &no}, "SCAN results USING INDEX idx_results_failed_created"},
		{"tag", store.ResultQuery{Tag: "t"}, "SCAN results USING INDEX idx_results_created"},
		{"text", store.ResultQuery{Text: "hello"}, "VIRTUAL TABLE INDEX"},
	}
	walks := []struct {
		name string
		q    store.ResultQuery
		want string
	}{
		{"text by walking", store.ResultQuery{Text: "hello"}, "SCAN results USING INDEX idx_results_created"},
		{"text by walking a provider", store.ResultQuery{Text: "hello", Provider: "p"}, "SEARCH results USING INDEX idx_results_provider_created (provider=?)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, args, _, err := resultPageQuery(tc.q, sortMatches)
			if err != nil {
				t.Fatal(err)
			}
			checkPlan(t, s, q, args, tc.want)
		})
	}
	for _, tc := range walks {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, args, _, err := resultPageQuery(tc.q, walkOrder)
			if err != nil {
				t.Fatal(err)
			}
			checkPlan(t, s, q, args, tc.want)
		})
	}
	t.Run("runs of a user", func(t *testing.T) {
		t.Parallel()
		q, args, err := runPageQuery(store.RunQuery{UserID: "u"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, s, q, args, "SEARCH sessions USING INDEX idx_sessions_user_created (user_id=?)")
	})
}

func checkPlan(t *testing.T, s *Store, q string, args []any, want string) {
	t.Helper()
	rows, err := s.db.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(strings.Join(plan, "\n"), "COVERING INDEX", "INDEX")
	if !strings.Contains(text, want) {
		t.Errorf("plan of %s:\n%s\nwant a line %q", q, text, want)
	}
	sorts := strings.Count(text, "USE TEMP B-TREE FOR ORDER BY")
	if strings.Contains(q, "FROM results") {
		sorts-- // the outer query orders the page's rows
	}
	if sorts > 0 && !strings.Contains(want, "VIRTUAL TABLE") { // sortMatches sorts the keys it matches
		t.Errorf("plan of %s sorts:\n%s", q, text)
	}
}
