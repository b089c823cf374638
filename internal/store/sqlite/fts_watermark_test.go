package sqlite

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// ftsFixture is a store and a model of the prompts it holds, id -> prompt,
// to tell what a search must find.
type ftsFixture struct {
	t       *testing.T
	ctx     context.Context
	s       *Store
	prompts map[string]string
}

func newFTSFixture(t *testing.T, path string, runs ...string) *ftsFixture {
	t.Helper()
	s, err := Open(t.Context(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &ftsFixture{t: t, ctx: t.Context(), s: s, prompts: map[string]string{}}
	for _, id := range runs {
		if err := s.CreateRun(f.ctx, &bench.Run{ID: id, Status: bench.RunRunning, CreatedAt: store.Now(), UpdatedAt: store.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// results returns results of run for cases from..to-1, prompt "<word> <i>".
func (f *ftsFixture) results(run string, from, to int, word string) []bench.Result {
	var rs []bench.Result
	for i := from; i < to; i++ {
		id := fmt.Sprintf("%s-%04d", run, i)
		rs = append(rs, bench.Result{ID: id, RunID: run, CaseID: fmt.Sprint(i), Status: bench.StatusSuccess,
			Prompt: fmt.Sprintf("%s %d", word, i)})
	}
	return rs
}

// put writes rs in one batch.
func (f *ftsFixture) put(rs ...bench.Result) {
	f.t.Helper()
	if err := f.s.WriteResults(f.ctx, rs); err != nil {
		f.t.Fatal(err)
	}
	for _, r := range rs {
		f.prompts[r.ID] = r.Prompt
	}
}

// write stores results(run, from, to, word) in one batch.
func (f *ftsFixture) write(run string, from, to int, word string) {
	f.t.Helper()
	f.put(f.results(run, from, to, word)...)
}

func (f *ftsFixture) deleteRun(run string) {
	f.t.Helper()
	if err := f.s.DeleteRun(f.ctx, run); err != nil {
		f.t.Fatal(err)
	}
	for id := range f.prompts {
		if strings.HasPrefix(id, run+"-") {
			delete(f.prompts, id)
		}
	}
}

// watermark returns max(rowid) of results and the index watermark.
func (f *ftsFixture) watermark() (last, upto int64) {
	f.t.Helper()
	if err := f.s.db.QueryRowContext(f.ctx, ftsStateSQL).Scan(&last, &upto); err != nil {
		f.t.Fatal(err)
	}
	return last, upto
}

// integrity runs FTS5's integrity check; rank = 1 also compares the index
// with the prompts in results, so it fails on a missing, stale or extra row.
func (f *ftsFixture) integrity(step string) {
	f.t.Helper()
	if _, err := f.s.db.ExecContext(f.ctx, `INSERT INTO results_fts (results_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		f.t.Fatalf("%s: integrity-check: %v", step, err)
	}
}

// invariant checks the watermark's promise without indexing anything: the
// index holds every row at or below it and none above (FTS5 keeps one
// %_docsize row per indexed document).
func (f *ftsFixture) invariant(step string) {
	f.t.Helper()
	var missing, extra int
	err := f.s.db.QueryRowContext(f.ctx, `SELECT
		(SELECT count(*) FROM results WHERE rowid <= (SELECT upto FROM results_fts_indexed)
			AND rowid NOT IN (SELECT id FROM results_fts_docsize)),
		(SELECT count(*) FROM results_fts_docsize WHERE id > (SELECT upto FROM results_fts_indexed)
			OR id NOT IN (SELECT rowid FROM results))`).Scan(&missing, &extra)
	if err != nil {
		f.t.Fatalf("%s: %v", step, err)
	}
	if missing != 0 || extra != 0 {
		f.t.Errorf("%s: %d rows at or below the watermark missing from the index, %d indexed rows above it or gone", step, missing, extra)
	}
}

// rawSearch returns the ids of the rows whose prompt has term, as the index
// has them now.
func (f *ftsFixture) rawSearch(term string) []string {
	f.t.Helper()
	rows, err := f.s.db.QueryContext(f.ctx, `SELECT r.id FROM results_fts f JOIN results r ON r.rowid = f.rowid
		WHERE results_fts MATCH ? ORDER BY r.id`, term)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return ids
}

// check indexes what is waiting, as a search does, then checks the index
// and that each term finds exactly the prompts of the model that have it.
func (f *ftsFixture) check(step string, terms ...string) {
	f.t.Helper()
	f.invariant(step + ", before indexing")
	if err := f.s.indexPrompts(f.ctx); err != nil {
		f.t.Fatalf("%s: %v", step, err)
	}
	f.invariant(step)
	f.integrity(step)
	for _, term := range terms {
		var want []string
		for id, p := range f.prompts {
			if slices.Contains(strings.Fields(p), term) {
				want = append(want, id)
			}
		}
		slices.Sort(want)
		if d := cmp.Diff(want, f.rawSearch(term)); d != "" {
			f.t.Errorf("%s: search %q (-want +got):\n%s", step, term, d)
		}
	}
	if last, upto := f.watermark(); last != upto {
		f.t.Errorf("%s: watermark %d after indexing, want max(rowid) %d", step, upto, last)
	}
}

// TestPromptIndexManySmallWrites writes the way group commit does: the
// index waits for indexEvery rows, is filled by the write that reaches
// them, and a search finds every row right after the last write.
func TestPromptIndexManySmallWrites(t *testing.T) {
	t.Parallel()
	f := newFTSFixture(t, filepath.Join(t.TempDir(), "fts.db"), "a")
	f.write("a", 0, 16, "weather")
	if last, upto := f.watermark(); last != 16 || upto != 0 {
		t.Fatalf("after one small write: max(rowid) %d, watermark %d; want 16, 0 (indexing deferred)", last, upto)
	}
	if got := f.rawSearch("weather"); len(got) != 0 {
		t.Fatalf("deferred rows already indexed: %v", got)
	}
	indexed := false
	for i := 16; i < 1600; i += 16 {
		f.write("a", i, i+16, "weather")
		last, upto := f.watermark()
		if last-upto >= indexEvery {
			t.Fatalf("after %d rows: %d rows waiting, want fewer than %d", i+16, last-upto, indexEvery)
		}
		indexed = indexed || upto > 0
		f.invariant(fmt.Sprintf("after %d rows", i+16))
	}
	if !indexed {
		t.Error("no write indexed the rows waiting")
	}
	f.check("many small writes", "weather", "17", "1599")
}

// TestPromptIndexUpserts rewrites prompts of rows on both sides of the
// watermark: rows below are re-indexed by the update trigger, rows above
// must be left to the next indexing (a 'delete' of a row never indexed
// corrupts the index).
func TestPromptIndexUpserts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		upserts func(f *ftsFixture)
	}{
		{"below", func(f *ftsFixture) { f.write("a", 0, 10, "gamma") }},
		{"above", func(f *ftsFixture) { f.write("b", 0, 10, "delta") }},
		{"both in one batch", func(f *ftsFixture) {
			f.put(append(f.results("a", 40, 50, "gamma"), f.results("b", 5, 15, "delta")...)...)
		}},
		{"above twice", func(f *ftsFixture) { f.write("b", 0, 10, "delta"); f.write("b", 5, 10, "gamma") }},
		{"below twice", func(f *ftsFixture) { f.write("a", 0, 10, "delta"); f.write("a", 5, 10, "gamma") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFTSFixture(t, filepath.Join(t.TempDir(), "fts.db"), "a", "b")
			f.write("a", 0, 50, "alpha")
			if err := f.s.indexPrompts(f.ctx); err != nil {
				t.Fatal(err)
			}
			f.write("b", 0, 50, "beta") // above the watermark
			tt.upserts(f)
			if _, upto := f.watermark(); upto != 50 {
				t.Fatalf("watermark %d, want 50: the upserts were indexed at once", upto)
			}
			f.check(tt.name, "alpha", "beta", "gamma", "delta", "7")
		})
	}
}

// TestPromptIndexDeletes deletes runs whose rows are indexed, waiting, or
// both, including the last indexed rows: SQLite then gives their rowids to
// new rows, which must stay above the watermark.
func TestPromptIndexDeletes(t *testing.T) {
	t.Parallel()
	f := newFTSFixture(t, filepath.Join(t.TempDir(), "fts.db"), "a", "b", "c", "d", "e")
	f.write("a", 0, 30, "alpha")
	f.write("b", 0, 20, "beta")
	if err := f.s.indexPrompts(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.write("c", 0, 10, "gamma") // waiting
	f.deleteRun("c")
	f.deleteRun("b") // the last indexed rows: max(rowid) falls below the watermark
	f.invariant("deletes")
	f.write("d", 0, 15, "delta")
	f.write("d", 0, 5, "epsilon") // rows that took deleted rowids, rewritten
	f.check("delete the last indexed rows, then write", "alpha", "beta", "gamma", "delta", "epsilon")

	f.write("e", 0, 10, "zeta")
	if err := f.s.indexPrompts(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.write("e", 10, 20, "zeta") // e is half indexed, half waiting
	f.deleteRun("e")
	f.invariant("delete a half-indexed run")
	f.deleteRun("a")
	f.write("d", 15, 20, "delta")
	f.check("delete a half-indexed run", "alpha", "delta", "epsilon", "zeta")
}

// TestPromptIndexAfterCrash copies the files of a store that was never
// closed, as a crash leaves them: opening the copy indexes the rows left
// waiting, so the index is complete before any search.
func TestPromptIndexAfterCrash(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := newFTSFixture(t, filepath.Join(dir, "fts.db"), "a")
	f.write("a", 0, 40, "weather")
	if _, upto := f.watermark(); upto != 0 {
		t.Fatalf("watermark %d before the crash, want 0", upto)
	}
	crashed := filepath.Join(t.TempDir(), "fts.db")
	for _, suffix := range []string{"", "-wal"} {
		copyFile(t, filepath.Join(dir, "fts.db"+suffix), crashed+suffix)
	}
	g := newFTSFixture(t, crashed)
	if last, upto := g.watermark(); last != 40 || upto != 40 {
		t.Errorf("after reopening: max(rowid) %d, watermark %d; want 40, 40", last, upto)
	}
	g.integrity("reopened") // without indexPrompts: Open caught up
	if got := g.rawSearch("weather"); len(got) != 40 {
		t.Errorf("search after reopening found %d rows, want 40", len(got))
	}
}

// TestPromptIndexOnClose checks that Close indexes the rows waiting, for a
// reader of the file that does not go through Open.
func TestPromptIndexOnClose(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fts.db")
	f := newFTSFixture(t, path, "a")
	f.write("a", 0, 40, "weather")
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := driver.Open("file:"+path, fts5.Register)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var last, upto int64
	if err := db.QueryRowContext(t.Context(), ftsStateSQL).Scan(&last, &upto); err != nil || last != 40 || upto != 40 {
		t.Errorf("after Close: max(rowid) %d, watermark %d, %v; want 40, 40", last, upto, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
