package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"sync"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/record"
)

const resultColumns = `id, session_id, case_id, prompt_id, provider, model, repetition, status,
	prompt, response, finish_reason, latency_ms, ttft_ms,
	prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, total_tokens,
	cost_input, cost_output, cost_total, currency, scores, score, passed, error, cached,
	trace_id, span_id, tags, metadata, created_at,
	cache_write_tokens, cache_write_1h_tokens, cost_unknown`

const resultColumnCount = 35

// upsertSQL returns an INSERT of n results that replaces every column of a
// result whose key already exists; within one statement a later row wins.
func upsertSQL(n int) string {
	cols := strings.Split(strings.Join(strings.Fields(resultColumns), ""), ",")
	set := make([]string, 0, len(cols))
	for _, c := range cols {
		if c != "session_id" {
			set = append(set, c+" = excluded."+c)
		}
	}
	row := "(" + placeholders(resultColumnCount) + ")"
	rows := strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	return `INSERT INTO results (` + resultColumns + `) VALUES ` + rows + `
		ON CONFLICT (session_id, case_id, prompt_id, provider, repetition) DO UPDATE SET ` + strings.Join(set, ", ")
}

// The prompt full-text index is filled here, once per batch, rather than by
// a per-row trigger (migration 00002): FTS5 writes a segment for every
// statement that adds terms, so one statement per batch keeps the index to
// one segment per batch. Rows a batch adds are those with a rowid above the
// largest before it (SQLite gives a new row max(rowid)+1, and the IMMEDIATE
// transaction keeps other writers out); rows it updates keep their rowid and
// are re-indexed by the results_fts_update trigger.
const (
	maxRowidSQL = `SELECT coalesce(max(rowid), 0) FROM results`
	ftsIndexSQL = `INSERT INTO results_prompt_fts (rowid, prompt) SELECT rowid, prompt FROM results WHERE rowid > ?`
)

// insertSizes is the number of upsert statements kept prepared: the i-th
// carries 1<<i rows, so a batch of any size takes full rowsPerInsert chunks
// and one statement per set bit of the remainder. rowsPerInsert results of
// 35 columns stay well under SQLite's 32766 bound parameters; larger
// statements were no faster.
const (
	insertSizes   = 6
	rowsPerInsert = 1 << (insertSizes - 1)
)

// writer is the connection every WriteResults goes through: taken from the
// pool when the store opens and held until it closes, with its statements
// prepared once on it. Writing through the driver's own connection binds
// each value with its typed call, without database/sql's []any boxing,
// argument conversion and per-statement ClearBindings, which were a good
// part of a batch's cost. SQLite has one writer at a time, so serialising
// WriteResults on mu costs nothing.
type writer struct {
	mu       sync.Mutex
	conn     *sql.Conn // nil once closed
	insert   [insertSizes]*sqlite3.Stmt
	maxRowid *sqlite3.Stmt
	ftsIndex *sqlite3.Stmt
	last     map[resultKey]int // lastPerKey's, kept between batches
}

func openWriter(ctx context.Context, db *sql.DB) (*writer, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &writer{conn: conn}
	err = conn.Raw(func(dc any) error {
		c := dc.(driver.Conn).Raw()
		var err error
		for i := range w.insert {
			if w.insert[i], _, err = c.Prepare(upsertSQL(1 << i)); err != nil {
				return fmt.Errorf("prepare %d-row upsert: %w", 1<<i, err)
			}
		}
		if w.maxRowid, _, err = c.Prepare(maxRowidSQL); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		if w.ftsIndex, _, err = c.Prepare(ftsIndexSQL); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, errors.Join(err, w.close())
	}
	return w, nil
}

// close finalizes the statements (a connection with statements left cannot
// close) and returns the connection to the pool.
func (w *writer) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil {
		return nil
	}
	err := w.conn.Raw(func(any) error {
		var errs []error
		for _, st := range append(w.insert[:], w.maxRowid, w.ftsIndex) {
			if st != nil {
				errs = append(errs, st.Close())
			}
		}
		return errors.Join(errs...)
	})
	err = errors.Join(err, w.conn.Close())
	w.conn = nil
	return err
}

// WriteResults upserts results in one transaction, rowsPerInsert rows per
// statement, and indexes the prompts of the rows it added. A zero CreatedAt
// is stamped with store.Now().
func (s *Store) WriteResults(ctx context.Context, results []bench.Result) error {
	if len(results) == 0 {
		return nil
	}
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil {
		return errors.New("sqlite write results: store closed")
	}
	// A key repeated within the batch would update a row the batch itself
	// added, before its prompt is indexed; keep only its last occurrence,
	// which is what the upsert would have stored.
	results = w.lastPerKey(results)
	err := w.conn.Raw(func(dc any) error {
		return w.write(ctx, dc.(driver.Conn).Raw(), results)
	})
	if err != nil {
		return fmt.Errorf("sqlite write results: %w", err)
	}
	return nil
}

func (w *writer) write(ctx context.Context, c *sqlite3.Conn, results []bench.Result) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if old := c.SetInterrupt(ctx); old != ctx {
		defer c.SetInterrupt(old)
	}
	if err := c.Exec(`BEGIN IMMEDIATE`); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil && !c.GetAutocommit() {
			c.SetInterrupt(context.Background()) // roll back even if interrupted
			err = errors.Join(err, c.Exec(`ROLLBACK`))
		}
	}()
	var before int64
	if w.maxRowid.Step() {
		before = w.maxRowid.ColumnInt64(0)
	}
	if err := w.maxRowid.Reset(); err != nil {
		return err
	}
	now := formatTime(store.Now())
	for start := 0; start < len(results); {
		i := bits.Len(uint(min(rowsPerInsert, len(results)-start))) - 1
		chunk := results[start : start+1<<i]
		start += len(chunk)
		st := w.insert[i]
		for j := range chunk {
			if err := bindResult(st, j*resultColumnCount+1, &chunk[j], now); err != nil {
				return err
			}
		}
		if err := st.Exec(); err != nil {
			return fmt.Errorf("%s..%s of run %s: %w", chunk[0].ID, chunk[len(chunk)-1].ID, chunk[0].RunID, err)
		}
	}
	if err := w.ftsIndex.BindInt64(1, before); err != nil {
		return err
	}
	if err := w.ftsIndex.Exec(); err != nil {
		return fmt.Errorf("index prompts: %w", err)
	}
	if err := c.Exec(`COMMIT`); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// binder binds consecutive parameters of one statement, keeping the first
// error.
type binder struct {
	st  *sqlite3.Stmt
	i   int
	err error
}

func (b *binder) text(v string) {
	if b.err == nil {
		b.err = b.st.BindText(b.i, v)
	}
	b.i++
}

func (b *binder) json(v []byte) { // nil binds NULL
	if b.err == nil {
		b.err = b.st.BindRawText(b.i, v)
	}
	b.i++
}

func (b *binder) int(v int) {
	if b.err == nil {
		b.err = b.st.BindInt(b.i, v)
	}
	b.i++
}

func (b *binder) float(v float64) {
	if b.err == nil {
		b.err = b.st.BindFloat(b.i, v)
	}
	b.i++
}

func (b *binder) bool(v bool) {
	if b.err == nil {
		b.err = b.st.BindBool(b.i, v)
	}
	b.i++
}

// bindResult binds r's resultColumnCount columns, in resultColumns order,
// from parameter first on. now (formatted) stands for a zero CreatedAt.
func bindResult(st *sqlite3.Stmt, first int, r *bench.Result, now string) error {
	j, err := record.EncodeResult(r)
	if err != nil {
		return err
	}
	created := now
	if !r.CreatedAt.IsZero() {
		created = formatTime(r.CreatedAt)
	}
	b := binder{st: st, i: first}
	b.text(r.ID)
	b.text(r.RunID)
	b.text(r.CaseID)
	b.text(r.PromptID)
	b.text(r.Provider)
	b.text(r.Model)
	b.int(r.Repetition)
	b.text(string(r.Status))
	b.text(r.Prompt)
	b.text(r.Response)
	b.text(r.FinishReason)
	b.float(r.LatencyMs)
	b.float(r.TTFTMs)
	b.int(r.Tokens.Prompt)
	b.int(r.Tokens.Completion)
	b.int(r.Tokens.Cached)
	b.int(r.Tokens.Reasoning)
	b.int(r.Tokens.Total)
	b.float(r.Cost.Input)
	b.float(r.Cost.Output)
	b.float(r.Cost.Total)
	b.text(r.Cost.Currency)
	b.json(j.Scores)
	b.float(r.Score)
	b.bool(r.Passed)
	b.json(j.Error)
	b.bool(r.Cached)
	b.text(r.TraceID)
	b.text(r.SpanID)
	b.json(j.Tags)
	b.json(j.Metadata)
	b.text(created)
	b.int(r.Tokens.CacheWrite)
	b.int(r.Tokens.CacheWrite1h)
	b.bool(r.Cost.Unknown)
	if b.err == nil && b.i != first+resultColumnCount {
		b.err = fmt.Errorf("bound %d columns, want %d", b.i-first, resultColumnCount)
	}
	return b.err
}

type resultKey struct {
	run string
	bench.Key
}

// lastPerKey returns results without the earlier occurrences of a repeated
// (run, key), in order; results itself when no key repeats. It reuses w.last
// (w.mu held).
func (w *writer) lastPerKey(results []bench.Result) []bench.Result {
	if len(results) < 2 {
		return results
	}
	if w.last == nil {
		w.last = make(map[resultKey]int, len(results))
	}
	last := w.last
	defer clear(last)
	for i := range results {
		last[resultKey{results[i].RunID, results[i].Key()}] = i
	}
	if len(last) == len(results) {
		return results
	}
	out := make([]bench.Result, 0, len(last))
	for i := range results {
		if last[resultKey{results[i].RunID, results[i].Key()}] == i {
			out = append(out, results[i])
		}
	}
	return out
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
