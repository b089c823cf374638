package api

import (
	"context"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// PermWorkerJoin lets an account's API key start workers that ask the
// server where its jobs are (worker --coordinator-url).
const PermWorkerJoin = "worker.join"

// Distributed answers the NATS server of the server's distributed runs.
func (c *Core) Distributed(ctx context.Context) (*Distributed, error) {
	if _, err := require(ctx, PermWorkerJoin); err != nil {
		return nil, err
	}
	if c.natsURL == "" {
		return nil, problem.New(http.StatusNotFound, "this server runs no distributed benchmarks; start it with `serve --distributed`")
	}
	return &Distributed{NATSURL: c.natsURL}, nil
}
