package seed

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
)

var small = Size{Runs: 12, PerRun: 100}

// TestWrite checks the rows Write generates against what the package
// comment promises, and that the text is indexed and the file complete
// when it returns.
func TestWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "seed.db")
	if err := Write(ctx, path, small); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Error("a WAL file is left beside the seeded store: a copy of the file alone would miss rows")
	}
	var indexed, rows int64
	err := withDB(ctx, path, func(db execer) error {
		return db.(*sql.Tx).QueryRowContext(ctx, `SELECT (SELECT upto FROM results_fts_indexed), (SELECT max(rowid) FROM results)`).Scan(&indexed, &rows)
	})
	if err != nil {
		t.Fatal(err)
	}
	if indexed != rows || rows != int64(small.Results()) {
		t.Errorf("full-text watermark %d, %d rows; want both %d", indexed, rows, small.Results())
	}

	st, err := sqlite.Open(ctx, path, store.Options{NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	last := small.Results() - 1
	got, err := st.GetResult(ctx, ID(last))
	if err != nil {
		t.Fatal(err)
	}
	want := struct {
		Run, Provider string
		Status        bench.Status
		Passed        bool
		At            string
	}{RunID(small.Runs - 1), Providers[last%len(Providers)], bench.StatusSuccess, last%10 >= 3, At(last).Format("2006-01-02T15:04:05.000Z")}
	gotV := want
	gotV.Run, gotV.Provider, gotV.Status, gotV.At = got.RunID, got.Provider, got.Status, got.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	gotV.Passed = got.Passed
	if d := cmp.Diff(want, gotV); d != "" {
		t.Errorf("result %d (-want +got):\n%s", last, d)
	}

	tests := []struct {
		name string
		q    store.ResultQuery
		keep func(i int) bool
	}{
		{"owner", store.ResultQuery{UserID: Owner(3), Limit: store.MaxPage}, func(i int) bool { return Owner(i/small.PerRun) == Owner(3) }},
		{"provider", store.ResultQuery{Provider: "google", Limit: store.MaxPage}, func(i int) bool { return i%4 == 2 }},
		{"errors", store.ResultQuery{Status: bench.StatusError, Limit: store.MaxPage}, func(i int) bool { return i%50 == 0 }},
		{"zephyr", store.ResultQuery{Text: "zephyr", Limit: store.MaxPage}, func(i int) bool { return i%100 == 7 || i%100 == 13 }},
		{"run", store.ResultQuery{RunID: RunID(5), Limit: store.MaxPage}, func(i int) bool { return i/small.PerRun == 5 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, _, err := st.QueryResults(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var wantIDs, gotIDs []string
			for i := last; i >= 0; i-- { // newest first
				if tc.keep(i) {
					wantIDs = append(wantIDs, ID(i))
				}
			}
			for _, r := range items {
				gotIDs = append(gotIDs, r.ID)
			}
			if d := cmp.Diff(wantIDs, gotIDs); d != "" {
				t.Errorf("ids (-want +got):\n%s", d)
			}
		})
	}
}

// TestCached seeds once and then finds the file; a size it was not asked
// for is another file.
func TestCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	p1, seeded, err := Cached(ctx, dir, small)
	if err != nil || !seeded {
		t.Fatalf("first Cached: seeded %v, err %v; want a new file", seeded, err)
	}
	p2, seeded, err := Cached(ctx, dir, small)
	if err != nil || seeded || p2 != p1 {
		t.Fatalf("second Cached: %q seeded %v err %v; want %q from the cache", p2, seeded, err, p1)
	}
	other := Size{Runs: 1, PerRun: 10}
	p3, seeded, err := Cached(ctx, dir, other)
	if err != nil || !seeded || p3 == p1 {
		t.Fatalf("Cached(%+v): %q seeded %v err %v; want a new file", other, p3, seeded, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".db") {
			t.Errorf("%s left in the cache directory", e.Name())
		}
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := CopyFile(p1, copyPath); err != nil {
		t.Fatal(err)
	}
	if err := CopyFile(p1, copyPath); err == nil {
		t.Error("CopyFile overwrote an existing file")
	}
}

func TestWriteRefusesEmptySize(t *testing.T) {
	t.Parallel()
	for _, s := range []Size{{0, 10}, {3, 0}} {
		if err := Write(context.Background(), filepath.Join(t.TempDir(), "x.db"), s); err == nil {
			t.Errorf("Write(%+v) succeeded", s)
		}
	}
}
