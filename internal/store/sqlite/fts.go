package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"
)

// indexPrompts brings the full-text index of prompts and responses up to
// date: a query that searches results_fts (MATCH) must call it first, as
// rows written since the last indexing are not in the index yet.
func (s *Store) indexPrompts(ctx context.Context) error {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil {
		return errors.New("sqlite index prompts: store closed")
	}
	if err := w.indexLocked(ctx); err != nil {
		return fmt.Errorf("sqlite index prompts: %w", err)
	}
	return nil
}

// indexLocked indexes the rows above the watermark in a transaction of its
// own (w.mu held). It looks before it takes the write lock, so that it
// costs one read when nothing is waiting.
func (w *writer) indexLocked(ctx context.Context) error {
	return w.conn.Raw(func(dc any) error {
		c := dc.(driver.Conn).Raw()
		if old := c.SetInterrupt(ctx); old != ctx {
			defer c.SetInterrupt(old)
		}
		last, upto, err := w.ftsWatermark()
		if err != nil || last == upto {
			return err
		}
		return immediate(c, func() error {
			last, upto, err := w.ftsWatermark() // another process may have indexed
			if err != nil || last == upto {
				return err
			}
			return w.ftsCatchUp(upto)
		})
	})
}

// ftsWatermark returns max(rowid) of results and the watermark, within
// whatever transaction is open.
func (w *writer) ftsWatermark() (last, upto int64, err error) {
	st := w.ftsState
	switch {
	case !st.Step():
		err = errors.New("no row")
	case st.ColumnType(1) == sqlite3.NULL:
		err = errors.New("results_fts_indexed has no row")
	default:
		last, upto = st.ColumnInt64(0), st.ColumnInt64(1)
	}
	if rerr := st.Reset(); rerr != nil {
		err = rerr
	}
	if err != nil {
		return 0, 0, fmt.Errorf("read index watermark: %w", err)
	}
	return last, upto, nil
}

// ftsCatchUp indexes the rows above upto, the watermark read in the open
// transaction, and moves the watermark to max(rowid).
func (w *writer) ftsCatchUp(upto int64) error {
	if err := w.ftsIndex.BindInt64(1, upto); err != nil {
		return err
	}
	if err := w.ftsIndex.Exec(); err != nil {
		return fmt.Errorf("index prompts: %w", err)
	}
	if err := w.ftsRaise.Exec(); err != nil {
		return fmt.Errorf("raise index watermark: %w", err)
	}
	return nil
}

// immediate runs fn in an IMMEDIATE transaction on c, committing when it
// succeeds and rolling back (even when c's context was cancelled) when it
// or the commit fails.
func immediate(c *sqlite3.Conn, fn func() error) (err error) {
	if err := c.Exec(`BEGIN IMMEDIATE`); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil && !c.GetAutocommit() {
			c.SetInterrupt(context.Background())
			err = errors.Join(err, c.Exec(`ROLLBACK`))
		}
	}()
	if err := fn(); err != nil {
		return err
	}
	if err := c.Exec(`COMMIT`); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
