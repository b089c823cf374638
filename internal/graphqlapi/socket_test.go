package graphqlapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// wsClient speaks graphql-transport-ws by hand.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func (e *env) server(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	return srv
}

// dial opens a socket; status is the HTTP status of a refused upgrade.
func dial(t *testing.T, srv *httptest.Server, header http.Header) (c *wsClient, status int, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header,
	})
	if resp != nil {
		status = resp.StatusCode
		if resp.Body != nil {
			_ = resp.Body.Close()
		}
	}
	if err != nil {
		return nil, status, err
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &wsClient{t: t, conn: conn}, status, nil
}

func (c *wsClient) send(m any) {
	c.t.Helper()
	b, _ := json.Marshal(m)
	if err := c.conn.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// next reads the next protocol message, skipping pings and keep-alives;
// err is the close error when the server closed the socket.
func (c *wsClient) next() (wsMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, b, err := c.conn.Read(ctx)
		if err != nil {
			return wsMessage{}, err
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("bad message %s: %v", b, err)
		}
		if m.Type == "ping" || m.Type == "pong" || m.Type == "ka" {
			continue
		}
		return m, nil
	}
}

// nextFor reads the next message of operation id, skipping others'.
func (c *wsClient) nextFor(id string) (wsMessage, error) {
	for {
		m, err := c.next()
		if err != nil || m.ID == id {
			return m, err
		}
	}
}

func (c *wsClient) init(payload map[string]any) {
	c.t.Helper()
	c.send(map[string]any{"type": "connection_init", "payload": payload})
	m, err := c.next()
	if err != nil || m.Type != "connection_ack" {
		c.t.Fatalf("init: %+v %v", m, err)
	}
}

// closeCode reads until the server closes and returns its code.
func (c *wsClient) closeCode() websocket.StatusCode {
	c.t.Helper()
	for {
		if _, err := c.next(); err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

func TestSubscriptionProgressUntilFinished(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs after the server and handler close
	e := newEnv(t, Options{})
	c, _, err := dial(t, e.server(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.init(map[string]any{"Authorization": "Bearer tok-alice"})
	c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription { benchmarkProgress(id: "b1") { benchmarkId status done total } }`}})
	first, err := c.next()
	if err != nil || first.Type != "next" || !strings.Contains(string(first.Payload), `"done":0`) {
		t.Fatalf("first: %+v %v", first, err)
	}
	waitFor(t, "the subscription", func() bool { return e.feed.count(topicProgress) == 1 })
	// Another benchmark's progress must not arrive, the same user's or not.
	e.feed.Publish(live.Message{Topic: topicProgress, Owner: "bob", RunID: "b2", Payload: live.Progress{BenchmarkID: "b2", Status: "running", Done: 9}})
	e.feed.Publish(live.Message{Topic: topicProgress, Owner: "alice", RunID: "b3", Payload: live.Progress{BenchmarkID: "b3", Status: "running", Done: 8}})
	for done := 1; done <= 3; done++ {
		status := "running"
		topic := topicProgress
		if done == 3 {
			status, topic = "completed", topicFinished
		}
		e.feed.Publish(live.Message{Topic: topic, Owner: "alice", RunID: "b1", Payload: live.Progress{BenchmarkID: "b1", Status: status, Done: done, Total: 3}})
		m, err := c.next()
		if err != nil || m.Type != "next" {
			t.Fatalf("progress %d: %+v %v", done, m, err)
		}
		var got struct {
			Data struct {
				BenchmarkProgress struct {
					BenchmarkID, Status string
					Done                int
				}
			}
		}
		_ = json.Unmarshal(m.Payload, &got)
		if p := got.Data.BenchmarkProgress; p.Done != done || p.BenchmarkID != "b1" || p.Status != status {
			t.Fatalf("progress %d: %s", done, m.Payload)
		}
	}
	if m, err := c.next(); err != nil || m.Type != "complete" || m.ID != "1" {
		t.Fatalf("want complete after the finish, got %+v %v", m, err)
	}
	waitFor(t, "the hub subscription to end", func() bool { return e.feed.count(topicProgress) == 0 })
	_ = c.conn.Close(websocket.StatusNormalClosure, "")
}

// TestSubscriptionAlreadyFinished: a finished benchmark sends its final
// state and completes.
func TestSubscriptionAlreadyFinished(t *testing.T) {
	e := newEnv(t, Options{})
	e.svc.setStatus("b1", "completed", 3)
	c, _, err := dial(t, e.server(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.init(map[string]any{"token": "tok-alice"})
	c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { benchmarkProgress(id: "b1") { done status } }`}})
	if m, err := c.next(); err != nil || !strings.Contains(string(m.Payload), `"status":"completed"`) {
		t.Fatalf("%+v %v", m, err)
	}
	if m, err := c.next(); err != nil || m.Type != "complete" {
		t.Fatalf("%+v %v", m, err)
	}
}

// TestSubscriptionOtherUsersBenchmark is SECURITY 19: NOT_FOUND, and no
// hub subscription is made.
func TestSubscriptionOtherUsersBenchmark(t *testing.T) {
	e := newEnv(t, Options{})
	c, _, err := dial(t, e.server(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.init(map[string]any{"Authorization": "Bearer tok-alice"})
	c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { benchmarkProgress(id: "b2") { done } }`}})
	m, err := c.next()
	if err != nil || !strings.Contains(string(m.Payload), codeNotFound) {
		t.Fatalf("want NOT_FOUND, got %+v %v", m, err)
	}
	e.feed.mu.Lock()
	made := e.feed.made[topicProgress]
	e.feed.mu.Unlock()
	if made != 0 {
		t.Fatalf("%d hub subscriptions made for a refused benchmark", made)
	}
}

// TestSubscriptionForbiddenForRole: a viewer may not stream metrics.
func TestSubscriptionForbiddenForRole(t *testing.T) {
	e := newEnv(t, Options{})
	c, _, err := dial(t, e.server(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.init(map[string]any{"token": "tok-viewer"})
	c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { metricsStream { topic } }`}})
	m, err := c.next()
	if err != nil || !strings.Contains(string(m.Payload), codeForbidden) {
		t.Fatalf("want FORBIDDEN, got %+v %v", m, err)
	}
}

func TestMetricsStreamAndQuery(t *testing.T) {
	e := newEnv(t, Options{})
	c, _, err := dial(t, e.server(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.init(map[string]any{"token": "tok-admin"})
	c.send(map[string]any{"id": "m", "type": "subscribe", "payload": map[string]any{"query": `subscription { metricsStream { topic payload } }`}})
	waitFor(t, "the stream", func() bool { return e.feed.count("metrics.latency_ms") == 2 })
	e.feed.Publish(live.Message{Topic: "alerts.critical", Payload: map[string]any{"x": 1}})
	e.feed.Publish(live.Message{Topic: "metrics.latency_ms", Time: time.Now(), Payload: map[string]any{"value": 12.5, "labels": map[string]string{"provider": "openai"}}})
	m, err := c.next()
	if err != nil || !strings.Contains(string(m.Payload), `"topic":"metrics.latency_ms"`) || !strings.Contains(string(m.Payload), `12.5`) {
		t.Fatalf("%+v %v", m, err)
	}
	admin := principal("root", "admin")
	waitFor(t, "the board", func() bool { return len(e.h.metrics.snapshot(admin, nil)) == 1 })
	_, r := e.post(t, admin, `{ metrics(labels: [{name: "provider", value: "openai"}]) { name value labels { name value } } }`, nil)
	if len(r.Errors) != 0 || !strings.Contains(string(r.Data), `"value":12.5`) {
		t.Fatalf("%s %+v", r.Data, r.Errors)
	}
	_, r = e.post(t, admin, `{ metrics(labels: [{name: "provider", value: "other"}]) { name } }`, nil)
	if string(r.Data) != `{"metrics":[]}` {
		t.Fatalf("label filter: %s", r.Data)
	}
}

// TestSocketAuth: the close codes of SECURITY 13 and 26 for /graphql.
func TestSocketAuth(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload map[string]any
		want    websocket.StatusCode
	}{
		{"bad token", map[string]any{"Authorization": "Bearer nope"}, CloseForbidden},
		{"no token", map[string]any{}, CloseForbidden},
		{"expired token", map[string]any{"token": "expired"}, CloseUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			c, _, err := dial(t, e.server(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			c.send(map[string]any{"type": "connection_init", "payload": tc.payload})
			if got := c.closeCode(); got != tc.want {
				t.Fatalf("close code %d, want %d", got, tc.want)
			}
		})
	}
}

// TestSocketRevalidation is SECURITY 13: once the principal no longer
// holds, the open subscription's socket closes 4403 (4401 when expired).
func TestSocketRevalidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want websocket.StatusCode
	}{
		{"role lowered", errors.New("role changed"), CloseForbidden},
		{"expired", errExpired, CloseUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{RevalidateEvery: 20 * time.Millisecond})
			c, _, err := dial(t, e.server(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			c.init(map[string]any{"token": "tok-alice"})
			c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { benchmarkProgress(id: "b1") { done } }`}})
			if m, err := c.next(); err != nil || m.Type != "next" {
				t.Fatalf("%+v %v", m, err)
			}
			e.auth.revoke("alice", tc.err)
			if got := c.closeCode(); got != tc.want {
				t.Fatalf("close code %d, want %d", got, tc.want)
			}
			waitFor(t, "the hub subscription to end", func() bool { return e.feed.count(topicProgress) == 0 })
		})
	}
}

// TestSocketCredentialExpiry: the socket closes 4401 when the token's
// lifetime ends, with no revalidation needed.
func TestSocketCredentialExpiry(t *testing.T) {
	e := newEnv(t, Options{})
	p := principal("alice", "user")
	p.ExpiresAt = time.Now().Add(150 * time.Millisecond)
	e.auth.tokens["short"] = p
	c, _, err := dial(t, e.server(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.init(map[string]any{"token": "short"})
	if got := c.closeCode(); got != CloseUnauthorized {
		t.Fatalf("close code %d, want 4401", got)
	}
}

// TestSocketOrigin is SECURITY 26 for /graphql: a foreign Origin is 403 at
// the upgrade; a configured one is accepted.
func TestSocketOrigin(t *testing.T) {
	e := newEnv(t, Options{AllowedOrigins: []string{"https://app.example.com", "http://[::1]:8080", "*"}})
	srv := e.server(t)
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"https://evil.example.com", false},
		{"https://app.example.com.evil.com", false},
		{"null", false},
		{"https://app.example.com", true},
		{"http://[::1]:8080", true}, // brackets are path.Match syntax: escaped
		{"", true},
	} {
		h := http.Header{}
		if tc.origin != "" {
			h.Set("Origin", tc.origin)
		}
		_, status, err := dial(t, srv, h)
		if tc.ok && err != nil {
			t.Errorf("origin %q refused: %v", tc.origin, err)
		}
		if !tc.ok && (err == nil || status != http.StatusForbidden) {
			t.Errorf("origin %q: want 403, got %v", tc.origin, err)
		}
	}
}

// TestSocketReadLimit: a 2 MB message closes the socket (SECURITY 26).
func TestSocketReadLimit(t *testing.T) {
	e := newEnv(t, Options{})
	c, _, err := dial(t, e.server(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.init(map[string]any{"token": "tok-alice"})
	_ = c.conn.Write(context.Background(), websocket.MessageText, []byte(`{"type":"subscribe","id":"1","payload":{"query":"`+strings.Repeat("a", 2<<20)+`"}}`))
	if got := c.closeCode(); got != websocket.StatusMessageTooBig {
		t.Fatalf("close code %d, want %d", got, websocket.StatusMessageTooBig)
	}
}

// TestCloseEndsSockets: Close ends open sockets, which http.Server's
// Shutdown does not (they are hijacked connections).
func TestCloseEndsSockets(t *testing.T) {
	e := newEnv(t, Options{})
	c, _, err := dial(t, e.server(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.init(map[string]any{"token": "tok-alice"})
	e.h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for {
		if _, _, err := c.conn.Read(ctx); err != nil {
			if ctx.Err() != nil {
				t.Fatal("the socket is still open 2 s after Close")
			}
			return
		}
	}
}
