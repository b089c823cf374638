package alerts

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// clock is a settable Clock whose ticker the test fires by hand.
type clock struct {
	mu   sync.Mutex
	now  time.Time
	tick chan time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), tick: make(chan time.Time)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *clock) NewTicker(time.Duration) Ticker { return c }
func (c *clock) C() <-chan time.Time            { return c.tick }
func (c *clock) Stop()                          {}

// recorder is the Sink and the Notifier of the tests.
type recorder struct {
	mu       sync.Mutex
	created  []store.Alert
	resolved []string
	notes    []Notification
}

func (r *recorder) CreateAlert(_ context.Context, a *store.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.created = append(r.created, *a)
	return nil
}

func (r *recorder) ResolveAlert(_ context.Context, id string, _ time.Time, _ map[string]any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resolved = append(r.resolved, id)
	return nil
}

func (r *recorder) Notify(n Notification) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, n)
}

func (r *recorder) notifications() []Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Notification(nil), r.notes...)
}

// statuses lists "status rule provider" of each notification.
func (r *recorder) statuses() []string {
	out := []string{}
	for _, n := range r.notifications() {
		out = append(out, fmt.Sprintf("%s %s %s", n.Status, n.Alert.Rule, n.Alert.Provider))
	}
	return out
}

func compile(t *testing.T, rules ...config.AlertRule) []Rule {
	t.Helper()
	for i := range rules {
		if rules[i].Name == "" {
			rules[i].Name = fmt.Sprintf("r%d", i)
		}
		if rules[i].Severity == "" {
			rules[i].Severity = "warning"
		}
	}
	rs, err := Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func newEval(t *testing.T, rules ...config.AlertRule) (*Evaluator, *recorder, *clock) {
	t.Helper()
	rec, c := &recorder{}, newClock()
	return New(Options{Rules: compile(t, rules...), Sink: rec, Notifier: rec, Clock: c}), rec, c
}

func ok(latency float64) bench.Result {
	return bench.Result{Provider: "a", Model: "m", Status: bench.StatusSuccess, LatencyMs: latency, TTFTMs: latency / 4, Passed: true}
}

// TestMetrics evaluates one rule per row over a set of results and checks
// whether it fired and the value it fired with.
func TestMetrics(t *testing.T) {
	t.Parallel()
	latencies := make([]bench.Result, 100)
	for i := range latencies {
		latencies[i] = ok(float64(i + 1))
	}
	mixed := func(n, errs, passed int, cost float64) []bench.Result {
		out := make([]bench.Result, n)
		for i := range out {
			out[i] = ok(10)
			out[i].Passed = i < passed
			out[i].Cost.Total = cost / float64(n)
			if i >= n-errs {
				out[i].Status = bench.StatusError
			}
		}
		return out
	}
	slowButExcluded := []bench.Result{ok(5), ok(5), ok(5)}
	for _, st := range []bench.Status{bench.StatusError, bench.StatusTimeout} {
		r := ok(900)
		r.Status = st
		slowButExcluded = append(slowButExcluded, r)
	}
	cached := ok(900)
	cached.Cached = true
	skipped := ok(900)
	skipped.Status = bench.StatusSkipped
	slowButExcluded = append(slowButExcluded, cached, skipped)

	tests := []struct {
		name      string
		condition string
		results   []bench.Result
		fires     bool
		value     float64
	}{
		{"p95 over", "p95_latency_ms > 94", latencies, true, 95},
		{"p95 under", "p95_latency_ms > 96", latencies, false, 0},
		{"p50", "p50_latency_ms >= 50", latencies, true, 50},
		{"p99", "p99_latency_ms > 98.5", latencies, true, 99},
		{"ttft", "ttft_p95_ms > 23", latencies, true, 23.75},
		{"errors, cached and skipped calls have no latency", "p95_latency_ms > 50", slowButExcluded, false, 0},
		{"error rate", "error_rate >= 0.3", mixed(10, 3, 7, 0), true, 0.3},
		{"timeouts are errors, skipped results count nowhere", "error_rate > 0.33", slowButExcluded, true, 1.0 / 3},
		{"pass rate", "pass_rate < 0.7", mixed(10, 0, 6, 0), true, 0.6},
		{"hourly cost", "hourly_cost > 29 over 1m", mixed(10, 0, 10, 0.5), true, 30},
		{"hourly cost under", "hourly_cost > 31 over 1m", mixed(10, 0, 10, 0.5), false, 0},
		{"requests per minute", "requests_per_minute >= 5 over 2m", mixed(10, 0, 10, 0), true, 5},
		{"and: both hold", "error_rate > 0.1 and pass_rate < 0.9", mixed(10, 2, 8, 0), true, 0.2},
		{"and: one fails", "error_rate > 0.1 and pass_rate < 0.5", mixed(10, 2, 8, 0), false, 0},
		{"no data: no latency", "p95_latency_ms < 1", nil, false, 0},
		{"no data: no error rate", "error_rate < 0.5", nil, false, 0},
		{"no data: zero requests", "requests_per_minute < 1", nil, true, 0},
		{"no previous window: no drop", "pass_rate_drop > -100", mixed(10, 0, 5, 0), false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, rec, _ := newEval(t, config.AlertRule{Condition: tc.condition})
			for i := range tc.results {
				e.Observe(&tc.results[i])
			}
			e.Evaluate(t.Context())
			notes := rec.notifications()
			if fired := len(notes) == 1; fired != tc.fires || len(notes) > 1 {
				t.Fatalf("notifications %+v, want fired=%v", notes, tc.fires)
			}
			if tc.fires && math.Abs(notes[0].Alert.Value-tc.value) > tc.value*0.002+1e-9 {
				t.Errorf("value %v, want %v", notes[0].Alert.Value, tc.value)
			}
		})
	}
}

// TestPassRateDrop compares a window with the one before it.
func TestPassRateDrop(t *testing.T) {
	t.Parallel()
	e, rec, c := newEval(t, config.AlertRule{Condition: "pass_rate_drop > 40 over 10s"})
	for i := range 10 {
		r := ok(1)
		e.Observe(&r)
		_ = i
	}
	c.advance(10 * time.Second)
	for i := range 10 {
		r := ok(1)
		r.Passed = i%2 == 0
		e.Observe(&r)
	}
	e.Evaluate(t.Context())
	notes := rec.notifications()
	if len(notes) != 1 || math.Abs(notes[0].Alert.Value-50) > 1e-9 {
		t.Fatalf("notifications %+v, want one firing at a 50 point drop", notes)
	}
}

// TestForHysteresis: the condition must hold for For before firing and
// fail for For before resolving; a blip either way resets the wait.
func TestForHysteresis(t *testing.T) {
	t.Parallel()
	e, rec, c := newEval(t, config.AlertRule{Name: "errs", Condition: "error_rate > 0.5 over 1s", For: 3 * time.Second})
	step := func(after time.Duration, failing bool, want ...string) {
		t.Helper()
		c.advance(after)
		for range 4 {
			r := ok(1)
			if failing {
				r.Status = bench.StatusError
			}
			e.Observe(&r)
		}
		e.Evaluate(t.Context())
		if want == nil {
			want = []string{}
		}
		if d := cmp.Diff(want, rec.statuses()); d != "" {
			t.Fatalf("at +%v (-want +got):\n%s", after, d)
		}
	}
	step(0, true)
	step(2*time.Second, true)
	step(time.Second, false) // a blip: the wait starts again
	step(time.Second, true)
	step(2*time.Second, true)
	step(time.Second, true, "firing errs ")
	step(time.Second, false, "firing errs ")
	step(time.Second, true, "firing errs ") // holds again: still the same alert
	step(time.Second, false, "firing errs ")
	step(2*time.Second, false, "firing errs ")
	step(time.Second, false, "firing errs ", "resolved errs ")
	if len(rec.created) != 1 || len(rec.resolved) != 1 || rec.created[0].ID != rec.resolved[0] {
		t.Errorf("store saw created %+v, resolved %v", rec.created, rec.resolved)
	}
}

// TestScopes: "*" keeps one alert per provider, a named provider or model
// sees only its results.
func TestScopes(t *testing.T) {
	t.Parallel()
	e, rec, _ := newEval(t,
		config.AlertRule{Name: "each", Condition: "p95_latency_ms > 100", Provider: EachProvider},
		config.AlertRule{Name: "only-b", Condition: "p95_latency_ms > 100", Provider: "b"},
		config.AlertRule{Name: "model-x", Condition: "p95_latency_ms > 100", Model: "x"},
		config.AlertRule{Name: "all", Condition: "p95_latency_ms > 100"},
	)
	for range 5 {
		slow, fast := ok(500), ok(5)
		fast.Provider = "b"
		e.Observe(&slow)
		e.Observe(&fast)
	}
	e.Evaluate(t.Context())
	if d := cmp.Diff([]string{"firing each a", "firing all "}, rec.statuses()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestWindowExpires: results older than the window stop counting, and an
// alert on them resolves; Close resolves what still fires.
func TestWindowExpires(t *testing.T) {
	t.Parallel()
	e, rec, c := newEval(t,
		config.AlertRule{Name: "slow", Condition: "p95_latency_ms > 100 over 10s"},
		config.AlertRule{Name: "busy", Condition: "requests_per_minute > 0.08 over 1h"},
	)
	for range 5 {
		r := ok(500)
		e.Observe(&r)
	}
	e.Evaluate(t.Context())
	c.advance(9 * time.Second) // within the window still
	e.Evaluate(t.Context())
	c.advance(2 * time.Second)
	e.Evaluate(t.Context())
	e.Close(t.Context())
	want := []string{"firing slow ", "firing busy ", "resolved slow ", "resolved busy "}
	if d := cmp.Diff(want, rec.statuses()); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	notes := rec.notifications()
	if r := notes[3].Alert.Details["resolved_reason"]; r != "the evaluator stopped (end of the run or of the server)" {
		t.Errorf("Close's reason: %v", r)
	}
	if notes[0].Alert.Details["resolved_reason"] != nil {
		t.Errorf("resolving changed the firing notification's details: %v", notes[0].Alert.Details)
	}
}

// TestRunAndFeed: results arrive as events, a tick evaluates.
func TestRunAndFeed(t *testing.T) {
	t.Parallel()
	e, rec, c := newEval(t, config.AlertRule{Name: "slow", Condition: "p95_latency_ms > 100"})
	ch := make(chan event.Event, 8)
	fed := make(chan struct{})
	go func() { defer close(fed); e.Feed(ch) }()
	for range 3 {
		r := ok(500)
		ch <- event.Event{Type: event.TypeResult, ResultReady: &event.ResultReady{Result: &r}}
	}
	ch <- event.Event{Type: event.TypeBatchSaved, BatchSaved: &event.BatchSaved{Count: 3}}
	close(ch)
	<-fed
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan struct{})
	go func() { defer close(ran); e.Run(ctx) }()
	c.tick <- c.Now()
	c.tick <- c.Now() // the first evaluation has ended when the second tick is taken
	cancel()
	<-ran
	if d := cmp.Diff([]string{"firing slow "}, rec.statuses()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestMemoryBoundedByWindow: a ring keeps its slots however many results
// and intervals pass.
func TestMemoryBoundedByWindow(t *testing.T) {
	t.Parallel()
	e, _, c := newEval(t, config.AlertRule{Condition: "p95_latency_ms > 100 over 10s"},
		config.AlertRule{Condition: "pass_rate_drop > 10 over 10s"})
	for i := range 20000 {
		r := ok(float64(i % 1000))
		e.Observe(&r)
		c.advance(37 * time.Millisecond)
	}
	for k, rg := range e.rings {
		want := slotsPerWindow
		if k.rule == 1 {
			want *= 2
		}
		if len(rg.slots) != want {
			t.Errorf("rule %d: %d slots, want %d", k.rule, len(rg.slots), want)
		}
	}
	if len(e.rings) != 2 {
		t.Errorf("%d rings, want 2", len(e.rings))
	}
}

// TestMonitorStop: a monitor evaluates its run's events once more when it
// stops, resolves what fires, and does not wait past its context for a
// feed that never ends.
func TestMonitorStop(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	mon, err := Start(config.Monitoring{AlertInterval: time.Hour, AlertRules: []config.AlertRule{
		{Name: "slow", Condition: "p95_latency_ms > 100", Severity: "warning"}}}, MonitorOptions{Sink: rec, Also: rec})
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan event.Event, 4)
	r := ok(500)
	ch <- event.Event{Type: event.TypeResult, ResultReady: &event.ResultReady{Result: &r}}
	mon.Feed(ch)
	stuck := make(chan event.Event) // a run whose bus never closes
	mon.Feed(stuck)
	// The first event must be recorded before Stop's last evaluation: the
	// feed reads the buffered one, then waits on ch, which the test closes.
	deadline := time.Now().Add(10 * time.Second)
	for len(ch) > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(ch)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	mon.Stop(ctx)
	if d := cmp.Diff([]string{"firing slow ", "resolved slow "}, rec.statuses()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	var none *Monitor
	none.Stop(ctx) // no rules: nothing to do
	if m, err := Start(config.Monitoring{}, MonitorOptions{}); m != nil || err != nil {
		t.Errorf("Start without rules = %v, %v", m, err)
	}
}
