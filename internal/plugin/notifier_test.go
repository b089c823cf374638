package plugin

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/alerts"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// TestExampleNotifier builds the Go example chat-notify and delivers an
// alert through the alert dispatcher's notifier of type
// plugin:chat-notify: the receiver's 503 is retried, and the line it gets
// says what fired.
func TestExampleNotifier(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		bodies []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		n := len(bodies)
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	l := DefaultLimits()
	l.Timeout = 20 * time.Second
	h, err := NewHost(context.Background(), Options{Limits: l, CacheDir: goCacheDir(), Grant: func(plugin, capability string) bool { return plugin == "chat-notify" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	p := loadVariant(t, h, "examples/plugins/chat-notify", "chat-notify", `allowed_hosts = ["hooks.slack.com"]`, `allowed_hosts = ["`+strings.TrimPrefix(srv.URL, "http://")+`"]`)
	if _, err := Activate([]*Plugin{p}); err != nil {
		t.Fatal(err)
	}
	d := alerts.NewDispatcher([]config.Notifier{{Type: "plugin:chat-notify", URL: srv.URL + "/hook", MaxRetries: 2, Timeout: 20 * time.Second}},
		alerts.DispatchOptions{Plugins: NotifyAlert, Backoff: time.Millisecond})
	d.Notify(alerts.Notification{Status: alerts.StatusFiring, Alert: store.Alert{Rule: "slow", Severity: "error", Message: "p95 latency 6200 ms > 5000"}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d.Close(ctx)
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 || bodies[1] != `{"text":"[error] firing: p95 latency 6200 ms \u003e 5000 (rule slow)"}` {
		t.Errorf("the receiver got %q, want the line twice (one 503, one retry)", bodies)
	}
}

// TestNotifierWAT: a notifier written in WebAssembly text; "delivered":
// false with "retry" is a retryable failure naming the plugin.
func TestNotifierWAT(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	for _, tc := range []struct {
		data  string
		retry bool
		err   string
	}{
		{`{"delivered":true}`, false, ""},
		{`{"delivered":false,"retry":true,"detail":"busy"}`, true, `plugin "wat-notify": plugin: busy`},
		{`{"detail":"?"}`, false, `no "delivered"`},
	} {
		m, err := ParseManifest([]byte("[package]\nname = \"wat-notify\"\nversion = \"1\"\n[plugin]\ntype = \"notifier\"\nentry_point = \"main.wasm\"\n"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := h.New(context.Background(), m, wat2wasm(t, watGuest{data: tc.data, body: okBody}.source()))
		if err != nil {
			t.Fatal(err)
		}
		retry, err := p.Notify(context.Background(), nil, alerts.StatusFiring, store.Alert{Rule: "r"})
		if retry != tc.retry || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: retry %v, err %v; want %v, %q", tc.data, retry, err, tc.retry, tc.err)
		}
	}
}
