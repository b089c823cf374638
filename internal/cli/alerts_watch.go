package cli

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/internal/alerts"
	"github.com/llm-test-bench/llm-test-bench/internal/plugin"
)

// startAlerts starts evaluating [monitoring] alert_rules for the run
// runID, keeping alerts in sink and printing each one to standard error;
// nil when there are no rules. The caller feeds it the run's events.
func (a *app) startAlerts(runID string, sink alerts.Sink) (*alerts.Monitor, error) {
	mon, err := alerts.Start(a.cfg.Monitoring, alerts.MonitorOptions{
		Sink: sink, RunID: runID, Also: &printNotifier{w: a.io.Stderr}, Logger: a.log,
		Plugins: plugin.NotifyAlert, // the run's plan loaded the plugins
	})
	if err != nil {
		return nil, configErr("[monitoring] alert_rules: %v", err)
	}
	return mon, nil
}

// stopAlerts evaluates a last time once the run has ended, resolves what
// still fires and delivers the notifications, within alerts.StopTimeout.
func stopAlerts(mon *alerts.Monitor) {
	ctx, cancel := context.WithTimeout(context.Background(), alerts.StopTimeout)
	defer cancel()
	mon.Stop(ctx)
}

// printNotifier writes one line per alert.
type printNotifier struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *printNotifier) Notify(n alerts.Notification) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n.Status == alerts.StatusResolved {
		fmt.Fprintf(p.w, "alert %s\n", n.Alert.Message)
		return
	}
	fmt.Fprintf(p.w, "alert firing: %s\n", n.Alert.Message)
}
