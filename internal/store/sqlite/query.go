package sqlite

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// where collects the conditions and arguments of a query.
type where struct {
	conds []string
	args  []any
}

// add appends a condition with its arguments (one ? each).
func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(w.conds, ` AND `)
}

// QueryResults returns one page of results, newest first. Each filter
// that can be selective has an index ordered (filter, created_at, id)
// (migration 00007), so a page is a seek and a walk of about one page of
// entries; the text search reads the matching rowids from results_fts
// (see textPlan).
func (s *Store) QueryResults(ctx context.Context, q store.ResultQuery) ([]bench.Result, string, error) {
	plan := sortMatches
	if m, ok := matchQuery(q.Text); ok {
		if err := s.indexPrompts(ctx); err != nil {
			return nil, "", fmt.Errorf("sqlite query results: %w", err)
		}
		var err error
		if plan, err = s.textPlan(ctx, m); err != nil {
			return nil, "", fmt.Errorf("sqlite query results: %w", err)
		}
	}
	sq, args, ok, err := resultPageQuery(q, plan)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite query results: %w", err)
	}
	if !ok {
		return []bench.Result{}, "", nil
	}
	rows, err := s.query(ctx, sq, args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite query results: %w", err)
	}
	defer rows.Close()
	out := []bench.Result{}
	for rows.Next() {
		r, err := scanResult(rows)
		if err != nil {
			return nil, "", fmt.Errorf("sqlite query results: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlite query results: %w", err)
	}
	out, next := store.Page(out, store.PageSize(q.Limit), store.ResultCursor, func(r *bench.Result) store.Cursor {
		return store.Cursor{At: r.CreatedAt, ID: r.ID}
	})
	return out, next, nil
}

// textPlan is how a page finds the rows a text search matches.
type textPlan int

const (
	// sortMatches reads the sort key of every match and sorts them: the
	// cost grows with the number of matches.
	sortMatches textPlan = iota
	// walkOrder walks the results newest first (the created_at index, or
	// the index of another filter) and keeps those among the matches: the
	// cost grows with the share of rows that do not match.
	walkOrder
)

// textPlan chooses the cheaper plan for a search in a table of n rows.
// Reading a match's sort key costs a random read of its row, a step of the
// walk a sequential index entry (tens of times cheaper), and a page of p
// rows walks about p*n/matches entries: the walk wins above about
// sqrt(2*p*n) matches (1,400 for a page of 50 in a million rows). The
// matches are counted up to that bound from the FTS5 doclists alone.
func (s *Store) textPlan(ctx context.Context, match string) (textPlan, error) {
	var n int64
	if err := s.queryRow(ctx, `SELECT coalesce(max(rowid), 0) FROM results`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count rows: %w", err)
	}
	bound := int64(math.Sqrt(2*float64(store.DefaultPage)*float64(n))) + 1
	var matches int64
	err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM results_fts WHERE results_fts MATCH ? LIMIT ?)`,
		match, bound).Scan(&matches)
	if err != nil {
		return 0, fmt.Errorf("count matches: %w", err)
	}
	if matches >= bound {
		return walkOrder, nil
	}
	return sortMatches, nil
}

// resultPageQuery builds QueryResults' statement, which reads one row more
// than the page to tell whether another page follows. ok is false when the
// query can match nothing (a text without a word).
func resultPageQuery(q store.ResultQuery, plan textPlan) (sql string, args []any, ok bool, err error) {
	var w where
	if q.After != "" {
		c, err := store.DecodeCursor(store.ResultCursor, q.After)
		if err != nil {
			return "", nil, false, err
		}
		w.add(`(created_at, id) < (?, ?)`, formatTime(c.At), c.ID)
	}
	for _, f := range []struct{ col, v string }{
		{"session_id", q.RunID}, {"provider", q.Provider}, {"model", q.Model},
		{"case_id", q.CaseID}, {"status", string(q.Status)},
	} {
		if f.v != "" {
			w.add(f.col+` = ?`, f.v)
		}
	}
	if q.UserID != "" {
		w.add(`session_id IN (SELECT id FROM sessions WHERE user_id = ?)`, q.UserID)
	}
	if q.TraceID != "" {
		// The literal lets the planner use the partial index (00009).
		w.add(`trace_id = ? AND trace_id <> ''`, q.TraceID)
	}
	if q.Passed != nil {
		// A literal, not a parameter: the planner uses the partial index
		// of failed results only when it sees passed = 0.
		if *q.Passed {
			w.add(`passed = 1`)
		} else {
			w.add(`passed = 0`)
		}
	}
	if q.MinScore != nil {
		w.add(`score >= ?`, *q.MinScore)
	}
	if q.MaxScore != nil {
		w.add(`score <= ?`, *q.MaxScore)
	}
	if q.Tag != "" {
		w.add(`EXISTS (SELECT 1 FROM json_each(results.tags) WHERE json_each.value = ?)`, q.Tag)
	}
	if q.Text != "" {
		m, ok := matchQuery(q.Text)
		if !ok {
			return "", nil, false, nil
		}
		in := `rowid IN (SELECT rowid FROM results_fts WHERE results_fts MATCH ?)`
		if plan == walkOrder {
			// No index use for this term: the order's index drives, and
			// the matches, read once into a temporary index, are probed.
			// (A correlated MATCH per row reads the doclists again for
			// every row: seconds per page.)
			in = `+` + in
		}
		w.add(in, m)
	}
	// The page's rowids first, then its rows: a filter that cannot walk an
	// index in the page's order (the runs of a user, a text search) sorts
	// the keys of what it matches, never whole rows with their prompts and
	// responses.
	sql = `SELECT ` + resultColumns + ` FROM results WHERE rowid IN (SELECT rowid FROM results` + w.String() +
		` ORDER BY created_at DESC, id DESC LIMIT ?) ORDER BY created_at DESC, id DESC`
	return sql, append(w.args, store.PageSize(q.Limit)+1), true, nil
}

// GetResult returns the result with this id.
func (s *Store) GetResult(ctx context.Context, id string) (*bench.Result, error) {
	rows, err := s.query(ctx, `SELECT `+resultColumns+` FROM results WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite get result %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite get result %s: %w", id, err)
		}
		return nil, fmt.Errorf("sqlite get result %s: %w", id, store.ErrNotFound)
	}
	r, err := scanResult(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite get result %s: %w", id, err)
	}
	return &r, nil
}

// PageRuns returns one page of runs, newest first, with the status derived
// as ListRuns derives it.
func (s *Store) PageRuns(ctx context.Context, q store.RunQuery) ([]bench.Run, string, error) {
	now := time.Now()
	sq, args, err := runPageQuery(q, now)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite page runs: %w", err)
	}
	rows, err := s.query(ctx, sq, args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite page runs: %w", err)
	}
	runs, err := collectRuns(rows)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite page runs: %w", err)
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
		w.add(`(created_at, id) < (?, ?)`, formatTime(c.At), c.ID)
	}
	stale := formatTime(now.Add(-store.StaleAfter))
	switch q.Status {
	case "":
	case bench.RunRunning:
		w.add(`status = 'running' AND `+lastSeenSQL+` >= ?`, stale)
	case bench.RunInterrupted:
		w.add(`status = 'running' AND `+lastSeenSQL+` < ?`, stale)
	default:
		w.add(`status = ?`, string(q.Status))
	}
	if q.UserID != "" {
		w.add(`user_id = ?`, q.UserID)
	}
	if q.Name != "" {
		// lower() folds ASCII letters only, on both sides alike.
		w.add(`instr(lower(name), lower(?)) > 0`, q.Name)
	}
	if q.Tag != "" {
		if key, value, hasValue := strings.Cut(q.Tag, "="); hasValue {
			w.add(`EXISTS (SELECT 1 FROM json_each(sessions.tags) WHERE json_each.key = ? AND json_each.value = ?)`, key, value)
		} else {
			w.add(`EXISTS (SELECT 1 FROM json_each(sessions.tags) WHERE json_each.key = ?)`, key)
		}
	}
	if q.Origin != "" {
		w.add(`json_extract(config, '$.bench.origin') = ?`, q.Origin)
	}
	if q.Suite != "" {
		// substr with a negative start takes the value's last characters: no
		// LIKE pattern, so % and _ in a file name match themselves.
		w.add(`json_type(config, '$.bench.datasets') = 'array' AND
			EXISTS (SELECT 1 FROM json_each(sessions.config, '$.bench.datasets') AS d WHERE d.type = 'text' AND
			(d.value = ? OR d.value = 'builtin:' || ? OR substr(d.value, -length(?) - 1) = '/' || ?))`, q.Suite, q.Suite, q.Suite, q.Suite)
	}
	sql := `SELECT ` + runColumns + ` FROM sessions` + w.String() + ` ORDER BY created_at DESC, id DESC LIMIT ?`
	return sql, append(w.args, store.PageSize(q.Limit)+1), nil
}
