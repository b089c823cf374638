package wsapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// expiredError is what the fake answers for an expired token.
type expiredError struct{}

func (expiredError) Error() string { return "token expired" }
func (expiredError) Expired() bool { return true }

// fakeAuth knows a few tokens; revoked users fail revalidation.
type fakeAuth struct {
	mu       sync.Mutex
	tokens   map[string]*auth.Principal
	revoked  map[string]bool
	revalids int
}

func newFakeAuth() *fakeAuth {
	return &fakeAuth{
		tokens: map[string]*auth.Principal{
			"tok-alice": {UserID: "alice", Role: "user", Perms: auth.Permissions{"benchmark.read", "benchmark.create"}},
			"tok-bob":   {UserID: "bob", Role: "user", Perms: auth.Permissions{"benchmark.read", "metrics.read"}},
			"tok-admin": {UserID: "root", Role: "admin", Perms: auth.Permissions{"*"}},
			"tok-view":  {UserID: "vera", Role: "viewer", Perms: auth.Permissions{"results.read"}},
		},
		revoked: map[string]bool{},
	}
}

func (f *fakeAuth) AuthenticateToken(_ context.Context, token string) (*auth.Principal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if token == "tok-expired" {
		return nil, expiredError{}
	}
	p, ok := f.tokens[token]
	if !ok {
		return nil, errors.New("invalid token")
	}
	cp := *p
	return &cp, nil
}

func (f *fakeAuth) Revalidate(_ context.Context, p *auth.Principal) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.revalids++
	if f.revoked[p.UserID] {
		return errors.New("token revoked")
	}
	return nil
}

func (f *fakeAuth) revoke(user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.revoked[user] = true
}

func (f *fakeAuth) add(token string, p *auth.Principal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens[token] = p
}

type testServer struct {
	hub  *live.Hub
	auth *fakeAuth
	h    *Handler
	srv  *httptest.Server
	url  string
}

// newTestServer serves /ws with short timers; opts' zero fields get
// test-friendly values.
func newTestServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	orDefault(&opts.InitTimeout, 2*time.Second)
	orDefault(&opts.PingInterval, time.Minute)
	orDefault(&opts.PongTimeout, time.Minute)
	orDefault(&opts.RevalidateInterval, time.Minute)
	ts := &testServer{hub: live.NewHub(), auth: newFakeAuth()}
	h, err := New(ts.hub, ts.auth, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts.h = h
	ts.srv = httptest.NewServer(h)
	ts.url = "ws" + strings.TrimPrefix(ts.srv.URL, "http")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		ts.srv.Close()
		ts.hub.Close()
	})
	return ts
}

// dial connects with the given headers; the connection is dropped at the
// end of the test.
func (ts *testServer) dial(t *testing.T, header http.Header) *websocket.Conn {
	t.Helper()
	c, status, err := ts.dialErr(header)
	if err != nil {
		t.Fatalf("dial: %v (status %d)", err, status)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

// dialErr connects and returns the upgrade's HTTP status (0 when none
// came).
func (ts *testServer) dialErr(header http.Header) (*websocket.Conn, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, ts.url, &websocket.DialOptions{HTTPHeader: header})
	status := 0
	if resp != nil {
		status = resp.StatusCode
		if resp.Body != nil {
			_ = resp.Body.Close()
		}
	}
	return c, status, err
}

// dialAs connects and authenticates with the Authorization header.
func (ts *testServer) dialAs(t *testing.T, token string) *websocket.Conn {
	t.Helper()
	return ts.dial(t, http.Header{"Authorization": {"Bearer " + token}})
}

func send(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, data); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// received is a server message as a client decodes it.
type received struct {
	Type    string          `json:"type"`
	Topics  []string        `json:"topics"`
	Topic   string          `json:"topic"`
	Payload json.RawMessage `json:"payload"`
	Message string          `json:"message"`
}

func recv(t *testing.T, c *websocket.Conn) received {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, data, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var m received
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return m
}

// expectClose reads until the connection closes and checks its status.
func expectClose(t *testing.T, c *websocket.Conn, want websocket.StatusCode, within time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		_, data, err := c.Read(ctx)
		if err == nil {
			continue // messages before the close (an Error) are checked elsewhere
		}
		if got := websocket.CloseStatus(err); got != want {
			t.Fatalf("closed with %v (%v), want %v; last data %s", got, err, want, data)
		}
		return
	}
}

// ping sends Ping and waits for Pong, so every earlier message has been
// handled.
func ping(t *testing.T, c *websocket.Conn) {
	t.Helper()
	send(t, c, map[string]string{"type": "Ping"})
	if m := recv(t, c); m.Type != "Pong" {
		t.Fatalf("got %+v, want Pong", m)
	}
}

func subscribe(t *testing.T, c *websocket.Conn, topics ...string) received {
	t.Helper()
	send(t, c, map[string]any{"type": "Subscribe", "topics": topics})
	return recv(t, c)
}

// connections counts the handler's open, authenticated connections.
func (ts *testServer) connections() int {
	ts.h.mu.Lock()
	defer ts.h.mu.Unlock()
	n := 0
	for _, v := range ts.h.perUser {
		n += v
	}
	return n
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
