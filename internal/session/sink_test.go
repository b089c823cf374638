package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/journal"
)

type batchStore struct {
	batches []int
	err     error
}

func (s *batchStore) WriteResults(_ context.Context, rs []bench.Result) error {
	if s.err != nil {
		return s.err
	}
	s.batches = append(s.batches, len(rs))
	return nil
}

func someResults(n int) []bench.Result {
	rs := make([]bench.Result, n)
	for i := range rs {
		rs[i] = bench.Result{ID: fmt.Sprint(i), RunID: "run", CaseID: fmt.Sprint(i)}
	}
	return rs
}

// TestJournaledSink: every group is in the journal at once; the store gets
// full batches, or what waited a second; close stores the rest and removes
// the journal, or keeps it when the store fails.
func TestJournaledSink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	j, err := journal.Open(dir, "run")
	if err != nil {
		t.Fatal(err)
	}
	st := &batchStore{}
	s := newJournaledSink(j, st)
	clock := time.Unix(0, 0)
	s.now = func() time.Time { return clock }
	for range storeBatch / 16 {
		if err := s.WriteResults(ctx, someResults(16)); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(st.batches) != fmt.Sprint([]int{storeBatch}) {
		t.Errorf("store batches %v, want one of %d", st.batches, storeBatch)
	}
	if err := s.WriteResults(ctx, someResults(3)); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(storeAge)
	if err := s.WriteResults(ctx, someResults(2)); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(st.batches) != fmt.Sprint([]int{storeBatch, 5}) {
		t.Errorf("store batches %v: results a second old must be stored", st.batches)
	}
	b, err := os.ReadFile(journal.Path(dir, "run"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := countLines(b); lines != storeBatch+5 {
		t.Errorf("journal holds %d results, want %d", lines, storeBatch+5)
	}
	if err := s.WriteResults(ctx, someResults(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.close(ctx); err != nil {
		t.Fatal(err)
	}
	if st.batches[len(st.batches)-1] != 1 {
		t.Errorf("close did not store the last result: %v", st.batches)
	}
	if _, err := os.Stat(journal.Path(dir, "run")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal kept after everything was stored: %v", err)
	}

	j2, err := journal.Open(dir, "run2")
	if err != nil {
		t.Fatal(err)
	}
	failing := newJournaledSink(j2, &batchStore{err: errors.New("disk full")})
	if err := failing.WriteResults(ctx, someResults(2)); err != nil {
		t.Fatal(err)
	}
	if err := failing.close(ctx); err == nil {
		t.Fatal("a failing store was not reported")
	}
	if _, err := os.Stat(journal.Path(dir, "run2")); err != nil {
		t.Errorf("journal removed although the store failed: %v", err)
	}
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}
