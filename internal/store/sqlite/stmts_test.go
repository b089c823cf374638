package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Reads run through prepared statements kept by text; past the bound they
// still run, unprepared; Close releases them.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "db.sqlite"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cached := func() int {
		s.stmts.mu.RLock()
		defer s.stmts.mu.RUnlock()
		return len(s.stmts.m)
	}
	for range 3 {
		if _, err := s.GetUser(ctx, "nobody"); err == nil {
			t.Fatal("found a user in an empty database")
		}
	}
	if n := cached(); n != 1 {
		t.Fatalf("%d statements cached after one text ran three times, want 1", n)
	}
	for i := cached(); i < maxCachedStmts+5; i++ {
		var n int
		if err := s.queryRow(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
			t.Fatalf("SELECT %d = %d, %v", i, n, err)
		}
	}
	if n := cached(); n != maxCachedStmts {
		t.Fatalf("%d statements cached, want the bound %d", n, maxCachedStmts)
	}
	if err := s.queryRow(ctx, "SELECT nonsense FROM nowhere").Scan(new(int)); err == nil {
		t.Fatal("a bad query succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := cached(); n != 0 {
		t.Fatalf("%d statements left after Close", n)
	}
}
