package server

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// glog (imported by Vitess's SQL parser, for is-sql) starts its flush daemon at init.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/golang/glog.(*fileSink).flushDaemon"))
}

type recorder struct {
	mu   sync.Mutex
	msgs []live.Message
}

func (r *recorder) Publish(m live.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
}

// TestServeLifecycle: Serve starts the manager, answers, publishes the
// metrics snapshot, and on cancel drains a request in flight before it
// shuts the manager down and closes.
func TestServeLifecycle(t *testing.T) {
	st := &memStore{}
	mgr := &fakeManager{st: st, running: 1, queue: 1}
	rec := &recorder{}
	closed := false
	release := make(chan struct{})
	slow := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/v1/health/live" {
				<-release
			}
			next.ServeHTTP(w, r)
		})
	}
	srv, err := New(Options{
		Service: api.New(api.Deps{Store: st, Manager: mgr, Providers: fakeProviders{}, Config: config.Default()}),
		Auth:    &tokenAuth{}, Store: st, Manager: mgr, Publisher: rec,
		Middleware: []func(http.Handler) http.Handler{slow},
		Close:      func() error { closed = true; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	res, err := http.Get(base + "/api/v1/health")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("health: %v", err)
	}
	res.Body.Close()
	if !mgr.started {
		t.Fatal("the manager was not started")
	}
	inflight := make(chan int, 1)
	go func() {
		res, err := http.Get(base + "/api/v1/health/live")
		if err != nil {
			inflight <- 0
			return
		}
		res.Body.Close()
		inflight <- res.StatusCode
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	time.Sleep(100 * time.Millisecond)
	if mgr.shutdown {
		t.Fatal("the manager was shut down before the request in flight ended")
	}
	close(release)
	if code := <-inflight; code != 200 {
		t.Fatalf("request in flight: %d", code)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if !mgr.shutdown || !closed {
		t.Fatalf("shutdown %v closed %v", mgr.shutdown, closed)
	}
	if res, err := http.Get(base + "/api/v1/health"); err == nil {
		res.Body.Close()
		t.Fatal("still accepting after shutdown")
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestSnapshotPublished(t *testing.T) {
	st := &memStore{}
	rec := &recorder{}
	srv, err := New(Options{Service: api.New(api.Deps{Store: st}), Auth: &tokenAuth{}, Store: st, Publisher: rec})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st}
	hs := newTestHTTP(t, srv.Handler())
	e.url = hs
	e.do("", "GET", "/api/v1/health", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	srv.publishSnapshots(ctx, 20*time.Millisecond)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.msgs) == 0 {
		t.Fatal("no snapshot published")
	}
	m := rec.msgs[0]
	snap, ok := m.Payload.(Snapshot)
	if m.Topic != SnapshotTopic || !ok || snap.Requests < 1 {
		t.Fatalf("snapshot %+v", m)
	}
}

// TestConfigSwitches: [server] enable_rest=false serves only the public
// routes; enable_graphql and enable_websocket unmount their handlers.
func TestConfigSwitches(t *testing.T) {
	t.Parallel()
	st := &memStore{}
	cfg := config.Default()
	cfg.Server.EnableREST, cfg.Server.EnableGraphQL = false, false
	mark := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(299) })
	srv, err := New(Options{Config: cfg, Service: api.New(api.Deps{Store: st}), Auth: &tokenAuth{}, Store: st, GraphQL: mark, WebSocket: mark})
	if err != nil {
		t.Fatal(err)
	}
	// Not behind the contract check: the document describes the REST API
	// as served, and here it is switched off.
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	e := &env{t: t, st: st, url: hs.URL}
	for path, want := range map[string]int{"/api/v1/benchmarks": 404, "/api/v1/health": 200, "/graphql": 404, "/ws": 299} {
		if a := e.do("", "GET", path, nil); a.status != want {
			t.Errorf("%s: %d, want %d", path, a.status, want)
		}
	}
	if got := ListenAddr(cfg); got != "127.0.0.1:8080" {
		t.Errorf("listen address %q", got)
	}
}
