package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// Settings returns the queue's limits. Reading them takes the same
// permission as changing them.
func (c *Core) Settings(ctx context.Context) (*Settings, error) {
	if _, err := require(ctx, PermSettingsUpdate); err != nil {
		return nil, err
	}
	running, queue := c.manager.Limits()
	return &Settings{MaxRunning: running, QueueSize: queue}, nil
}

// UpdateSettings changes the queue's limits; members left nil keep their
// value. Transports refuse unknown members (a role, an owner) with 400.
func (c *Core) UpdateSettings(ctx context.Context, in SettingsInput) (*Settings, error) {
	if _, err := require(ctx, PermSettingsUpdate); err != nil {
		return nil, err
	}
	running, queue := c.manager.Limits()
	if in.MaxRunning != nil {
		if *in.MaxRunning < 1 {
			return nil, badField("max_running", "must be at least 1")
		}
		running = *in.MaxRunning
	}
	if in.QueueSize != nil {
		if *in.QueueSize < 0 {
			return nil, badField("queue_size", "must not be negative")
		}
		queue = *in.QueueSize
	}
	if err := c.manager.SetLimits(running, queue); err != nil {
		var d *problem.Details
		if errors.As(err, &d) {
			return nil, d
		}
		return nil, problem.New(http.StatusBadRequest, err.Error())
	}
	return &Settings{MaxRunning: running, QueueSize: queue}, nil
}
