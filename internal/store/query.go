package store

import (
	"context"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ResultQuerier is what the API server needs to browse results across
// runs: filtered, full-text searched and paged with a cursor, so that a
// page over millions of rows costs an index seek, never an offset scan.
type ResultQuerier interface {
	// QueryResults returns one page of results, newest first, and the
	// cursor of the next page ("" on the last page).
	QueryResults(ctx context.Context, q ResultQuery) (items []bench.Result, next string, err error)
	// GetResult returns one result by id; ErrNotFound when there is none.
	GetResult(ctx context.Context, id string) (*bench.Result, error)
	// PageRuns returns one page of runs, newest first, and the cursor of
	// the next page ("" on the last page).
	PageRuns(ctx context.Context, q RunQuery) (items []bench.Run, next string, err error)
}

// ResultQuery narrows QueryResults. Zero values mean "no filter".
type ResultQuery struct {
	RunID string
	// UserID keeps the results of runs owned by this user.
	UserID   string
	Provider string
	Model    string
	CaseID   string
	// Tag keeps results carrying this tag.
	Tag      string
	Status   bench.Status
	Passed   *bool
	MinScore *float64
	MaxScore *float64
	// Text is a full-text query on the prompt and the response (words,
	// all of which must occur; FTS5 on SQLite, tsvector on PostgreSQL).
	Text string
	// After is the cursor a previous page returned; a malformed cursor is
	// an ErrBadCursor.
	After string
	// Limit is the page size: 0 means 50, at most MaxPage.
	Limit int
}

// RunQuery narrows PageRuns. Zero values mean "no filter".
type RunQuery struct {
	Status bench.RunStatus
	// UserID keeps the runs owned by this user.
	UserID string
	// Name keeps runs whose name contains it (case-insensitive).
	Name string
	// Tag keeps runs with this tag: "key" (any value) or "key=value".
	Tag string
	// Origin keeps runs whose saved options name this origin ("server").
	Origin string
	After  string
	Limit  int
}

// MaxPage is the largest page QueryResults and PageRuns return.
const MaxPage = 1000

// ErrBadCursor is returned for a cursor no page produced.
var ErrBadCursor = errorString("malformed cursor")

type errorString string

func (e errorString) Error() string { return string(e) }
