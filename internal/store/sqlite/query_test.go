package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// TestTextPlansAgree runs searches with both text plans, which the
// conformance suite's small tables never switch between, and checks they
// return the same pages.
func TestTextPlansAgree(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plans.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateRun(ctx, &bench.Run{ID: "r", Status: bench.RunCompleted, CreatedAt: store.Now(), UpdatedAt: store.Now()}); err != nil {
		t.Fatal(err)
	}
	var rs []bench.Result
	for i := range 300 {
		rs = append(rs, bench.Result{ID: fmt.Sprintf("x-%03d", i), RunID: "r", CaseID: fmt.Sprint(i), Status: bench.StatusSuccess,
			Provider: []string{"a", "b"}[i%2], Prompt: fmt.Sprintf("word%d common", i%7), Response: fmt.Sprintf("reply%d", i%11),
			CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i%50) * time.Second)})
	}
	if err := s.WriteResults(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if err := s.indexPrompts(ctx); err != nil {
		t.Fatal(err)
	}
	walk := func(q store.ResultQuery, plan textPlan) []string {
		t.Helper()
		var got []string
		for {
			sq, args, _, err := resultPageQuery(q, plan)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := s.db.QueryContext(ctx, sq, args...)
			if err != nil {
				t.Fatal(err)
			}
			var items []bench.Result
			for rows.Next() {
				r, err := scanResult(rows)
				if err != nil {
					t.Fatal(err)
				}
				items = append(items, r)
			}
			rows.Close()
			items, next := store.Page(items, store.PageSize(q.Limit), store.ResultCursor, func(r *bench.Result) store.Cursor {
				return store.Cursor{At: r.CreatedAt, ID: r.ID}
			})
			for _, r := range items {
				got = append(got, r.ID)
			}
			if next == "" {
				return got
			}
			q.After = next
		}
	}
	for _, q := range []store.ResultQuery{
		{Text: "common", Limit: 7},
		{Text: "word3", Limit: 5},
		{Text: "word3 reply4", Limit: 2},
		{Text: "common", Provider: "b", Limit: 9},
		{Text: "absent"},
	} {
		sorted, walked := walk(q, sortMatches), walk(q, walkOrder)
		if d := cmp.Diff(sorted, walked); d != "" {
			t.Errorf("%+v: plans differ (-sort +walk):\n%s", q, d)
		}
		if q.Text != "absent" && len(sorted) == 0 {
			t.Errorf("%+v: nothing found", q)
		}
	}
}
