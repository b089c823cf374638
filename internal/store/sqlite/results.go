package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/record"
)

const resultColumns = `id, session_id, case_id, prompt_id, provider, model, repetition, status,
	prompt, response, finish_reason, latency_ms, ttft_ms,
	prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, total_tokens,
	cost_input, cost_output, cost_total, currency, scores, score, passed, error, cached,
	trace_id, span_id, tags, metadata, created_at`

const resultColumnCount = 32

// rowsPerInsert is how many results one INSERT carries (32 columns each,
// well under SQLite's 32766 bound parameters).
const rowsPerInsert = 32

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
// and at most one statement per set bit of the remainder.
const insertSizes = 6 // 1 << (insertSizes-1) == rowsPerInsert

// writeStmts are WriteResults' statements, prepared once when the store
// opens (and by database/sql once per connection) and reused by every batch.
type writeStmts struct {
	insert   [insertSizes]*sql.Stmt
	maxRowid *sql.Stmt
	ftsIndex *sql.Stmt
}

func prepareWrites(ctx context.Context, db *sql.DB) (*writeStmts, error) {
	w := &writeStmts{}
	var err error
	for i := range w.insert {
		if w.insert[i], err = db.PrepareContext(ctx, upsertSQL(1<<i)); err != nil {
			w.close()
			return nil, fmt.Errorf("prepare %d-row upsert: %w", 1<<i, err)
		}
	}
	if w.maxRowid, err = db.PrepareContext(ctx, maxRowidSQL); err != nil {
		w.close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if w.ftsIndex, err = db.PrepareContext(ctx, ftsIndexSQL); err != nil {
		w.close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return w, nil
}

func (w *writeStmts) close() {
	for _, st := range append(w.insert[:], w.maxRowid, w.ftsIndex) {
		if st != nil {
			st.Close()
		}
	}
}

// WriteResults upserts results in one transaction, rowsPerInsert rows per
// statement, and indexes the prompts of the rows it added. A zero CreatedAt
// is stamped with store.Now().
func (s *Store) WriteResults(ctx context.Context, results []bench.Result) error {
	if len(results) == 0 {
		return nil
	}
	// A key repeated within the batch would update a row the batch itself
	// added, before its prompt is indexed; keep only its last occurrence,
	// which is what the upsert would have stored.
	results = lastPerKey(results)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite write results: begin: %w", err)
	}
	defer tx.Rollback()
	var before int64
	if err := tx.StmtContext(ctx, s.w.maxRowid).QueryRowContext(ctx).Scan(&before); err != nil {
		return fmt.Errorf("sqlite write results: %w", err)
	}
	now := store.Now()
	args := make([]any, 0, rowsPerInsert*resultColumnCount)
	var stmts [insertSizes]*sql.Stmt // this transaction's, closed with it
	for start := 0; start < len(results); {
		i := insertSizes - 1
		for 1<<i > len(results)-start {
			i--
		}
		chunk := results[start : start+1<<i]
		start += len(chunk)
		args = args[:0]
		for j := range chunk {
			if args, err = appendResultArgs(args, &chunk[j], now); err != nil {
				return fmt.Errorf("sqlite write results: %w", err)
			}
		}
		if stmts[i] == nil {
			stmts[i] = tx.StmtContext(ctx, s.w.insert[i])
		}
		if _, err := stmts[i].ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("sqlite write results %s..%s of run %s: %w", chunk[0].ID, chunk[len(chunk)-1].ID, chunk[0].RunID, err)
		}
	}
	if _, err := tx.StmtContext(ctx, s.w.ftsIndex).ExecContext(ctx, before); err != nil {
		return fmt.Errorf("sqlite write results: index prompts: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite write results: commit: %w", err)
	}
	return nil
}

type resultKey struct {
	run string
	bench.Key
}

// lastPerKey returns results without the earlier occurrences of a repeated
// (run, key), in order; results itself when no key repeats.
func lastPerKey(results []bench.Result) []bench.Result {
	if len(results) < 2 {
		return results
	}
	last := make(map[resultKey]int, len(results))
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

func appendResultArgs(args []any, r *bench.Result, now time.Time) ([]any, error) {
	j, err := record.EncodeResult(r)
	if err != nil {
		return args, err
	}
	created := r.CreatedAt
	if created.IsZero() {
		created = now
	}
	var errJSON any
	if j.Error != nil {
		errJSON = string(j.Error)
	}
	return append(args,
		r.ID, r.RunID, r.CaseID, r.PromptID, r.Provider, r.Model, r.Repetition, string(r.Status),
		r.Prompt, r.Response, r.FinishReason, r.LatencyMs, r.TTFTMs,
		r.Tokens.Prompt, r.Tokens.Completion, r.Tokens.Cached, r.Tokens.Reasoning, r.Tokens.Total,
		r.Cost.Input, r.Cost.Output, r.Cost.Total, r.Cost.Currency, string(j.Scores), r.Score, r.Passed,
		errJSON, r.Cached, r.TraceID, r.SpanID, string(j.Tags), string(j.Metadata), formatTime(created),
	), nil
}

func scanResult(rows *sql.Rows) (bench.Result, error) {
	var (
		r                      bench.Result
		status                 string
		scores, tags, metadata string
		errJSON                sql.NullString
		created                string
	)
	err := rows.Scan(&r.ID, &r.RunID, &r.CaseID, &r.PromptID, &r.Provider, &r.Model, &r.Repetition, &status,
		&r.Prompt, &r.Response, &r.FinishReason, &r.LatencyMs, &r.TTFTMs,
		&r.Tokens.Prompt, &r.Tokens.Completion, &r.Tokens.Cached, &r.Tokens.Reasoning, &r.Tokens.Total,
		&r.Cost.Input, &r.Cost.Output, &r.Cost.Total, &r.Cost.Currency, &scores, &r.Score, &r.Passed,
		&errJSON, &r.Cached, &r.TraceID, &r.SpanID, &tags, &metadata, &created)
	if err != nil {
		return r, err
	}
	r.Status = bench.Status(status)
	j := record.ResultJSON{Scores: []byte(scores), Tags: []byte(tags), Metadata: []byte(metadata)}
	if errJSON.Valid {
		j.Error = []byte(errJSON.String)
	}
	if err := record.DecodeResult(&r, j); err != nil {
		return r, err
	}
	r.CreatedAt, err = parseTime(created)
	return r, err
}

// Results streams runID's results ordered by created_at then id; rows are
// read from an open cursor, and breaking out of the loop closes it.
func (s *Store) Results(ctx context.Context, runID string, f store.ResultFilter) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		q, args := resultQuery(runID, f)
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			yield(bench.Result{}, fmt.Errorf("sqlite results of run %s: %w", runID, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanResult(rows)
			if err != nil {
				yield(bench.Result{}, fmt.Errorf("sqlite results of run %s: %w", runID, err))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(bench.Result{}, fmt.Errorf("sqlite results of run %s: %w", runID, err))
		}
	}
}

func resultQuery(runID string, f store.ResultFilter) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT ` + resultColumns + ` FROM results WHERE session_id = ?`)
	args := []any{runID}
	if f.Status != "" {
		b.WriteString(` AND status = ?`)
		args = append(args, string(f.Status))
	}
	if f.Provider != "" {
		b.WriteString(` AND provider = ?`)
		args = append(args, f.Provider)
	}
	if f.Passed != nil {
		b.WriteString(` AND passed = ?`)
		args = append(args, *f.Passed)
	}
	b.WriteString(` ORDER BY created_at, id`)
	if f.Limit > 0 || f.Offset > 0 {
		limit := f.Limit
		if limit <= 0 {
			limit = -1 // SQLite: no limit
		}
		b.WriteString(` LIMIT ? OFFSET ?`)
		args = append(args, limit, max(f.Offset, 0))
	}
	return b.String(), args
}

// Keys streams the keys of runID's results whose status is one of statuses
// (every result when none are given), in creation order.
func (s *Store) Keys(ctx context.Context, runID string, statuses ...bench.Status) iter.Seq2[bench.Key, error] {
	return func(yield func(bench.Key, error) bool) {
		q := `SELECT case_id, prompt_id, provider, repetition FROM results WHERE session_id = ?`
		args := []any{runID}
		if len(statuses) > 0 {
			q += ` AND status IN (` + placeholders(len(statuses)) + `)`
			for _, st := range statuses {
				args = append(args, string(st))
			}
		}
		q += ` ORDER BY created_at, id`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			yield(bench.Key{}, fmt.Errorf("sqlite keys of run %s: %w", runID, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var k bench.Key
			if err := rows.Scan(&k.CaseID, &k.PromptID, &k.Provider, &k.Repetition); err != nil {
				yield(bench.Key{}, fmt.Errorf("sqlite keys of run %s: %w", runID, err))
				return
			}
			if !yield(k, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(bench.Key{}, fmt.Errorf("sqlite keys of run %s: %w", runID, err))
		}
	}
}
