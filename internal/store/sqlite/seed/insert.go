package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"
)

// execer is what the seeding statements need of a connection.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// withDB opens the database at path on its own pool (outside the store,
// whose handle is not exported), runs fn in one transaction and closes
// it, checkpointing the WAL into the file as the last connection closes.
func withDB(ctx context.Context, path string, fn func(execer) error) (err error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(memory)")
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode()}
	db, err := driver.Open(u.String(), fts5.Register)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// runsSQL and resultsSQL generate the rows with a recursive counter.
const (
	runsSQL = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
		INSERT INTO sessions (id, seq, name, user_id, status, created_at, updated_at)
		SELECT printf('run-%04d', i), i + 1, 'run ' || i, 'user-' || (i % ?), 'completed',
			strftime('%Y-%m-%dT%H:%M:%S', ? + i, 'unixepoch') || '.000000Z',
			strftime('%Y-%m-%dT%H:%M:%S', ? + i, 'unixepoch') || '.000000Z' FROM n`
	resultsSQL = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
		INSERT INTO results (id, session_id, case_id, prompt_id, provider, model, repetition, status,
			prompt, response, finish_reason, latency_ms, ttft_ms,
			prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, total_tokens,
			cost_input, cost_output, cost_total, currency, scores, score, passed, error, cached,
			trace_id, span_id, tags, metadata, created_at,
			cache_write_tokens, cache_write_1h_tokens, cost_unknown)
		SELECT printf('%08x-0000-7000-8000-%012x', i, i), printf('run-%04d', i / ?), 'case-' || (i % ?), 'p1',
			CASE i % 4 WHEN 0 THEN 'openai' WHEN 1 THEN 'anthropic' WHEN 2 THEN 'google' ELSE 'mistral' END,
			'model-' || (i % 8), 1, CASE WHEN i % 50 = 0 THEN 'error' ELSE 'success' END,
			'Question ' || (i % 997) || ' about the ' ||
				CASE WHEN i % 7 = 0 THEN 'weather' ELSE 'harbour' END ||
				CASE WHEN i % 100 = 7 THEN ' and a zephyr' ELSE '' END || ': explain it to a ten year old in two sentences.',
			'Answer ' || (i % 991) || ': the tide comes in twice a day' ||
				CASE WHEN i % 100 = 13 THEN ' with a zephyr' ELSE '' END || '.',
			'stop', 800.5, 120.25, 20, 30, 0, 0, 50, 0.00001, 0.00003, 0.00004, 'USD',
			'{"contains":{"score":1,"pass":true}}', (i % 100) / 100.0, i % 10 >= 3, NULL, 0,
			'4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7',
			CASE i % 4 WHEN 0 THEN '["smoke","math"]' WHEN 1 THEN '["math"]' ELSE '[]' END, '{}',
			strftime('%Y-%m-%dT%H:%M:%S', ? + i / 1000, 'unixepoch') || printf('.%06dZ', (i % 1000) * 1000),
			0, 0, 0
		FROM n`
	counterSQL = `UPDATE run_counter SET last_seq = (SELECT max(seq) FROM sessions)`
)

// insert generates the runs, then the results, then moves the run
// counter past them.
func insert(ctx context.Context, db execer, s Size) error {
	steps := []struct {
		name, sql string
		args      []any
	}{
		{"runs", runsSQL, []any{s.Runs, Owners, Epoch - s.Runs, Epoch - s.Runs}},
		{"results", resultsSQL, []any{s.Results(), s.PerRun, s.PerRun, Epoch}},
		{"run counter", counterSQL, nil},
	}
	for _, st := range steps {
		if _, err := db.ExecContext(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("insert %s: %w", st.name, err)
		}
	}
	return nil
}
