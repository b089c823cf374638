package session

import (
	"context"
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/journal"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Store batches: results reach the database at least this many at a time,
// or once the oldest waiting one is this old, checked at every write.
const (
	storeBatch = 1024
	storeAge   = time.Second
)

// journaledSink is a run's result sink when the service keeps a journal:
// every group of results the runner's writer hands over is appended to the
// journal at once (the group commit that makes a crash lose nothing), and
// reaches the store in large batches (which a database writes many times
// faster than small ones). Only the runner's writer goroutine calls it.
type journaledSink struct {
	j       *journal.Journal
	st      store.ResultWriter
	pending []bench.Result
	oldest  time.Time
	now     func() time.Time
}

func newJournaledSink(j *journal.Journal, st store.ResultWriter) *journaledSink {
	return &journaledSink{j: j, st: st, pending: make([]bench.Result, 0, storeBatch), now: time.Now}
}

// WriteResults journals rs, then stores what waits when there is a full
// batch or the oldest waiting result is a second old.
func (s *journaledSink) WriteResults(ctx context.Context, rs []bench.Result) error {
	if err := s.j.Append(rs); err != nil {
		return err
	}
	if len(s.pending) == 0 {
		s.oldest = s.now()
	}
	s.pending = append(s.pending, rs...)
	if len(s.pending) >= storeBatch || s.now().Sub(s.oldest) >= storeAge {
		return s.flush(ctx)
	}
	return nil
}

func (s *journaledSink) flush(ctx context.Context) error {
	if len(s.pending) == 0 {
		return nil
	}
	if err := s.st.WriteResults(ctx, s.pending); err != nil {
		return err
	}
	clear(s.pending)
	s.pending = s.pending[:0]
	return nil
}

// close stores what waits and removes the journal, which then holds
// nothing the store lacks. On a failure the journal is kept for --resume.
func (s *journaledSink) close(ctx context.Context) error {
	if err := s.flush(ctx); err != nil {
		_ = s.j.Close()
		return fmt.Errorf("store the last %d results: %w (they are kept in the journal for --resume)", len(s.pending), err)
	}
	return s.j.Remove()
}
