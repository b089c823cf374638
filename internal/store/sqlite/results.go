package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/record"
)

func scanResult(rows *sql.Rows) (bench.Result, error) {
	var (
		r                      bench.Result
		status                 string
		scores, tags, metadata string
		errJSON, toolCalls     sql.NullString
		created                string
	)
	err := rows.Scan(&r.ID, &r.RunID, &r.CaseID, &r.PromptID, &r.Provider, &r.Model, &r.Repetition, &status,
		&r.Prompt, &r.Response, &r.FinishReason, &r.LatencyMs, &r.TTFTMs,
		&r.Tokens.Prompt, &r.Tokens.Completion, &r.Tokens.Cached, &r.Tokens.Reasoning, &r.Tokens.Total,
		&r.Cost.Input, &r.Cost.Output, &r.Cost.Total, &r.Cost.Currency, &scores, &r.Score, &r.Passed,
		&errJSON, &r.Cached, &r.TraceID, &r.SpanID, &tags, &metadata, &created,
		&r.Tokens.CacheWrite, &r.Tokens.CacheWrite1h, &r.Cost.Unknown, &toolCalls)
	if err != nil {
		return r, err
	}
	r.Status = bench.Status(status)
	j := record.ResultJSON{Scores: []byte(scores), Tags: []byte(tags), Metadata: []byte(metadata)}
	if errJSON.Valid {
		j.Error = []byte(errJSON.String)
	}
	if toolCalls.Valid {
		j.ToolCalls = []byte(toolCalls.String)
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

// Totals counts the stored results of each of runIDs in one grouped query
// (the ids travel as one JSON array).
func (s *Store) Totals(ctx context.Context, runIDs ...string) (map[string]bench.Totals, error) {
	out := make(map[string]bench.Totals, len(runIDs))
	if len(runIDs) == 0 {
		return out, nil
	}
	ids, err := json.Marshal(runIDs)
	if err != nil {
		return nil, fmt.Errorf("sqlite totals: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT session_id, count(*),
		sum(status = 'success'), sum(status <> 'success'), sum(passed), sum(NOT passed),
		total(cost_total), sum(total_tokens)
		FROM results WHERE session_id IN (SELECT value FROM json_each(?)) GROUP BY session_id`, string(ids))
	if err != nil {
		return nil, fmt.Errorf("sqlite totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var t bench.Totals
		if err := rows.Scan(&id, &t.Results, &t.Succeeded, &t.Errored, &t.Passed, &t.Failed, &t.CostUSD, &t.Tokens); err != nil {
			return nil, fmt.Errorf("sqlite totals: %w", err)
		}
		out[id] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite totals: %w", err)
	}
	return out, nil
}
