package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// maxNameLen bounds a benchmark's name.
const maxNameLen = 200

// CreateBenchmark queues a benchmark owned by the caller.
func (c *Core) CreateBenchmark(ctx context.Context, req CreateBenchmark) (*Benchmark, error) {
	p, err := require(ctx, PermBenchmarkCreate)
	if err != nil {
		return nil, err
	}
	if err := checkCreate(req); err != nil {
		return nil, err
	}
	//nolint:staticcheck // spelled out: the manager's request is its own type and may gain fields
	run, err := c.manager.Submit(ctx, p.UserID, SubmitRequest{
		Name: req.Name, Datasets: req.Datasets, Suite: req.Suite, Providers: req.Providers,
		Concurrency: req.Concurrency, Repeat: req.Repeat, MaxCost: req.MaxCost, Tags: req.Tags,
		Distributed: req.Distributed,
	})
	if err != nil {
		return nil, c.passThrough(ctx, "submit benchmark", err)
	}
	b := c.submitted(run)
	return &b, nil
}

// checkCreate refuses a request the manager should never see.
func checkCreate(req CreateBenchmark) error {
	switch {
	case len(req.Datasets) == 0 && len(req.Suite) == 0:
		return badField("datasets", "give datasets or an inline suite")
	case len(req.Datasets) > 0 && len(req.Suite) > 0:
		return badField("suite", "give datasets or an inline suite, not both")
	case len(req.Providers) == 0:
		return badField("providers", "name at least one provider (vendor:model)")
	case req.Concurrency < 0:
		return badField("concurrency", "must not be negative")
	case req.Repeat < 0:
		return badField("repeat", "must not be negative")
	case req.MaxCost < 0:
		return badField("max_cost", "must not be negative")
	case len(req.Name) > maxNameLen:
		return badField("name", fmt.Sprintf("at most %d characters", maxNameLen))
	}
	for i, d := range req.Datasets {
		if strings.TrimSpace(d) == "" {
			return badField(fmt.Sprintf("datasets[%d]", i), "empty dataset name")
		}
	}
	for i, pr := range req.Providers {
		if strings.TrimSpace(pr) == "" {
			return badField(fmt.Sprintf("providers[%d]", i), "empty provider name")
		}
	}
	return nil
}

func badField(field, detail string) *problem.Details {
	d := problem.New(http.StatusBadRequest, detail)
	d.Field = field
	return d
}

// GetBenchmark returns one of the caller's benchmarks.
func (c *Core) GetBenchmark(ctx context.Context, id string) (*Benchmark, error) {
	p, err := require(ctx, PermBenchmarkRead)
	if err != nil {
		return nil, err
	}
	run, err := c.run(ctx, p, id)
	if err != nil {
		return nil, err
	}
	totals, err := c.store.Totals(ctx, run.ID)
	if err != nil {
		return nil, c.internal(ctx, "benchmark totals", err)
	}
	b := c.benchmark(run, totals)
	return &b, nil
}

// ListBenchmarks pages the caller's benchmarks (everyone's for SeesAll),
// newest first.
func (c *Core) ListBenchmarks(ctx context.Context, f BenchmarkFilter) (*Page[Benchmark], error) {
	p, err := require(ctx, PermBenchmarkRead)
	if err != nil {
		return nil, err
	}
	q := store.RunQuery{Status: bench.RunStatus(f.Status), Name: f.Name, Tag: f.Tag, After: f.Cursor, Limit: f.Limit}
	if !p.SeesAll() {
		q.UserID = p.UserID
	}
	runs, next, err := c.store.PageRuns(ctx, q)
	if err != nil {
		return nil, c.queryErr(ctx, "list benchmarks", err)
	}
	ids := make([]string, len(runs))
	for i := range runs {
		ids[i] = runs[i].ID
	}
	totals, err := c.store.Totals(ctx, ids...)
	if err != nil {
		return nil, c.internal(ctx, "benchmark totals", err)
	}
	page := &Page[Benchmark]{Items: make([]Benchmark, 0, len(runs)), NextCursor: cursor(next)}
	for i := range runs {
		page.Items = append(page.Items, c.benchmark(&runs[i], totals))
	}
	return page, nil
}

// CancelBenchmark stops one of the caller's benchmarks; its finished
// results are kept.
func (c *Core) CancelBenchmark(ctx context.Context, id string) (*Benchmark, error) {
	p, err := require(ctx, PermBenchmarkCancel)
	if err != nil {
		return nil, err
	}
	run, err := c.run(ctx, p, id)
	if err != nil {
		return nil, err
	}
	run, err = c.manager.Cancel(ctx, run.ID)
	if err != nil {
		return nil, c.passThrough(ctx, "cancel benchmark", err)
	}
	b := c.benchmark(run, nil)
	return &b, nil
}

// queryErr answers a malformed cursor 400 and anything else 500.
func (c *Core) queryErr(ctx context.Context, what string, err error) error {
	if errors.Is(err, store.ErrBadCursor) {
		return badField("cursor", "malformed cursor; use next_cursor from a previous page")
	}
	return c.internal(ctx, what, err)
}

func cursor(next string) *string {
	if next == "" {
		return nil
	}
	return &next
}

// benchmark shows run: live progress from the manager while it runs, else
// the stored totals (fresh ones from totals when given).
func (c *Core) benchmark(run *bench.Run, totals map[string]bench.Totals) Benchmark {
	t := run.Totals
	if fresh, ok := totals[run.ID]; ok {
		t = fresh
	}
	b := Benchmark{
		ID: run.ID, Seq: run.Seq, Name: run.Name, Status: string(run.Status), Owner: run.UserID,
		Providers: savedProviders(run), Tags: run.Tags, Totals: t,
		CreatedAt: run.CreatedAt, UpdatedAt: run.UpdatedAt,
		Progress: Progress{
			Done: t.Results, Total: max(run.Total, t.Results), Passed: t.Passed,
			Failed: max(t.Failed-t.Errored, 0), Errors: t.Errored,
		},
	}
	if b.Tags == nil {
		b.Tags = map[string]string{}
	}
	// Live figures only for a run the store still shows unfinished: the
	// manager lets go of a run a moment after storing its end.
	if lp, ok := c.manager.Progress(run.ID); ok && !finished(run.Status) {
		b.Progress = Progress{Done: lp.Done, Total: lp.Total, Passed: lp.Passed, Failed: lp.Failed, Errors: lp.Errors}
		if lp.Status != "" {
			b.Status = lp.Status
		}
	}
	if finished(bench.RunStatus(b.Status)) {
		at := run.UpdatedAt
		b.FinishedAt = &at
	}
	return b
}

// submitted shows a run just submitted as the queue took it: "queued"
// with nothing done (API.md's 202 answer), even when a free slot has
// started it already; GET shows where it is.
func (c *Core) submitted(run *bench.Run) Benchmark {
	b := c.benchmark(run, nil)
	b.Status = string(bench.RunQueued)
	b.Progress = Progress{Total: run.Total}
	b.FinishedAt = nil
	return b
}

// finished reports whether a run has ended.
func finished(s bench.RunStatus) bool { return s.Ended() }

// savedProviders reads the providers a run was started with from its
// saved options (config "bench"); empty when it has none.
func savedProviders(run *bench.Run) []string {
	out := []string{}
	raw, err := json.Marshal(run.Config["bench"])
	if err != nil {
		return out
	}
	var o struct {
		Providers []string `json:"providers"`
	}
	if json.Unmarshal(raw, &o) == nil && o.Providers != nil {
		out = o.Providers
	}
	return out
}
