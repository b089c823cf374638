package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

func TestNewDatabasePragmas(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "p.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for pragma, want := range map[string]string{"page_size": "16384", "journal_mode": "wal", "temp_store": "2", "synchronous": "1"} {
		var got string
		if err := s.db.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

// TestOpenKeepsAnExistingPageSize opens a database made with the default
// 4 KiB pages: the page_size pragma must not get in the way.
func TestOpenKeepsAnExistingPageSize(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := driver.Open("file:"+path+"?_pragma=journal_mode(wal)", fts5.Register)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(t.Context(), "CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(t.Context(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got int
	if err := s.db.QueryRowContext(t.Context(), "PRAGMA page_size").Scan(&got); err != nil || got != 4096 {
		t.Errorf("page_size = %d, %v; want 4096", got, err)
	}
}
