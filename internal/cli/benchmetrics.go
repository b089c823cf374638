package cli

import (
	"context"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/internal/promexp"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// benchMetrics serves the run's Prometheus metrics on addr for the run's
// duration (bench --metrics-addr); with addr "" it does nothing. The
// watchers go on the session service, so the run is watched from its
// first event; stop closes the listener.
func (a *app) benchMetrics(ctx context.Context, addr string) (watchers []func(*session.Run), stop func(), err error) {
	if addr == "" {
		return nil, func() {}, nil
	}
	engine := promexp.New(Version)
	reg, err := promexp.NewRegistry(engine)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics registry: %w", err)
	}
	l, err := promexp.Listen(ctx, addr, promexp.Handler(reg))
	if err != nil {
		return nil, nil, configErr("--metrics-addr: %v", err)
	}
	fmt.Fprintf(a.io.Stderr, "metrics on http://%s%s while the run lasts\n", l.Addr(), promexp.Path)
	stop = func() {
		if err := l.Close(); err != nil {
			fmt.Fprintf(a.io.Stderr, "warning: --metrics-addr: %v\n", err)
		}
	}
	return []func(*session.Run){func(r *session.Run) { engine.Watch(r) }}, stop, nil
}
