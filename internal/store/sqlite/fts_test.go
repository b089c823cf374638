package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// TestPromptSearchFollowsWrites checks the prompt full-text index, brought
// up to date before each search, against every way a result changes: new
// rows in batches of odd sizes, a key repeated within a batch, an upsert
// that replaces the prompt, and DeleteRun.
func TestPromptSearchFollowsWrites(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "fts.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range []string{"a", "b", "c"} {
		if err := s.CreateRun(ctx, &bench.Run{ID: id, Status: bench.RunRunning, CreatedAt: store.Now(), UpdatedAt: store.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	result := func(run string, i int, prompt string) bench.Result {
		return bench.Result{ID: fmt.Sprintf("%s-%03d", run, i), RunID: run, CaseID: fmt.Sprint(i),
			Status: bench.StatusSuccess, Prompt: prompt}
	}
	search := func(term string) []string {
		t.Helper()
		if err := s.indexPrompts(ctx); err != nil { // as every search must
			t.Fatal(err)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT r.id FROM results_fts f JOIN results r ON r.rowid = f.rowid
			WHERE results_fts MATCH ? ORDER BY r.id`, term)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	check := func(step, term string, want ...string) {
		t.Helper()
		if d := cmp.Diff(want, search(term)); d != "" {
			t.Errorf("%s: search %q (-want +got):\n%s", step, term, d)
		}
		// rank = 1 also compares the index with the prompts in results.
		if _, err := s.db.ExecContext(ctx, `INSERT INTO results_fts (results_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Fatalf("%s: integrity-check: %v", step, err)
		}
	}
	write := func(rs ...bench.Result) {
		t.Helper()
		if err := s.WriteResults(ctx, rs); err != nil {
			t.Fatal(err)
		}
	}

	// Case 3 twice in one batch, in one statement and in two: the later
	// prompt is the one indexed. (Updating a row the batch itself added,
	// before the batch indexes it, corrupts the index: first, while it is
	// empty, so that any stray delete shows.)
	write(result("b", 3, "translate the poem"), result("b", 3, "translate the note"), result("b", 4, "poem two"))
	batch := []bench.Result{result("b", 3, "translate the poem")}
	for i := range 40 {
		batch = append(batch, result("c", i, "filler"))
	}
	write(append(batch, result("b", 3, "translate the letter"))...)
	check("repeated key", "poem", "b-004")
	check("repeated key", "letter", "b-003")
	check("repeated key", "note")

	batch = batch[:0]
	for i := range 45 { // one full statement and the 8-, 4- and 1-row ones
		batch = append(batch, result("a", i, fmt.Sprintf("case %d of the weather report", i)))
	}
	write(batch...)
	write(result("b", 1, "summarise the quarterly report"), result("b", 2, "write a haiku"))
	want := []string{}
	for i := range 45 {
		want = append(want, fmt.Sprintf("a-%03d", i))
	}
	check("new rows", "report", append(want, "b-001")...)
	check("new rows", "haiku", "b-002")

	// An upsert (a retried case) replaces the prompt of an indexed row.
	write(result("b", 1, "summarise the minutes"), result("b", 5, "another report"))
	check("upsert", "report", append(want, "b-005")...)
	check("upsert", "minutes", "b-001")

	if err := s.DeleteRun(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	check("delete", "report", "b-005")
	check("delete", "weather")
}
