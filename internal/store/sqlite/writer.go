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
	cache_write_tokens, cache_write_1h_tokens, cost_unknown, tool_calls`

const resultColumnCount = 36

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

// The full-text index of prompts and responses (results_fts, 00007) is
// filled in bulk (migration 00005), not in every write: FTS5 writes a segment for every transaction that adds terms,
// and with group commit a run sends many small batches. The watermark
// results_fts_indexed.upto says how far the index goes: every row whose
// rowid is at most upto is indexed with its current text (the update and
// delete triggers keep it so), no row above it is. Indexing adds the rows
// above it in one statement and moves it to max(rowid), in one transaction,
// so a crash leaves both or neither. Rows a write adds get rowids above
// max(rowid) as it was when the write began (the IMMEDIATE transaction keeps
// other writers out), which is lowered first to keep them above the
// watermark when deletes have left it higher.
const (
	ftsStateSQL = `SELECT (SELECT coalesce(max(rowid), 0) FROM results), (SELECT upto FROM results_fts_indexed)`
	ftsLowerSQL = `UPDATE results_fts_indexed SET upto = ?`
	ftsIndexSQL = `INSERT INTO results_fts (rowid, prompt, response) SELECT rowid, prompt, response FROM results WHERE rowid > ?`
	ftsRaiseSQL = `UPDATE results_fts_indexed SET upto = (SELECT coalesce(max(rowid), 0) FROM results)`
)

// indexEvery is how many rows may wait above the watermark before a write
// indexes them: about one 500-row batch's worth of FTS5 work every 64 small
// batches instead of a segment for each.
const indexEvery = 1024

// insertSizes is the number of upsert statements kept prepared: the i-th
// carries 1<<i rows, so a batch of any size takes full rowsPerInsert chunks
// and one statement per set bit of the remainder. rowsPerInsert results of
// 36 columns stay well under SQLite's 32766 bound parameters; larger
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
	ftsState *sqlite3.Stmt // max(rowid), watermark
	ftsLower *sqlite3.Stmt
	ftsIndex *sqlite3.Stmt
	ftsRaise *sqlite3.Stmt
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
		for _, p := range []struct {
			st  **sqlite3.Stmt
			sql string
		}{{&w.ftsState, ftsStateSQL}, {&w.ftsLower, ftsLowerSQL}, {&w.ftsIndex, ftsIndexSQL}, {&w.ftsRaise, ftsRaiseSQL}} {
			if *p.st, _, err = c.Prepare(p.sql); err != nil {
				return fmt.Errorf("prepare %q: %w", p.sql, err)
			}
		}
		return nil
	})
	if err == nil {
		err = w.indexLocked(ctx) // rows a crashed process left waiting; w is not shared yet
	}
	if err != nil {
		return nil, errors.Join(err, w.close())
	}
	return w, nil
}

// close indexes the prompts still waiting, finalizes the statements (a
// connection with statements left cannot close) and returns the connection
// to the pool. The statements are closed even when indexing fails; the rows
// are then indexed when the database is next opened.
func (w *writer) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn == nil {
		return nil
	}
	var errs []error
	if w.ftsRaise != nil { // every statement was prepared
		errs = append(errs, w.indexLocked(context.Background()))
	}
	err := w.conn.Raw(func(any) error {
		var errs []error
		for _, st := range append(w.insert[:], w.ftsState, w.ftsLower, w.ftsIndex, w.ftsRaise) {
			if st != nil {
				errs = append(errs, st.Close())
			}
		}
		return errors.Join(errs...)
	})
	err = errors.Join(append(errs, err, w.conn.Close())...)
	w.conn = nil
	return err
}

// WriteResults upserts results in one transaction, rowsPerInsert rows per
// statement, and indexes the prompts waiting once there are indexEvery of
// them. A zero CreatedAt is stamped with store.Now().
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
	// Keep only the last occurrence of a key repeated within the batch,
	// which is what the upsert would have stored, so each row is written
	// once.
	results = w.lastPerKey(results)
	err := w.conn.Raw(func(dc any) error {
		return w.write(ctx, dc.(driver.Conn).Raw(), results)
	})
	if err != nil {
		return fmt.Errorf("sqlite write results: %w", err)
	}
	return nil
}

func (w *writer) write(ctx context.Context, c *sqlite3.Conn, results []bench.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if old := c.SetInterrupt(ctx); old != ctx {
		defer c.SetInterrupt(old)
	}
	return immediate(c, func() error { return w.writeTx(results) })
}

// writeTx is write's transaction.
func (w *writer) writeTx(results []bench.Result) error {
	before, upto, err := w.ftsWatermark()
	if err != nil {
		return err
	}
	if before < upto { // deletes took the last rows: keep new ones above it
		if err := w.ftsLower.BindInt64(1, before); err != nil {
			return err
		}
		if err := w.ftsLower.Exec(); err != nil {
			return fmt.Errorf("lower index watermark: %w", err)
		}
		upto = before
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
	// Updates among results make this an overestimate, which only indexes
	// a little early; the watermark, not this count, decides what is
	// indexed.
	if before-upto+int64(len(results)) >= indexEvery {
		if err := w.ftsCatchUp(upto); err != nil {
			return err
		}
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
	b.json(j.ToolCalls)
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
