package serve_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/nats-io/nats.go"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/distributed"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	runsession "github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// distCluster is a NATS server embedded in the test, the server's
// coordinator on it, and one real worker (the worker command's code, in
// this process) with a configuration of its own.
type distCluster struct {
	url string
	co  *distributed.Coordinator
	nc  *nats.Conn
}

func startCluster(t *testing.T, workerConc int) *distCluster {
	t.Helper()
	srv, err := distributed.StartEmbedded(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dial := func() *nats.Conn {
		nc, err := nats.Connect(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		return nc
	}
	nc := dial()
	ctx := context.Background()
	co, err := distributed.NewCoordinator(ctx, nc, distributed.Settings{AckWait: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wcfg := loadConfig(t, t.TempDir(), "5ms")
	w := &distributed.Worker{
		Info:      distributed.WorkerInfo{ID: "w1", MaxConcurrentTasks: workerConc},
		Runners:   runsession.New(wcfg, nil, nil),
		Heartbeat: 100 * time.Millisecond,
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	wnc := dial()
	go func() { done <- w.Run(wctx, wnc) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
	})
	return &distCluster{url: srv.URL(), co: co, nc: nc}
}

// worker reads the worker's entry in the registry.
func (c *distCluster) worker(t *testing.T) distributed.WorkerInfo {
	t.Helper()
	ws, err := distributed.ListWorkers(context.Background(), c.nc)
	if err != nil || len(ws) != 1 {
		t.Fatalf("workers: %+v, %v", ws, err)
	}
	return ws[0]
}

// waitWorker polls the registry until cond holds.
func (c *distCluster) waitWorker(t *testing.T, what string, within time.Duration, cond func(distributed.WorkerInfo) bool) distributed.WorkerInfo {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		w := c.worker(t)
		if cond(w) {
			return w
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker: no %s within %s; last %+v", what, within, w)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDistributedBenchmarkOverHTTP: a benchmark submitted with
// "distributed": true runs its calls on the worker, its progress reaches
// a WebSocket client as a local run's does, and it ends with exactly one
// result per case in the server's store. A worker's API key learns the
// NATS server from GET /distributed.
func TestDistributedBenchmarkOverHTTP(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 4)
	s := startServer(t, storeKinds[0], serverOptions{distributor: c.co, natsURL: c.url})
	alice := s.user("alice", "user")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, wsURL(s.url, "/ws"), &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + alice.bearer}},
	})
	if err != nil {
		t.Fatalf("dial /ws: %v", err)
	}
	if res.Body != nil {
		_ = res.Body.Close()
	}
	defer conn.CloseNow()
	sub, _ := json.Marshal(map[string]any{"type": "Subscribe", "topics": []string{"benchmark.progress"}})
	if err := conn.Write(ctx, websocket.MessageText, sub); err != nil {
		t.Fatal(err)
	}
	type message struct {
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload"`
	}
	read := func() message {
		_, b, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m message
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("message %s: %v", b, err)
		}
		return m
	}
	if m := read(); m.Type != "Subscribed" {
		t.Fatalf("subscribe answered %+v", m)
	}

	const cases = 30
	b := alice.create(map[string]any{"name": "on workers", "suite": inlineSuite(cases), "providers": []string{"simulator:echo"}, "distributed": true})
	var ps []live.Progress
	for len(ps) == 0 || statusRank[ps[len(ps)-1].Status] < 2 {
		m := read()
		var p live.Progress
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatalf("payload %s: %v", m.Payload, err)
		}
		if p.BenchmarkID == b.ID {
			ps = append(ps, p)
		}
	}
	checkStream(t, ps, "queued")
	got := alice.finished(b.ID)
	if got.Status != "completed" || got.Progress.Done != cases || got.Totals.Results != cases {
		t.Fatalf("benchmark ended %+v", got)
	}
	checkEachOnce(t, s.st, b.ID, cases)
	for r, err := range s.st.Results(context.Background(), b.ID, store.ResultFilter{}) {
		if err != nil || r.Status != bench.StatusSuccess {
			t.Fatalf("result %+v, %v", r, err)
		}
	}
	// The calls were the worker's, not the server's.
	c.waitWorker(t, "30 jobs done", 5*time.Second, func(w distributed.WorkerInfo) bool { return w.Done == cases })

	// A worker started with only the server's address finds NATS.
	admin := s.user("admin", "admin")
	a := admin.do("POST", "/api/v1/auth/apikey", map[string]any{"name": "worker"})
	a.want(t, http.StatusCreated)
	var key struct{ Key string }
	a.decode(t, &key)
	if u, err := distributed.AskNATSURL(ctx, s.client, s.url, key.Key); err != nil || u != c.url {
		t.Errorf("GET /distributed as admin: %q, %v; want %q", u, err, c.url)
	}
	a = alice.do("GET", "/api/v1/distributed", nil)
	a.want(t, http.StatusForbidden)
}

// TestDistributedCancelOverHTTP: cancelling a distributed benchmark
// through the API stops the calls the worker is running at once (the
// simulator would answer each after a minute), ends the run cancelled and
// keeps one record per case.
func TestDistributedCancelOverHTTP(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 3)
	s := startServer(t, storeKinds[0], serverOptions{latency: "60s", distributor: c.co, natsURL: c.url})
	alice := s.user("alice", "user")
	const cases = 12
	b := alice.create(map[string]any{"name": "cancelled on workers", "suite": inlineSuite(cases), "providers": []string{"simulator:echo"}, "distributed": true})
	c.waitWorker(t, "calls in flight", 20*time.Second, func(w distributed.WorkerInfo) bool { return w.InFlight == 3 })

	alice.do("POST", "/api/v1/benchmarks/"+b.ID+"/cancel", nil).want(t, http.StatusAccepted)
	got := alice.finished(b.ID)
	if got.Status != "cancelled" {
		t.Fatalf("benchmark ended %+v, want cancelled", got)
	}
	c.waitWorker(t, "its calls stopped", 5*time.Second, func(w distributed.WorkerInfo) bool { return w.InFlight == 0 })
	checkEachOnce(t, s.st, b.ID, cases)
	for r, err := range s.st.Results(context.Background(), b.ID, store.ResultFilter{}) {
		if err != nil || r.Status != bench.StatusCancelled {
			t.Fatalf("result %+v, %v; want cancelled", r, err)
		}
	}
}

// TestDistributedRefusedWithoutWorkers: a server started without
// --distributed refuses "distributed": true with a 400 naming the member,
// and answers GET /distributed with 404.
func TestDistributedRefusedWithoutWorkers(t *testing.T) {
	t.Parallel()
	s := startServer(t, storeKinds[0], serverOptions{})
	admin := s.user("admin", "admin")
	a := admin.do("POST", "/api/v1/benchmarks", map[string]any{"suite": inlineSuite(2), "providers": []string{"simulator:echo"}, "distributed": true})
	a.want(t, http.StatusBadRequest)
	if !strings.Contains(string(a.body), `"distributed"`) || !strings.Contains(string(a.body), "serve --distributed") {
		t.Errorf("refusal %s", a.body)
	}
	admin.do("GET", "/api/v1/distributed", nil).want(t, http.StatusNotFound)
}
