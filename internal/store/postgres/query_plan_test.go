package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/storetest"
)

// TestQueryPlans checks with EXPLAIN that QueryResults' text search and
// filters use the indexes of migration 00006: the text condition must
// repeat the indexed expression exactly. Sequential scans are disabled, as
// on an empty table the planner would rightly prefer them.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	ctx := context.Background() // outlives the parallel subtests
	s, err := Open(ctx, storetest.PostgresURL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	no := false
	tests := []struct {
		name string
		q    store.ResultQuery
		want string
	}{
		{"text", store.ResultQuery{Text: "weather report"}, "idx_results_text"},
		{"none", store.ResultQuery{}, "idx_results_created"},
		{"provider", store.ResultQuery{Provider: "p"}, "idx_results_provider_created"},
		{"model", store.ResultQuery{Model: "m"}, "idx_results_model_created"},
		{"case", store.ResultQuery{CaseID: "c"}, "idx_results_case_created"},
		{"trace", store.ResultQuery{TraceID: "4bf92f3577b34da6a3ce929d0e0e4736"}, "idx_results_trace_created"},
		{"status", store.ResultQuery{Status: "error"}, "idx_results_status_created"},
		{"failed", store.ResultQuery{Passed: &no}, "idx_results_failed_created"},
		{"tag", store.ResultQuery{Tag: "smoke"}, "idx_results_tags"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, args, err := resultPageQuery(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if plan := explain(ctx, t, s, q, args); !strings.Contains(plan, tc.want) {
				t.Errorf("plan of %+v does not use %s:\n%s", tc.q, tc.want, plan)
			}
		})
	}
}

func explain(ctx context.Context, t *testing.T, s *Store, q string, args []any) string {
	t.Helper()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, `EXPLAIN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
