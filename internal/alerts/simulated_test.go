package alerts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/alerts"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

// receiver is a webhook that records what it is sent.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []alerts.Notification
	header http.Header
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var n alerts.Notification
		if err := json.Unmarshal(b, &n); err != nil {
			t.Errorf("receiver: %v in %s", err, b)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.got = append(rc.got, n)
		rc.header = r.Header.Clone()
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.Close)
	return rc
}

// waitFor polls until the receiver holds n notifications, or fails at
// the deadline.
func (rc *receiver) waitFor(t *testing.T, n int) []alerts.Notification {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rc.mu.Lock()
		got := append([]alerts.Notification(nil), rc.got...)
		rc.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %d notifications, want %d: %+v", len(got), n, got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fakeClock is set by the test; its ticker is never used here (the test
// calls Evaluate itself).
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) NewTicker(time.Duration) alerts.Ticker { return fakeTicker{} }

type fakeTicker struct{}

func (fakeTicker) C() <-chan time.Time { return nil }
func (fakeTicker) Stop()               {}

func loadConfig(t *testing.T, body string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "config.toml")
	body = fmt.Sprintf("[cache]\ndir = %q\n\n", filepath.Join(dir, "cache")) + body
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{WorkDir: t.TempDir(), HomeConfigDir: t.TempDir(),
		Environ: []string{"SIM_TEST_KEY=sk-sim"}, File: file})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

func writeCases(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"c%02d","prompt":"Say number %d","assert":[{"type":"contains","value":"number"}]}`+"\n", i, i)
	}
	p := filepath.Join(t.TempDir(), "cases.jsonl")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAlertFiresAndResolvesWithSimulatorLatency is the issue's "done
// when": a simulated provider answers slowly, then (SetLatency) fast; a
// rule on its p95 latency over a 2s window, fed by the runs' event
// streams, fires after the slow phase and resolves after the fast one.
// Both transitions are stored, published on the hub and delivered to a
// webhook. The evaluator's clock is the test's: it moves past the window
// between the phases.
func TestAlertFiresAndResolvesWithSimulatorLatency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim, err := simulator.New(simulator.Config{Latency: simulator.Fixed(400 * time.Millisecond), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	simSrv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() { simSrv.Close(); sim.Close() })
	rc := newReceiver(t)

	cfg := loadConfig(t, `
[providers.sim]
type = "openai"
base_url = "`+simSrv.URL+`/v1"
api_key_env = "SIM_TEST_KEY"

[monitoring]
alert_rules = [{ name = "slow", condition = "p95_latency_ms > 200 over 2s", severity = "warning" }]

[[monitoring.notifiers]]
type = "webhook"
url = "`+rc.URL+`/hook"
headers = { X-Hook-Token = "hook-secret" }
`)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ltb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rules, err := alerts.Compile(cfg.Monitoring.AlertRules)
	if err != nil {
		t.Fatal(err)
	}
	hub := live.NewHub()
	t.Cleanup(hub.Close)
	hubSub, err := hub.Subscribe([]string{"alerts.*"}, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hubSub.Close()
	disp := alerts.NewDispatcher(cfg.Monitoring.Notifiers, alerts.DispatchOptions{Backoff: 10 * time.Millisecond})
	clock := &fakeClock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	ev := alerts.New(alerts.Options{Rules: rules, Sink: st, Publisher: hub, Notifier: disp, Clock: clock})

	svc := session.New(cfg, st, nil)
	t.Cleanup(func() { _ = svc.Close() })
	cases := writeCases(t, 8)
	// phase runs the cases once, the evaluator fed by the run's events,
	// and returns when the evaluator has seen every result.
	phase := func() {
		t.Helper()
		p, err := svc.Plan(ctx, session.Options{Datasets: []string{cases}, Providers: []string{"sim:m"},
			Concurrency: 4, NoCache: true, Stream: true}, session.ModeRun)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		r := p.NewRun()
		sub := r.Subscribe(1 << 10)
		fed := make(chan struct{})
		go func() { defer close(fed); ev.Feed(sub.Events()) }()
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if res := r.Wait(); res.Err != nil || res.Run.Totals.Results != 8 {
			t.Fatalf("run: %v, %+v", res.Err, res.Run.Totals)
		}
		<-fed // the bus closed after the last event
		if n := sub.Dropped(); n > 0 {
			t.Fatalf("the evaluator's subscription dropped %d events", n)
		}
	}

	// Slow phase: every call takes 400ms; the rule fires.
	phase()
	ev.Evaluate(ctx)
	got := rc.waitFor(t, 1)
	fired := got[0]
	if fired.Status != alerts.StatusFiring || fired.Alert.Rule != "slow" || fired.Alert.Value <= 200 ||
		fired.Alert.Threshold != 200 || fired.Alert.ResolvedAt != nil {
		t.Fatalf("firing notification: %+v", fired)
	}
	if rc.header.Get("X-Hook-Token") != "hook-secret" {
		t.Errorf("the webhook's header did not arrive: %v", rc.header)
	}
	firing, _, err := st.ListAlerts(ctx, store.AlertQuery{State: store.AlertFiring})
	if err != nil || len(firing) != 1 || firing[0].ID != fired.Alert.ID || firing[0].Value != fired.Alert.Value {
		t.Fatalf("stored firing alerts = %+v, %v; want the notified one", firing, err)
	}
	if m := <-hubSub.C(); m.Topic != alerts.TopicTriggered {
		t.Errorf("hub message %s, want %s", m.Topic, alerts.TopicTriggered)
	}
	ev.Evaluate(ctx) // still slow: no second notification
	if got := rc.waitFor(t, 1); len(got) != 1 {
		t.Fatalf("a second evaluation notified again: %+v", got)
	}

	// Fast phase: the provider recovers at run time, the window moves past
	// the slow calls; the rule resolves on measured values, not on no data.
	if err := sim.SetLatency(simulator.Fixed(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3 * time.Second)
	phase()
	ev.Evaluate(ctx)
	resolved, _, err := st.ListAlerts(ctx, store.AlertQuery{State: store.AlertResolved})
	if err != nil || len(resolved) != 1 || resolved[0].ID != fired.Alert.ID || resolved[0].ResolvedAt == nil {
		all, _, _ := st.ListAlerts(ctx, store.AlertQuery{})
		t.Fatalf("after the fast phase, stored alerts = %+v, %v; want the alert resolved", all, err)
	}
	got = rc.waitFor(t, 2)
	res := got[1]
	if res.Status != alerts.StatusResolved || res.Alert.ID != fired.Alert.ID || res.Alert.ResolvedAt == nil {
		t.Fatalf("resolution notification: %+v", res)
	}
	vals, _ := res.Alert.Details["resolved_values"].(map[string]any)
	if p95, ok := vals["p95_latency_ms"].(float64); !ok || p95 >= 200 {
		t.Errorf("resolved with p95 %v (details %v), want a measured value under 200", vals["p95_latency_ms"], res.Alert.Details)
	}
	if m := <-hubSub.C(); m.Topic != alerts.TopicResolved {
		t.Errorf("hub message %s, want %s", m.Topic, alerts.TopicResolved)
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ev.Close(cctx)
	disp.Close(cctx)
	if got := rc.waitFor(t, 2); len(got) != 2 {
		t.Errorf("Close notified an alert that was not firing: %+v", got)
	}
}
