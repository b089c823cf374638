package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/promexp"
)

// metricsEnv is newEnv with the engine's metrics, a configuration and a
// WebSocket handler of the test's.
func metricsEnv(t *testing.T, cfg *config.Config, ws http.Handler) *env {
	t.Helper()
	st := &memStore{}
	mgr := &fakeManager{st: st, running: 2, queue: 10}
	ta := &tokenAuth{principals: map[string]*auth.Principal{
		"admin": principal("u-admin", "admin"), "alice": principal("u-alice", "user"), "viewer": principal("u-viewer", "viewer"),
	}}
	svc := api.New(api.Deps{Store: st, Manager: mgr, Providers: fakeProviders{}, Config: cfg})
	srv, err := New(Options{Config: cfg, Service: svc, Auth: ta, Store: st, Manager: mgr, WebSocket: ws,
		Collectors: []prometheus.Collector{promexp.New("9.9.9")}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &env{t: t, url: hs.URL, st: st, mgr: mgr, srv: srv, auth: ta}
}

// TestMetricsPermission checks that /api/v1/metrics needs metrics.read and
// serves the engine's families beside the HTTP ones.
func TestMetricsPermission(t *testing.T) {
	t.Parallel()
	e := metricsEnv(t, config.Default(), nil)
	for role, token := range map[string]string{"admin": "admin", "user": "alice", "viewer": "viewer"} {
		a := e.do(token, "GET", "/api/v1/metrics", nil)
		want := http.StatusForbidden
		if rolePerms[role].Allows("metrics.read") {
			want = http.StatusOK
		}
		if a.status != want {
			t.Errorf("%s: %d, want %d", role, a.status, want)
		}
	}
	if a := e.do("", "GET", "/api/v1/metrics", nil); a.status != http.StatusUnauthorized {
		t.Errorf("no credentials: %d, want 401", a.status)
	}
	a := e.do("admin", "GET", "/api/v1/metrics", nil)
	for _, want := range []string{`llm_build_info{goversion="go`, `version="9.9.9"`, "llm_active_benchmarks 0",
		"llm_api_requests_total", "llm_websocket_connections 0", "process_cpu_seconds_total"} {
		if !strings.Contains(string(a.body), want) {
			t.Errorf("/api/v1/metrics lacks %s", want)
		}
	}
}

// TestMetricsOff checks [monitoring] enable_prometheus = false.
func TestMetricsOff(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.Monitoring.EnablePrometheus = false
	e := metricsEnv(t, cfg, nil)
	if a := e.do("admin", "GET", "/api/v1/metrics", nil); a.status != http.StatusNotFound {
		t.Errorf("metrics off: %d, want 404", a.status)
	}
}

// TestMetricsPort checks the listener of [monitoring] metrics_port: the
// same registry, no authentication, closed with the server.
func TestMetricsPort(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.Monitoring.MetricsPort = freePort(t)
	e := metricsEnv(t, cfg, nil)
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, ln) }()
	url := "http://127.0.0.1:" + strconv.Itoa(cfg.Monitoring.MetricsPort) + promexp.Path
	var body string
	deadline := time.Now().Add(5 * time.Second)
	for {
		if resp, err := http.Get(url); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("metrics port: %d", resp.StatusCode)
			}
			body = string(b)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the metrics port never answered")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(body, "llm_build_info") || !strings.Contains(body, "llm_api_requests_in_flight") {
		t.Errorf("the metrics port serves another registry:\n%s", body)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(url); err == nil {
		resp.Body.Close()
		t.Error("the metrics port still answers after the server stopped")
	}
}

// TestWebSocketGauges checks the connection gauges while an upgraded
// request is being served.
func TestWebSocketGauges(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	ws := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
		w.WriteHeader(http.StatusOK)
	})
	e := metricsEnv(t, config.Default(), ws)
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequest(http.MethodGet, e.url+"/ws", nil)
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Connection", "Upgrade")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-entered
	body := string(e.do("admin", "GET", "/api/v1/metrics", nil).body)
	for _, want := range []string{"llm_websocket_connections 1", "llm_active_sessions 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("while connected, metrics lack %s", want)
		}
	}
	close(release)
	<-done
	body = string(e.do("admin", "GET", "/api/v1/metrics", nil).body)
	for _, want := range []string{"llm_websocket_connections 0", "llm_active_sessions 0"} {
		if !strings.Contains(body, want) {
			t.Errorf("after the connection, metrics lack %s", want)
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
