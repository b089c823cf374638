package graphqlapi

import (
	"context"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// runStore is the part of a store the real service reads here: runs by
// id, no results.
type runStore struct{ runs map[string]bench.Run }

func (s runStore) GetRun(_ context.Context, ref string) (*bench.Run, error) {
	r, ok := s.runs[ref]
	if !ok {
		return nil, store.ErrNotFound
	}
	return &r, nil
}

func (runStore) Results(context.Context, string, store.ResultFilter) iter.Seq2[bench.Result, error] {
	return func(func(bench.Result, error) bool) {}
}

func (runStore) Totals(context.Context, ...string) (map[string]bench.Totals, error) {
	return map[string]bench.Totals{}, nil
}

func (runStore) QueryResults(context.Context, store.ResultQuery) ([]bench.Result, string, error) {
	return nil, "", nil
}

func (runStore) GetResult(context.Context, string) (*bench.Result, error) {
	return nil, store.ErrNotFound
}

func (s runStore) PageRuns(_ context.Context, q store.RunQuery) ([]bench.Run, string, error) {
	var out []bench.Run
	for _, r := range s.runs {
		if q.UserID == "" || q.UserID == r.UserID {
			out = append(out, r)
		}
	}
	return out, "", nil
}

// limitsManager keeps the queue's limits; it runs nothing.
type limitsManager struct {
	mu             sync.Mutex
	running, queue int
}

func (*limitsManager) Submit(context.Context, string, api.SubmitRequest) (*bench.Run, error) {
	return nil, store.ErrNotFound
}
func (*limitsManager) Cancel(context.Context, string) (*bench.Run, error) {
	return nil, store.ErrNotFound
}
func (*limitsManager) Progress(string) (live.Progress, bool) { return live.Progress{}, false }
func (m *limitsManager) Limits() (int, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.running, m.queue
}
func (m *limitsManager) SetLimits(running, queue int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.running, m.queue = running, queue
	return nil
}

// TestEndToEndRealServiceAndHub runs the handler over the real service
// layer (api.Core) and the real live hub.
func TestEndToEndRealServiceAndHub(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	now := time.Now().UTC()
	st := runStore{runs: map[string]bench.Run{
		"run-alice": {ID: "run-alice", UserID: "alice", Status: bench.RunRunning, Total: 2, CreatedAt: now, UpdatedAt: now},
		"run-bob":   {ID: "run-bob", UserID: "bob", Status: bench.RunRunning, Total: 2, CreatedAt: now, UpdatedAt: now},
	}}
	mgr := &limitsManager{running: 2, queue: 10}
	svc := api.New(api.Deps{Store: st, Manager: mgr, Config: config.Default()})
	hub := live.NewHub()
	t.Cleanup(hub.Close)
	authn := &fakeAuth{tokens: map[string]*auth.Principal{
		"tok-alice": principal("alice", "user"), "tok-admin": principal("root", "admin"),
	}, revoked: map[string]error{}}
	h, err := New(svc, HubFeed(hub), authn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	e := &env{h: h}
	srv := e.server(t)

	// Another user's benchmark is NOT_FOUND, over POST and as a subscription.
	if _, r := e.post(t, principal("alice", "user"), `{ benchmark(id: "run-bob") { id } }`, nil); r.code() != codeNotFound {
		t.Fatalf("bob's benchmark: %+v", r.Errors)
	}
	c, _, err := dial(t, srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.init(map[string]any{"Authorization": "Bearer tok-alice"})
	c.send(map[string]any{"id": "x", "type": "subscribe", "payload": map[string]any{"query": `subscription { benchmarkProgress(id: "run-bob") { done } }`}})
	if m, err := c.next(); err != nil || !strings.Contains(string(m.Payload), codeNotFound) {
		t.Fatalf("subscribing to bob's: %+v %v", m, err)
	}

	// Alice's own benchmark streams until it finishes.
	c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { benchmarkProgress(id: "run-alice") { status done total } }`}})
	if m, err := c.nextFor("1"); err != nil || m.Type != "next" || !strings.Contains(string(m.Payload), `"total":2`) {
		t.Fatalf("first: %+v %v", m, err)
	}
	publish := func(topic, status string, done int) {
		hub.Publish(live.Message{Topic: topic, Owner: "alice", RunID: "run-alice", Time: time.Now(),
			Payload: live.Progress{BenchmarkID: "run-alice", Status: status, Done: done, Total: 2}})
	}
	// The subscription is live once the first message went out; the hub
	// delivers in publish order.
	publish(topicProgress, "running", 1)
	publish(topicFinished, "completed", 2)
	for _, want := range []string{`"done":1`, `"status":"completed"`} {
		m, err := c.nextFor("1")
		if err != nil || m.Type != "next" || !strings.Contains(string(m.Payload), want) {
			t.Fatalf("want %s, got %+v %v", want, m, err)
		}
	}
	if m, err := c.nextFor("1"); err != nil || m.Type != "complete" {
		t.Fatalf("want complete, got %+v %v", m, err)
	}

	// updateSettings goes through the service; a role is refused.
	admin := principal("root", "admin")
	if _, r := e.post(t, admin, `mutation { updateSettings(input: {maxRunning: 4, role: "admin"}) { maxRunning } }`, nil); len(r.Errors) == 0 {
		t.Fatal("a role was accepted")
	}
	_, r := e.post(t, admin, `mutation { updateSettings(input: {maxRunning: 4}) { maxRunning queueSize } }`, nil)
	if running, _ := mgr.Limits(); running != 4 || string(r.Data) != `{"updateSettings":{"maxRunning":4,"queueSize":10}}` {
		t.Fatalf("limits %d, answer %s %+v", running, r.Data, r.Errors)
	}
	if _, r := e.post(t, principal("alice", "user"), `mutation { updateSettings(input: {maxRunning: 9}) { maxRunning } }`, nil); r.code() != codeForbidden {
		t.Fatalf("a user changed settings: %+v", r.Errors)
	}
	_ = c.conn.Close(1000, "")
}
