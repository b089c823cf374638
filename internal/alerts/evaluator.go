// Package alerts evaluates the alert rules of [monitoring] alert_rules
// over rolling windows of a run's results, keeps the alerts they raise in
// the store, publishes them on the live hub (topics alerts.triggered and
// alerts.resolved, read by WebSocket clients and GraphQL's alertsStream)
// and sends them to the configured notifiers.
//
// An Evaluator is fed by event streams (Feed, one per run) and evaluates
// every rule periodically (Run) or when asked (Evaluate). Each rule keeps,
// per scope (all results, or each provider), a ring of per-interval
// counts and latency sketches (stats.Sketch) merged when evaluated, so its
// memory is bounded by the window's intervals, never by the results. The
// conditions' language is internal/alerts/expr; docs/MONITORING.md
// describes the rules, the metrics and the notifiers.
package alerts

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Topics the evaluator publishes.
const (
	TopicTriggered = "alerts.triggered"
	TopicResolved  = "alerts.resolved"
)

// Alert states, as notifications and live messages name them.
const (
	StatusFiring   = "firing"
	StatusResolved = "resolved"
)

// DefaultInterval is how often Run evaluates when Options.Interval is 0.
const DefaultInterval = 10 * time.Second

// storeTimeout bounds one write of an alert.
const storeTimeout = 10 * time.Second

// Sink is where alerts are kept: the store's AlertStore, less listing.
type Sink interface {
	CreateAlert(ctx context.Context, a *store.Alert) error
	ResolveAlert(ctx context.Context, id string, at time.Time, details map[string]any) error
}

// Notifier receives every alert that fires or resolves; it must not block
// (the Dispatcher queues).
type Notifier interface {
	Notify(n Notification)
}

// Notification is what the live hub and the notifiers receive.
type Notification struct {
	// Status is StatusFiring or StatusResolved.
	Status string      `json:"status"`
	Alert  store.Alert `json:"alert"`
}

// Options configure an Evaluator. Rules is required; the rest may be nil.
type Options struct {
	Rules []Rule
	// Interval is Run's period (default DefaultInterval).
	Interval  time.Duration
	Sink      Sink
	Publisher live.Publisher
	Notifier  Notifier
	// RunID is stored on every alert: the CLI run watched, "" for a server.
	RunID  string
	Clock  Clock
	Logger *slog.Logger
}

// Evaluator evaluates rules over the results it is fed. Its methods are
// safe for concurrent use.
type Evaluator struct {
	o   Options
	log *slog.Logger

	mu    sync.Mutex // guards rings: Feed adds while Evaluate reads
	rings map[scopeKey]*ring

	evalMu sync.Mutex // serialises Evaluate; guards states
	states map[scopeKey]*state
}

// scopeKey is one rule in one provider scope.
type scopeKey struct {
	rule     int
	provider string
}

// New returns an evaluator of o.Rules.
func New(o Options) *Evaluator {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Evaluator{o: o, log: log.With("component", "alerts"), rings: map[scopeKey]*ring{}, states: map[scopeKey]*state{}}
	for i, r := range o.Rules {
		if r.Provider != EachProvider {
			e.rings[scopeKey{i, r.Provider}] = newRing(r.Cond)
		}
	}
	return e
}

// Feed records the results of events until the channel closes. A run's
// subscription is fed by one goroutine; several runs may feed at once.
func (e *Evaluator) Feed(events <-chan event.Event) {
	event.Drain(events, func(ev event.Event) {
		e.mu.Lock()
		e.observe(ev)
		e.mu.Unlock()
	})
}

// Observe records one result, for callers that are not fed by events.
func (e *Evaluator) Observe(r *bench.Result) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.add(r)
}

// observe records ev's result; e.mu is held.
func (e *Evaluator) observe(ev event.Event) {
	if ev.Type == event.TypeResult && ev.ResultReady != nil && ev.Result != nil {
		e.add(ev.Result)
	}
}

// add records r in the ring of every rule whose scope it falls in; e.mu
// is held. Skipped and cancelled results made no call and count nowhere.
func (e *Evaluator) add(r *bench.Result) {
	if r.Status == bench.StatusSkipped || r.Status == bench.StatusCancelled {
		return
	}
	now := e.o.Clock.Now()
	for i := range e.o.Rules {
		rule := &e.o.Rules[i]
		sc, ok := rule.scope(r.Provider, r.Model)
		if !ok {
			continue
		}
		k := scopeKey{i, sc}
		rg := e.rings[k]
		if rg == nil {
			rg = newRing(rule.Cond)
			e.rings[k] = rg
		}
		rg.add(now, r)
	}
}

// Run evaluates every interval until ctx ends.
func (e *Evaluator) Run(ctx context.Context) {
	t := e.o.Clock.NewTicker(e.o.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			e.Evaluate(ctx)
		}
	}
}

// reading is one scope's comparisons evaluated.
type reading struct {
	key    scopeKey
	holds  bool
	values map[string]float64 // the metrics that had a value
}

// Evaluate evaluates every rule in every scope now, and fires or resolves
// alerts as their conditions and For durations say.
func (e *Evaluator) Evaluate(ctx context.Context) {
	e.evalMu.Lock()
	defer e.evalMu.Unlock()
	now := e.o.Clock.Now()
	for _, rd := range e.read(now) {
		st := e.states[rd.key]
		if st == nil {
			st = &state{}
			e.states[rd.key] = st
		}
		switch st.step(rd.holds, now, e.o.Rules[rd.key.rule].For) {
		case fire:
			e.fire(ctx, st, rd, now)
		case resolve:
			e.resolve(ctx, st, rd.values, now, "the condition no longer holds")
		}
	}
}

// read evaluates every ring under the lock, in a stable order.
func (e *Evaluator) read(now time.Time) []reading {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]reading, 0, len(e.rings))
	for k, rg := range e.rings {
		rule := &e.o.Rules[k.rule]
		cur := rg.merge(now, 0)
		var prev *totals
		prevOf := func() totals {
			if prev == nil {
				p := rg.merge(now, 1)
				prev = &p
			}
			return *prev
		}
		rd := reading{key: k, holds: true, values: map[string]float64{}}
		for _, c := range rule.Cond.Comparisons {
			v, ok := rg.value(c.Metric, cur, prevOf)
			if ok {
				rd.values[string(c.Metric)] = v
			}
			rd.holds = rd.holds && ok && c.Op.Holds(v, c.Threshold)
		}
		out = append(out, rd)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].key.rule != out[j].key.rule {
			return out[i].key.rule < out[j].key.rule
		}
		return out[i].key.provider < out[j].key.provider
	})
	return out
}

// Close resolves every alert still firing (reason: the evaluator
// stopped), so none stays open in the store after its watcher is gone.
func (e *Evaluator) Close(ctx context.Context) {
	e.evalMu.Lock()
	defer e.evalMu.Unlock()
	now := e.o.Clock.Now()
	keys := make([]scopeKey, 0, len(e.states))
	for k, st := range e.states {
		if st.alert != nil {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].rule < keys[j].rule })
	for _, k := range keys {
		e.resolve(ctx, e.states[k], nil, now, "the evaluator stopped (end of the run or of the server)")
	}
}
