package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// textSQL is the expression idx_results_text indexes (migration 00006); a
// search must use it verbatim for the planner to use the index.
const textSQL = `to_tsvector('english', left(prompt, 32768) || ' ' || left(response, 65536))`

// storable reports whether PostgreSQL can take s as a text value: UTF-8
// without NUL. A filter that is not can match no stored value.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// searchable makes any text a valid plainto_tsquery argument: invalid
// bytes and NULs separate words.
func searchable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, " "), "\x00", " ")
}

func allStorable(values ...string) bool {
	for _, v := range values {
		if !storable(v) {
			return false
		}
	}
	return true
}

// where collects the conditions and arguments of a query.
type where struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(w.conds, ` AND `)
}

// QueryResults returns one page of results, newest first. Each filter
// that can be selective has a b-tree ordered (filter, created_at, id)
// (migration 00006), a tag the GIN index on tags, the text search the GIN
// index on textSQL.
func (s *Store) QueryResults(ctx context.Context, q store.ResultQuery) ([]bench.Result, string, error) {
	sql, args, err := resultPageQuery(q)
	if err != nil {
		return nil, "", fmt.Errorf("postgres query results: %w", err)
	}
	if !allStorable(q.RunID, q.UserID, q.Provider, q.Model, q.CaseID, q.Tag, string(q.Status), q.TraceID) {
		return []bench.Result{}, "", nil
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, "", fmt.Errorf("postgres query results: %w", err)
	}
	defer rows.Close()
	out := []bench.Result{}
	for rows.Next() {
		r, err := scanResult(rows)
		if err != nil {
			return nil, "", fmt.Errorf("postgres query results: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("postgres query results: %w", err)
	}
	out, next := store.Page(out, store.PageSize(q.Limit), store.ResultCursor, func(r *bench.Result) store.Cursor {
		return store.Cursor{At: r.CreatedAt, ID: r.ID}
	})
	return out, next, nil
}

// resultPageQuery builds QueryResults' statement, which reads one row more
// than the page to tell whether another page follows.
func resultPageQuery(q store.ResultQuery) (string, []any, error) {
	var w where
	if q.After != "" {
		c, err := store.DecodeCursor(store.ResultCursor, q.After)
		if err != nil {
			return "", nil, err
		}
		w.add(`(created_at, id) < (` + w.arg(c.At) + `, ` + w.arg(c.ID) + `)`)
	}
	for _, f := range []struct{ col, v string }{
		{"session_id", q.RunID}, {"provider", q.Provider}, {"model", q.Model},
		{"case_id", q.CaseID}, {"status", string(q.Status)},
	} {
		if f.v != "" {
			w.add(f.col + ` = ` + w.arg(f.v))
		}
	}
	if q.UserID != "" {
		w.add(`session_id IN (SELECT id FROM sessions WHERE user_id = ` + w.arg(q.UserID) + `)`)
	}
	if q.TraceID != "" {
		// The literal lets the planner use the partial index (00008) in a
		// generic plan, which cannot see the parameter's value.
		w.add(`trace_id = ` + w.arg(q.TraceID) + ` AND trace_id <> ''`)
	}
	if q.Passed != nil {
		// A literal, not a parameter: the planner uses the partial index
		// of failed results only when it sees NOT passed.
		if *q.Passed {
			w.add(`passed`)
		} else {
			w.add(`NOT passed`)
		}
	}
	if q.MinScore != nil {
		w.add(`score >= ` + w.arg(*q.MinScore))
	}
	if q.MaxScore != nil {
		w.add(`score <= ` + w.arg(*q.MaxScore))
	}
	if q.Tag != "" {
		w.add(`tags @> jsonb_build_array(` + w.arg(q.Tag) + `::text)`)
	}
	if q.Text != "" {
		w.add(textSQL + ` @@ plainto_tsquery('english', ` + w.arg(searchable(q.Text)) + `)`)
	}
	limit := w.arg(store.PageSize(q.Limit) + 1)
	return `SELECT ` + resultColumns + ` FROM results` + w.String() + ` ORDER BY created_at DESC, id DESC LIMIT ` + limit, w.args, nil
}

// GetResult returns the result with this id.
func (s *Store) GetResult(ctx context.Context, id string) (*bench.Result, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+resultColumns+` FROM results WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("postgres get result %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("postgres get result %s: %w", id, err)
		}
		return nil, fmt.Errorf("postgres get result %s: %w", id, store.ErrNotFound)
	}
	r, err := scanResult(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres get result %s: %w", id, err)
	}
	return &r, nil
}

// PageRuns returns one page of runs, newest first, with the status derived
// as ListRuns derives it.
func (s *Store) PageRuns(ctx context.Context, q store.RunQuery) ([]bench.Run, string, error) {
	now := time.Now()
	sql, args, err := runPageQuery(q, now)
	if err != nil {
		return nil, "", fmt.Errorf("postgres page runs: %w", err)
	}
	if !allStorable(q.UserID, q.Name, q.Tag, q.Origin, q.Suite, string(q.Status)) {
		return []bench.Run{}, "", nil
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, "", fmt.Errorf("postgres page runs: %w", err)
	}
	runs, err := collectRuns(rows)
	if err != nil {
		return nil, "", fmt.Errorf("postgres page runs: %w", err)
	}
	runs, next := store.Page(runs, store.PageSize(q.Limit), store.RunCursor, func(r *bench.Run) store.Cursor {
		return store.Cursor{At: r.CreatedAt, ID: r.ID}
	})
	for i := range runs {
		store.DeriveStatus(&runs[i], now)
	}
	return runs, next, nil
}

func runPageQuery(q store.RunQuery, now time.Time) (string, []any, error) {
	var w where
	if q.After != "" {
		c, err := store.DecodeCursor(store.RunCursor, q.After)
		if err != nil {
			return "", nil, err
		}
		w.add(`(created_at, id) < (` + w.arg(c.At) + `, ` + w.arg(c.ID) + `)`)
	}
	switch q.Status {
	case "":
	case bench.RunRunning:
		w.add(`status = 'running' AND ` + lastSeenSQL + ` >= ` + w.arg(now.Add(-store.StaleAfter).UTC()))
	case bench.RunInterrupted:
		w.add(`status = 'running' AND ` + lastSeenSQL + ` < ` + w.arg(now.Add(-store.StaleAfter).UTC()))
	default:
		w.add(`status = ` + w.arg(string(q.Status)))
	}
	if q.UserID != "" {
		w.add(`user_id = ` + w.arg(q.UserID))
	}
	if q.Name != "" {
		w.add(`strpos(lower(name), lower(` + w.arg(q.Name) + `)) > 0`)
	}
	if q.Tag != "" {
		if key, value, hasValue := strings.Cut(q.Tag, "="); hasValue {
			w.add(`tags @> jsonb_build_object(` + w.arg(key) + `::text, ` + w.arg(value) + `::text)`)
		} else {
			w.add(`jsonb_exists(tags, ` + w.arg(key) + `)`)
		}
	}
	if q.Origin != "" {
		w.add(`config->'bench'->>'origin' = ` + w.arg(q.Origin))
	}
	if q.Suite != "" {
		// The CASE keeps jsonb_array_elements_text from failing on runs whose
		// datasets are not an array; right() compares the value's end
		// without a LIKE pattern, so % and _ in a file name match themselves.
		s := w.arg(q.Suite) + "::text"
		w.add(`EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE jsonb_typeof(config->'bench'->'datasets') WHEN 'array'
			THEN config->'bench'->'datasets' ELSE '[]'::jsonb END) AS d(v)
			WHERE d.v = ` + s + ` OR d.v = 'builtin:' || ` + s + ` OR right(d.v, length(` + s + `) + 1) = '/' || ` + s + `)`)
	}
	limit := w.arg(store.PageSize(q.Limit) + 1)
	return `SELECT ` + runColumns + ` FROM sessions` + w.String() + ` ORDER BY created_at DESC, id DESC LIMIT ` + limit, w.args, nil
}
