package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ResultQuerier is what the API server needs to browse results across
// runs: filtered, full-text searched and paged with a cursor, so that a
// page over millions of rows costs an index seek, never an offset scan.
//
// Both methods that page order by (created_at, id), newest first: the id
// breaks ties between rows created in the same microsecond, and the
// cursor is the (created_at, id) of the last row of a page, so the next
// page starts strictly after it. Rows written while a client pages appear
// on the pages they sort into; rows already present are returned exactly
// once. A cursor carries no filter: the filters of each call apply, so a
// cursor crafted by hand only moves where a page starts.
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
	Tag string
	// TraceID keeps the results of one trace (32 hex digits): a traced
	// run's, whose cases all share its trace.
	TraceID  string
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
	// Suite keeps runs that ran this dataset: one of the datasets in their
	// saved options (as given to bench --dataset) is Suite, is
	// "builtin:"+Suite, or ends in "/"+Suite (so "qa.yaml" finds a run of
	// "suites/qa.yaml"). Case-sensitive, as file names are.
	Suite string
	After string
	Limit int
}

// MaxPage is the largest page QueryResults and PageRuns return.
const MaxPage = 1000

// DefaultPage is the page size when a query's Limit is 0.
const DefaultPage = 50

// PageSize is the page size a query's Limit asks for: DefaultPage for 0
// (or less), MaxPage at most.
func PageSize(limit int) int {
	if limit <= 0 {
		return DefaultPage
	}
	return min(limit, MaxPage)
}

// Page cuts rows, read with one row more than size, to size and returns
// the cursor of the next page: the key of the page's last row, or "" when
// the extra row did not come. Both backends page this way.
func Page[T any](rows []T, size int, k CursorKind, key func(*T) Cursor) ([]T, string) {
	if len(rows) <= size {
		return rows, ""
	}
	rows = rows[:size]
	return rows, key(&rows[size-1]).Encode(k)
}

// ErrBadCursor is returned for a cursor no page produced.
var ErrBadCursor = errorString("malformed cursor")

// CursorKind tells a result cursor from a run cursor, so that one is not
// taken for the other.
type CursorKind byte

// Cursor kinds.
const (
	ResultCursor CursorKind = 'r'
	RunCursor    CursorKind = 'u'
)

// Cursor is the position a page ends at: the sort key of its last row.
type Cursor struct {
	At time.Time // created_at, microsecond precision
	ID string
}

// maxCursorID bounds the id a cursor carries; ids are UUIDs (36 bytes).
const maxCursorID = 256

// Cursor time bounds: what both backends store (PostgreSQL's timestamptz
// and SQLite's fixed-width text both hold years 1 to 9999).
var (
	minCursorTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxCursorTime = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
)

// Encode returns c as an opaque, URL-safe string: base64url of the kind,
// the time in Unix microseconds (8 bytes, big endian) and the id.
func (c Cursor) Encode(k CursorKind) string {
	b := make([]byte, 9, 9+len(c.ID))
	b[0] = byte(k)
	binary.BigEndian.PutUint64(b[1:], uint64(c.At.UnixMicro()))
	return base64.RawURLEncoding.EncodeToString(append(b, c.ID...))
}

// DecodeCursor parses a cursor of kind k that Encode produced. Anything
// else (bad base64, another kind, a time out of range, an id that is not
// UTF-8, holds a NUL or is too long) is an error wrapping ErrBadCursor, so
// that no malformed cursor reaches a database.
func DecodeCursor(k CursorKind, s string) (Cursor, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	switch {
	case err != nil:
		return Cursor{}, fmt.Errorf("%w: not base64url", ErrBadCursor)
	case len(b) < 10 || len(b) > 9+maxCursorID:
		return Cursor{}, fmt.Errorf("%w: wrong length", ErrBadCursor)
	case CursorKind(b[0]) != k:
		return Cursor{}, fmt.Errorf("%w: not a cursor of this list", ErrBadCursor)
	}
	at := time.UnixMicro(int64(binary.BigEndian.Uint64(b[1:9]))).UTC()
	if at.Before(minCursorTime) || at.After(maxCursorTime) {
		return Cursor{}, fmt.Errorf("%w: time out of range", ErrBadCursor)
	}
	id := b[9:]
	if !utf8.Valid(id) || bytes.IndexByte(id, 0) >= 0 {
		return Cursor{}, fmt.Errorf("%w: invalid id", ErrBadCursor)
	}
	return Cursor{At: at, ID: string(id)}, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }
