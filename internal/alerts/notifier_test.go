package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// hook answers with the statuses given, one per request (200 after
// them), and records the bodies.
type hook struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	bodies   []string
}

func newHook(t *testing.T, statuses ...int) *hook {
	t.Helper()
	h := &hook{statuses: statuses}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, string(b))
		code := http.StatusOK
		if len(h.statuses) > 0 {
			code, h.statuses = h.statuses[0], h.statuses[1:]
		}
		h.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

func note(rule string) Notification {
	return Notification{Status: StatusFiring, Alert: store.Alert{ID: "a1", Rule: rule, Severity: "error",
		Message: rule + " (error): hourly_cost = 12 (> 10) over 5m", Details: map[string]any{}}}
}

// deliverAll sends ns through a dispatcher of one notifier and closes it.
func deliverAll(t *testing.T, n config.Notifier, log *slog.Logger, ns ...Notification) {
	t.Helper()
	d := NewDispatcher([]config.Notifier{n}, DispatchOptions{Backoff: time.Millisecond, Logger: log})
	for _, x := range ns {
		d.Notify(x)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	d.Close(ctx)
}

func TestDelivery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		typ      string
		statuses []int
		retries  int
		attempts int
	}{
		{"webhook at once", "webhook", nil, 0, 1},
		{"retried through 5xx and 429", "webhook", []int{500, 429, 503}, 3, 4},
		{"gives up after the retries", "webhook", []int{500, 500, 500}, 2, 3},
		{"a 4xx is not retried", "webhook", []int{400}, 3, 1},
		{"slack", "slack", []int{502}, 1, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHook(t, tc.statuses...)
			deliverAll(t, config.Notifier{Type: tc.typ, URL: h.URL, MaxRetries: tc.retries}, nil, note("costly"))
			got := h.got()
			if len(got) != tc.attempts {
				t.Fatalf("%d attempts, want %d", len(got), tc.attempts)
			}
			if tc.typ == "slack" {
				var m map[string]string
				if err := json.Unmarshal([]byte(got[0]), &m); err != nil || len(m) != 1 ||
					m["text"] != ":rotating_light: costly (error): hourly_cost = 12 (> 10) over 5m" {
					t.Errorf("slack body %s (%v), want {\"text\": ...}", got[0], err)
				}
				return
			}
			var n Notification
			if err := json.Unmarshal([]byte(got[0]), &n); err != nil || n.Status != StatusFiring || n.Alert.Rule != "costly" {
				t.Errorf("webhook body %s (%v)", got[0], err)
			}
		})
	}
}

// TestDeadReceiverNeverBlocks: a receiver that never answers holds up
// neither Notify nor another notifier, its queue drops what does not fit,
// and Close gives up when its context ends. Its URL (which holds a
// secret) never reaches the log.
func TestDeadReceiverNeverBlocks(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var hung atomic.Int32
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hung.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); dead.Close() })
	live := newHook(t)
	var logs bytes.Buffer
	var logMu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil))
	d := NewDispatcher([]config.Notifier{
		{Name: "dead", Type: "slack", URL: dead.URL + "/services/T0/B0/sekrit-path", Timeout: time.Minute},
		{Name: "live", Type: "webhook", URL: live.URL},
	}, DispatchOptions{Logger: log})
	start := time.Now()
	const n = 3 * queueSize
	for range n {
		d.Notify(note("busy"))
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Notify took %v for %d notifications", took, n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(live.got()) < queueSize && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := len(live.got()); got < queueSize {
		t.Errorf("the live receiver got %d notifications beside a dead one, want at least %d", got, queueSize)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	d.Close(ctx)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Close took %v past its context", took)
	}
	logMu.Lock()
	out := logs.String()
	logMu.Unlock()
	if !strings.Contains(out, "notification dropped") || !strings.Contains(out, "notifier=dead") {
		t.Errorf("the drops were not logged:\n%s", out)
	}
	if strings.Contains(out, "sekrit") || strings.Contains(out, dead.URL) {
		t.Errorf("the log shows the notifier's URL:\n%s", out)
	}
}

// TestErrorsHideTheURL: a failed delivery's error names no part of the
// URL beyond the host.
func TestErrorsHideTheURL(t *testing.T) {
	t.Parallel()
	h := newHook(t)
	url := h.URL + "/hooks/sekrit-token"
	h.Close() // connection refused from now on
	var logs bytes.Buffer
	var mu sync.Mutex
	deliverAll(t, config.Notifier{Type: "webhook", URL: url, MaxRetries: 1}, slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil)), note("x"))
	mu.Lock()
	defer mu.Unlock()
	if out := logs.String(); !strings.Contains(out, "not delivered") || strings.Contains(out, "sekrit") {
		t.Errorf("log:\n%s", out)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
