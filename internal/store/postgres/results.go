package postgres

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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

// upsertSQL replaces every column of a result whose key already exists.
var upsertSQL = func() string {
	cols := strings.Split(strings.Join(strings.Fields(resultColumns), ""), ",")
	marks := make([]string, len(cols))
	set := make([]string, 0, len(cols))
	for i, c := range cols {
		marks[i] = "$" + strconv.Itoa(i+1)
		if c != "session_id" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return `INSERT INTO results (` + resultColumns + `) VALUES (` + strings.Join(marks, ", ") + `)
		ON CONFLICT (session_id, case_id, prompt_id, provider, repetition) DO UPDATE SET ` + strings.Join(set, ", ")
}()

// WriteResults upserts results in one transaction, sent as one pgx batch
// (one round trip). A zero CreatedAt is stamped with store.Now().
func (s *Store) WriteResults(ctx context.Context, results []bench.Result) error {
	if len(results) == 0 {
		return nil
	}
	now := store.Now()
	batch := &pgx.Batch{}
	for i := range results {
		args, err := resultArgs(&results[i], now)
		if err != nil {
			return fmt.Errorf("postgres write results: %w", err)
		}
		batch.Queue(upsertSQL, args...)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres write results: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("postgres write results: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres write results: commit: %w", err)
	}
	return nil
}

func resultArgs(r *bench.Result, now time.Time) ([]any, error) {
	j, err := record.EncodeResult(r)
	if err != nil {
		return nil, err
	}
	created := r.CreatedAt
	if created.IsZero() {
		created = now
	}
	return []any{
		r.ID, r.RunID, r.CaseID, r.PromptID, r.Provider, r.Model, r.Repetition, string(r.Status),
		r.Prompt, r.Response, r.FinishReason, r.LatencyMs, r.TTFTMs,
		r.Tokens.Prompt, r.Tokens.Completion, r.Tokens.Cached, r.Tokens.Reasoning, r.Tokens.Total,
		r.Cost.Input, r.Cost.Output, r.Cost.Total, r.Cost.Currency, j.Scores, r.Score, r.Passed,
		j.Error, r.Cached, r.TraceID, r.SpanID, j.Tags, j.Metadata, created.UTC(),
		r.Tokens.CacheWrite, r.Tokens.CacheWrite1h, r.Cost.Unknown, j.ToolCalls,
	}, nil
}

func scanResult(rows pgx.Rows) (bench.Result, error) {
	var (
		r       bench.Result
		status  string
		j       record.ResultJSON
		created time.Time
	)
	err := rows.Scan(&r.ID, &r.RunID, &r.CaseID, &r.PromptID, &r.Provider, &r.Model, &r.Repetition, &status,
		&r.Prompt, &r.Response, &r.FinishReason, &r.LatencyMs, &r.TTFTMs,
		&r.Tokens.Prompt, &r.Tokens.Completion, &r.Tokens.Cached, &r.Tokens.Reasoning, &r.Tokens.Total,
		&r.Cost.Input, &r.Cost.Output, &r.Cost.Total, &r.Cost.Currency, &j.Scores, &r.Score, &r.Passed,
		&j.Error, &r.Cached, &r.TraceID, &r.SpanID, &j.Tags, &j.Metadata, &created,
		&r.Tokens.CacheWrite, &r.Tokens.CacheWrite1h, &r.Cost.Unknown, &j.ToolCalls)
	if err != nil {
		return r, err
	}
	r.Status = bench.Status(status)
	r.CreatedAt = created.UTC()
	return r, record.DecodeResult(&r, j)
}

// Results streams runID's results ordered by created_at then id from an
// open cursor; breaking out of the loop closes it and frees the connection.
func (s *Store) Results(ctx context.Context, runID string, f store.ResultFilter) iter.Seq2[bench.Result, error] {
	return func(yield func(bench.Result, error) bool) {
		q, args := resultQuery(runID, f)
		rows, err := s.pool.Query(ctx, q, args...)
		if err != nil {
			yield(bench.Result{}, fmt.Errorf("postgres results of run %s: %w", runID, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanResult(rows)
			if err != nil {
				yield(bench.Result{}, fmt.Errorf("postgres results of run %s: %w", runID, err))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(bench.Result{}, fmt.Errorf("postgres results of run %s: %w", runID, err))
		}
	}
}

func resultQuery(runID string, f store.ResultFilter) (string, []any) {
	var b strings.Builder
	args := []any{runID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	b.WriteString(`SELECT ` + resultColumns + ` FROM results WHERE session_id = $1`)
	if f.Status != "" {
		b.WriteString(` AND status = ` + arg(string(f.Status)))
	}
	if f.Provider != "" {
		b.WriteString(` AND provider = ` + arg(f.Provider))
	}
	if f.Passed != nil {
		b.WriteString(` AND passed = ` + arg(*f.Passed))
	}
	b.WriteString(` ORDER BY created_at, id`)
	if f.Limit > 0 {
		b.WriteString(` LIMIT ` + arg(f.Limit))
	}
	if f.Offset > 0 {
		b.WriteString(` OFFSET ` + arg(f.Offset))
	}
	return b.String(), args
}

// Keys streams the keys of runID's results whose status is one of statuses
// (every result when none are given), in creation order.
func (s *Store) Keys(ctx context.Context, runID string, statuses ...bench.Status) iter.Seq2[bench.Key, error] {
	return func(yield func(bench.Key, error) bool) {
		sts := make([]string, len(statuses))
		for i, st := range statuses {
			sts[i] = string(st)
		}
		rows, err := s.pool.Query(ctx, `SELECT case_id, prompt_id, provider, repetition FROM results
			WHERE session_id = $1 AND (cardinality($2::text[]) = 0 OR status = ANY($2))
			ORDER BY created_at, id`, runID, sts)
		if err != nil {
			yield(bench.Key{}, fmt.Errorf("postgres keys of run %s: %w", runID, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var k bench.Key
			if err := rows.Scan(&k.CaseID, &k.PromptID, &k.Provider, &k.Repetition); err != nil {
				yield(bench.Key{}, fmt.Errorf("postgres keys of run %s: %w", runID, err))
				return
			}
			if !yield(k, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(bench.Key{}, fmt.Errorf("postgres keys of run %s: %w", runID, err))
		}
	}
}

// Totals counts the stored results of each of runIDs in one grouped query.
func (s *Store) Totals(ctx context.Context, runIDs ...string) (map[string]bench.Totals, error) {
	out := make(map[string]bench.Totals, len(runIDs))
	if len(runIDs) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT session_id, count(*),
		count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status <> 'success'),
		count(*) FILTER (WHERE passed), count(*) FILTER (WHERE NOT passed),
		coalesce(sum(cost_total), 0), coalesce(sum(total_tokens), 0)
		FROM results WHERE session_id = ANY($1) GROUP BY session_id`, runIDs)
	if err != nil {
		return nil, fmt.Errorf("postgres totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var t bench.Totals
		if err := rows.Scan(&id, &t.Results, &t.Succeeded, &t.Errored, &t.Passed, &t.Failed, &t.CostUSD, &t.Tokens); err != nil {
			return nil, fmt.Errorf("postgres totals: %w", err)
		}
		out[id] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres totals: %w", err)
	}
	return out, nil
}
