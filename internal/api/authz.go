package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Permissions the service checks, one per kind of action (API.md).
const (
	PermBenchmarkCreate = "benchmark.create"
	PermBenchmarkRead   = "benchmark.read"
	PermBenchmarkCancel = "benchmark.cancel"
	PermResultsRead     = "results.read"
	PermResultsExport   = "results.export"
	PermProviderRead    = "provider.read"
	PermProviderHealth  = "provider.health"
	PermEvaluateRun     = "evaluate.run"
	PermSettingsUpdate  = "settings.update"
)

// require returns the principal in ctx when it holds perm: 401 without
// one, 403 without the permission (deny by default).
func require(ctx context.Context, perm string) (*auth.Principal, error) {
	p := auth.FromContext(ctx)
	if p == nil {
		return nil, problem.New(http.StatusUnauthorized, "authentication required")
	}
	if !p.Can(perm) {
		return nil, problem.New(http.StatusForbidden, "permission "+perm+" required")
	}
	return p, nil
}

// notFound is the answer for an object that does not exist and for one
// the principal may not see alike, so ids cannot be probed.
func notFound(what, id string) error {
	return problem.New(http.StatusNotFound, what+" "+id+" not found")
}

// run finds the run ref names, if p may see it.
func (c *Core) run(ctx context.Context, p *auth.Principal, ref string) (*bench.Run, error) {
	run, err := c.store.GetRun(ctx, ref)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, notFound("benchmark", ref)
		}
		if errors.Is(err, store.ErrAmbiguous) {
			if !p.SeesAll() {
				return nil, notFound("benchmark", ref)
			}
			return nil, problem.New(http.StatusBadRequest, err.Error())
		}
		return nil, c.internal(ctx, "get benchmark", err)
	}
	if !p.Owns(run.UserID) {
		return nil, notFound("benchmark", ref)
	}
	return run, nil
}

// internal logs err and answers 500 without its text, which may name
// database details.
func (c *Core) internal(ctx context.Context, what string, err error) error {
	c.log.ErrorContext(ctx, what, "err", err)
	return problem.New(http.StatusInternalServerError, what+" failed")
}

// passThrough keeps a *problem.Details (the manager's answers) and turns
// anything else into a logged 500.
func (c *Core) passThrough(ctx context.Context, what string, err error) error {
	var d *problem.Details
	if errors.As(err, &d) {
		return d
	}
	return c.internal(ctx, what, err)
}
