package alerts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/internal/alerts/expr"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// action is what one evaluation asks of a scope's alert.
type action int

const (
	none action = iota
	fire
	resolve
)

// state is one rule's alert in one scope:
//
//	inactive --holds--> pending --held for For--> firing
//	firing --fails--> resolving --failed for For--> inactive (resolved)
//
// A pending condition that fails goes back to inactive; a resolving one
// that holds again goes back to firing. With For = 0 the pending and
// resolving steps are skipped.
type state struct {
	// alert is the firing alert, nil when inactive or pending.
	alert *store.Alert
	// since is when the condition started to hold (pending) or to fail
	// (resolving); zero otherwise.
	since time.Time
}

// step moves the state by one evaluation at now.
func (s *state) step(holds bool, now time.Time, hold time.Duration) action {
	switch {
	case s.alert == nil && !holds:
		s.since = time.Time{}
	case s.alert == nil:
		if s.since.IsZero() {
			s.since = now
		}
		if now.Sub(s.since) >= hold {
			s.since = time.Time{}
			return fire
		}
	case holds:
		s.since = time.Time{}
	default:
		if s.since.IsZero() {
			s.since = now
		}
		if now.Sub(s.since) >= hold {
			s.since = time.Time{}
			return resolve
		}
	}
	return none
}

// fire stores, publishes and sends a new alert for rd.
func (e *Evaluator) fire(ctx context.Context, st *state, rd reading, now time.Time) {
	rule := &e.o.Rules[rd.key.rule]
	first := rule.Cond.Comparisons[0]
	a := &store.Alert{
		ID: uuid.Must(uuid.NewV7()).String(), Rule: rule.Name, Severity: rule.Severity, Condition: rule.Text,
		Provider: rd.key.provider, Model: rule.Model, RunID: e.o.RunID,
		Value: finite(rd.values[string(first.Metric)]), Threshold: first.Threshold,
		Details: map[string]any{
			"values": finiteMap(rd.values), "window": expr.FormatDuration(rule.Cond.Window), "for": expr.FormatDuration(rule.For),
		},
		TriggeredAt: now.UTC().Truncate(time.Microsecond),
	}
	a.Message = fmt.Sprintf("%s (%s): %s", rule.Name, rule.Severity, describe(rule, rd.values, rd.key.provider))
	st.alert = a
	if e.o.Sink != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
		defer cancel()
		if err := e.o.Sink.CreateAlert(sctx, a); err != nil {
			e.log.ErrorContext(ctx, "store the alert", "rule", rule.Name, "alert", a.ID, "err", err)
		}
	}
	e.log.InfoContext(ctx, "alert firing", "rule", rule.Name, "severity", rule.Severity, "provider", rd.key.provider,
		"alert", a.ID, "message", a.Message)
	e.announce(StatusFiring, *a)
}

// resolve resolves st's alert: values are the metrics now (nil when the
// evaluator stops), reason says why.
func (e *Evaluator) resolve(ctx context.Context, st *state, values map[string]float64, now time.Time, reason string) {
	// A copy: the firing alert was handed to subscribers and notifiers,
	// which may still be reading its details.
	a := new(store.Alert)
	*a = *st.alert
	a.Details = maps.Clone(st.alert.Details)
	st.alert, st.since = nil, time.Time{}
	at := now.UTC().Truncate(time.Microsecond)
	details := map[string]any{"resolved_reason": reason}
	if values != nil {
		details["resolved_values"] = finiteMap(values)
	}
	if e.o.Sink != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
		defer cancel()
		if err := e.o.Sink.ResolveAlert(sctx, a.ID, at, details); err != nil && !errors.Is(err, store.ErrNotFound) {
			e.log.ErrorContext(ctx, "store the resolution", "rule", a.Rule, "alert", a.ID, "err", err)
		}
	}
	a.ResolvedAt = &at
	for k, v := range details {
		a.Details[k] = v
	}
	a.Message = fmt.Sprintf("resolved: %s (%s): %s", a.Rule, a.Severity, reason)
	if values != nil {
		rule := e.ruleNamed(a.Rule)
		if rule != nil {
			a.Message = fmt.Sprintf("resolved: %s (%s): now %s", a.Rule, a.Severity, describe(rule, values, a.Provider))
		}
	}
	e.log.InfoContext(ctx, "alert resolved", "rule", a.Rule, "provider", a.Provider, "alert", a.ID, "reason", reason)
	e.announce(StatusResolved, *a)
}

func (e *Evaluator) ruleNamed(name string) *Rule {
	for i := range e.o.Rules {
		if e.o.Rules[i].Name == name {
			return &e.o.Rules[i]
		}
	}
	return nil
}

// announce publishes n on the hub and hands it to the notifier.
func (e *Evaluator) announce(status string, a store.Alert) {
	n := Notification{Status: status, Alert: a}
	if e.o.Publisher != nil {
		topic := TopicTriggered
		if status == StatusResolved {
			topic = TopicResolved
		}
		e.o.Publisher.Publish(live.Message{Topic: topic, RunID: a.RunID, Time: e.o.Clock.Now(), Payload: n})
	}
	if e.o.Notifier != nil {
		e.o.Notifier.Notify(n)
	}
}

// describe renders each comparison with its value: "p95_latency_ms =
// 812.5 (> 500) over 2s for openai:gpt-4o". A metric without a value
// reads "no data".
func describe(rule *Rule, values map[string]float64, provider string) string {
	parts := make([]string, 0, len(rule.Cond.Comparisons))
	for _, c := range rule.Cond.Comparisons {
		v, ok := values[string(c.Metric)]
		val := "no data"
		if ok {
			val = fmt.Sprintf("%.4g", v)
		}
		parts = append(parts, fmt.Sprintf("%s = %s (%s %g)", c.Metric, val, c.Op, c.Threshold))
	}
	s := strings.Join(parts, " and ") + " over " + expr.FormatDuration(rule.Cond.Window)
	if provider != "" {
		s += " for " + provider
	}
	if rule.Model != "" {
		s += " model " + rule.Model
	}
	return s
}

// finite maps NaN and infinities (which JSON cannot carry) to 0.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func finiteMap(m map[string]float64) map[string]any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]any, len(m))
	for _, k := range keys {
		out[k] = finite(m[k])
	}
	return out
}
