package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/report"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// ExportFormats are the formats ExportResults writes, with their media
// types.
var ExportFormats = map[string]string{
	report.FormatCSV:   "text/csv; charset=utf-8",
	report.FormatJSON:  "application/json; charset=utf-8",
	report.FormatJSONL: "application/jsonl; charset=utf-8",
}

// QueryResults pages results the caller may see: their own benchmarks'
// unless they see all.
func (c *Core) QueryResults(ctx context.Context, q store.ResultQuery) (*Page[bench.Result], error) {
	p, err := require(ctx, PermResultsRead)
	if err != nil {
		return nil, err
	}
	q.UserID = ""
	if !p.SeesAll() {
		q.UserID = p.UserID
	}
	if q.Limit < 0 || q.Limit > store.MaxPage {
		return nil, badField("limit", fmt.Sprintf("between 1 and %d", store.MaxPage))
	}
	if q.MinScore != nil && q.MaxScore != nil && *q.MinScore > *q.MaxScore {
		return nil, badField("min_score", "min_score is above max_score")
	}
	if q.RunID != "" {
		// A benchmark the caller may not see is 404, not an empty page,
		// and a prefix or run number works as elsewhere.
		run, err := c.run(ctx, p, q.RunID)
		if err != nil {
			return nil, err
		}
		q.RunID = run.ID
	}
	items, next, err := c.store.QueryResults(ctx, q)
	if err != nil {
		return nil, c.queryErr(ctx, "query results", err)
	}
	if items == nil {
		items = []bench.Result{}
	}
	return &Page[bench.Result]{Items: items, NextCursor: cursor(next)}, nil
}

// GetResult returns one result of a benchmark the caller may see.
func (c *Core) GetResult(ctx context.Context, id string) (*bench.Result, error) {
	p, err := require(ctx, PermResultsRead)
	if err != nil {
		return nil, err
	}
	r, err := c.store.GetResult(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, notFound("result", id)
		}
		return nil, c.internal(ctx, "get result", err)
	}
	if !p.SeesAll() {
		run, err := c.store.GetRun(ctx, r.RunID)
		if err != nil || !p.Owns(run.UserID) {
			return nil, notFound("result", id)
		}
	}
	return r, nil
}

// ExportResults streams a benchmark's results in creation order through
// the report writers; memory does not grow with the number of results.
// The json format's summary costs a first pass over the results.
func (c *Core) ExportResults(ctx context.Context, benchmarkID, format string, w io.Writer) error {
	p, err := require(ctx, PermResultsExport)
	if err != nil {
		return err
	}
	if _, ok := ExportFormats[format]; !ok {
		return badField("format", "want csv, json or jsonl")
	}
	if benchmarkID == "" {
		return badField("benchmark_id", "name the benchmark to export")
	}
	run, err := c.run(ctx, p, benchmarkID)
	if err != nil {
		return err
	}
	results := c.store.Results(ctx, run.ID, store.ResultFilter{})
	sum := &report.Summary{}
	if format == report.FormatJSON {
		if sum, err = report.Summarize(ctx, *run, results); err != nil {
			return c.internal(ctx, "summarize benchmark", err)
		}
	}
	if err := report.Render(ctx, w, format, *run, sum, results); err != nil {
		// Headers may be gone already; the transport cuts the stream.
		return fmt.Errorf("export benchmark %s: %w", run.ID, err)
	}
	return nil
}

// ExportContentType is the media type of an export format.
func ExportContentType(format string) (string, error) {
	ct, ok := ExportFormats[format]
	if !ok {
		return "", problem.New(http.StatusBadRequest, "unknown export format "+format)
	}
	return ct, nil
}
