package alerts

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// Monitor is an Evaluator running on its interval with the configured
// notifiers: what `serve` and `bench` start. A nil *Monitor (no rules)
// does nothing.
type Monitor struct {
	ev     *Evaluator
	disp   *Dispatcher
	cancel context.CancelFunc
	done   chan struct{}
	feeds  sync.WaitGroup
}

// MonitorOptions are what the caller adds to [monitoring].
type MonitorOptions struct {
	Sink      Sink
	Publisher live.Publisher
	// Also receives every notification beside the configured notifiers
	// (the CLI prints them); it must not block.
	Also   Notifier
	RunID  string
	Clock  Clock
	Logger *slog.Logger
	// Plugins delivers to notifiers of type plugin:NAME.
	Plugins PluginSender
}

// Start compiles [monitoring] alert_rules and starts evaluating them; it
// returns nil when there are none. Stop ends it.
func Start(m config.Monitoring, o MonitorOptions) (*Monitor, error) {
	if len(m.AlertRules) == 0 {
		return nil, nil
	}
	rules, err := Compile(m.AlertRules)
	if err != nil {
		return nil, err
	}
	disp := NewDispatcher(m.Notifiers, DispatchOptions{Logger: o.Logger, Plugins: o.Plugins})
	var n Notifier = disp
	if o.Also != nil {
		n = fanout{disp, o.Also}
	}
	ev := New(Options{Rules: rules, Interval: m.AlertInterval, Sink: o.Sink, Publisher: o.Publisher,
		Notifier: n, RunID: o.RunID, Clock: o.Clock, Logger: o.Logger})
	ctx, cancel := context.WithCancel(context.Background())
	mon := &Monitor{ev: ev, disp: disp, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(mon.done)
		ev.Run(ctx)
	}()
	return mon, nil
}

// Feed records the results of a run's events until the channel closes;
// it returns at once, reading in its own goroutine.
func (m *Monitor) Feed(events <-chan event.Event) {
	if m == nil {
		go func() {
			for range events { //nolint:revive // drained so the subscription never fills
			}
		}()
		return
	}
	m.feeds.Add(1)
	go func() {
		defer m.feeds.Done()
		m.ev.Feed(events)
	}()
}

// StopTimeout is how long a front end gives Stop to deliver the last
// notifications when a run or the server ends.
const StopTimeout = 10 * time.Second

// Stop waits for the feeds to end (their runs' buses closed), evaluates
// a last time, resolves the alerts still firing and delivers the queued
// notifications. When ctx ends first it stops waiting for the feeds and
// gives up on the notifications not yet delivered.
func (m *Monitor) Stop(ctx context.Context) {
	if m == nil {
		return
	}
	fed := make(chan struct{})
	go func() { m.feeds.Wait(); close(fed) }()
	select {
	case <-fed:
	case <-ctx.Done():
	}
	m.cancel()
	<-m.done
	m.ev.Evaluate(ctx)
	m.ev.Close(ctx)
	m.disp.Close(ctx)
}

// fanout hands a notification to each notifier.
type fanout []Notifier

func (f fanout) Notify(n Notification) {
	for _, x := range f {
		x.Notify(n)
	}
}
