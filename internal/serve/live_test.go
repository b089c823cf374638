package serve_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// statusRank orders a benchmark's states: a progress stream never goes
// back.
var statusRank = map[string]int{"queued": 0, "running": 1, "completed": 2, "failed": 2, "cancelled": 2}

// checkStream fails unless ps is the progress of one benchmark in order:
// states never go back, done never decreases, and the last is completed
// with done == total.
func checkStream(t *testing.T, ps []live.Progress, wantFirst string) {
	t.Helper()
	if len(ps) < 2 {
		t.Fatalf("%d progress messages, want the way from start to end: %+v", len(ps), ps)
	}
	if wantFirst != "" && ps[0].Status != wantFirst {
		t.Errorf("first progress %+v, want %s", ps[0], wantFirst)
	}
	for i := 1; i < len(ps); i++ {
		prev, cur := ps[i-1], ps[i]
		rank, ok := statusRank[cur.Status]
		if !ok || rank < statusRank[prev.Status] || cur.Done < prev.Done {
			t.Errorf("progress %d went back: %+v after %+v", i, cur, prev)
		}
	}
	last := ps[len(ps)-1]
	if last.Status != "completed" || last.Done != last.Total || last.Total == 0 {
		t.Errorf("last progress %+v, want completed with done == total", last)
	}
}

func wsURL(httpURL, path string) string { return "ws" + strings.TrimPrefix(httpURL, "http") + path }

// TestWebSocketProgress: a /ws client subscribed to benchmark.progress
// sees a benchmark started through REST from queued to completed.
func TestWebSocketProgress(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, k storeKind) {
		s := startServer(t, k, serverOptions{})
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
		write := func(v any) {
			b, _ := json.Marshal(v)
			if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
				t.Fatalf("write: %v", err)
			}
		}
		type message struct {
			Type    string          `json:"type"`
			Topics  []string        `json:"topics"`
			Topic   string          `json:"topic"`
			Payload json.RawMessage `json:"payload"`
			Message string          `json:"message"`
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
		write(map[string]any{"type": "Subscribe", "topics": []string{"benchmark.progress"}})
		if m := read(); m.Type != "Subscribed" || len(m.Topics) != 1 || m.Topics[0] != "benchmark.progress" {
			t.Fatalf("subscribe answered %+v", m)
		}

		b := alice.create(map[string]any{"name": "watched", "suite": inlineSuite(30), "providers": []string{"simulator:echo"}, "concurrency": 2})
		var ps []live.Progress
		for len(ps) == 0 || statusRank[ps[len(ps)-1].Status] < 2 {
			m := read()
			if m.Type != "Event" || m.Topic != "benchmark.progress" {
				t.Fatalf("unexpected message %+v", m)
			}
			var p live.Progress
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				t.Fatalf("payload %s: %v", m.Payload, err)
			}
			if p.BenchmarkID == b.ID {
				ps = append(ps, p)
			}
		}
		checkStream(t, ps, "queued")
		if ps[len(ps)-1].Total != 30 {
			t.Errorf("final progress %+v, want 30 in all", ps[len(ps)-1])
		}
		checkEachOnce(t, s.st, b.ID, 30)
		_ = conn.Close(websocket.StatusNormalClosure, "")
	})
}

// gqlClient speaks graphql-transport-ws on /graphql.
type gqlClient struct {
	t    *testing.T
	ctx  context.Context
	conn *websocket.Conn
}

type gqlMessage struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// dialGraphQL opens and initialises a graphql-transport-ws connection
// authenticated with bearer.
func dialGraphQL(ctx context.Context, t *testing.T, baseURL, bearer string) *gqlClient {
	t.Helper()
	conn, res, err := websocket.Dial(ctx, wsURL(baseURL, "/graphql"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial /graphql: %v", err)
	}
	if res.Body != nil {
		_ = res.Body.Close()
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	c := &gqlClient{t: t, ctx: ctx, conn: conn}
	c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + bearer}})
	if m := c.next(); m.Type != "connection_ack" {
		t.Fatalf("connection_init answered %+v", m)
	}
	return c
}

func (c *gqlClient) send(v any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	if err := c.conn.Write(c.ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// next reads the next message, answering pings.
func (c *gqlClient) next() gqlMessage {
	c.t.Helper()
	for {
		_, b, err := c.conn.Read(c.ctx)
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		var m gqlMessage
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("message %s: %v", b, err)
		}
		switch m.Type {
		case "ping":
			c.send(map[string]any{"type": "pong"})
		case "pong":
		default:
			return m
		}
	}
}

// progressSub subscribes to benchmarkProgress(id) and collects its
// messages until complete; errs holds the error payload when the
// subscription is refused.
func (c *gqlClient) progressSub(subID, id string) (ps []live.Progress, errs string) {
	c.t.Helper()
	c.send(map[string]any{"id": subID, "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($id: ID!) { benchmarkProgress(id: $id) { benchmarkId status done total passed failed errors } }`,
		"variables": map[string]any{"id": id},
	}})
	for {
		m := c.next()
		if m.ID != subID {
			continue
		}
		switch m.Type {
		case "next":
			var p struct {
				Data struct {
					BenchmarkProgress struct {
						BenchmarkID                         string
						Status                              string
						Done, Total, Passed, Failed, Errors int
					} `json:"benchmarkProgress"`
				} `json:"data"`
				Errors json.RawMessage `json:"errors"`
			}
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				c.t.Fatalf("next %s: %v", m.Payload, err)
			}
			if len(p.Errors) > 0 && string(p.Errors) != "null" {
				return ps, string(p.Errors)
			}
			g := p.Data.BenchmarkProgress
			ps = append(ps, live.Progress{BenchmarkID: g.BenchmarkID, Status: g.Status, Done: g.Done, Total: g.Total,
				Passed: g.Passed, Failed: g.Failed, Errors: g.Errors})
		case "error":
			return ps, string(m.Payload)
		case "complete":
			return ps, ""
		default:
			c.t.Fatalf("unexpected message %+v", m)
		}
	}
}

// graphql posts a query with bearer and returns data and errors.
func (s *testServer) graphql(bearer, query string, vars map[string]any) (data, errs json.RawMessage) {
	s.t.Helper()
	a := s.do(bearer, "POST", "/graphql", map[string]any{"query": query, "variables": vars})
	a.want(s.t, http.StatusOK)
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	a.decode(s.t, &out)
	if string(out.Errors) == "null" {
		out.Errors = nil
	}
	return out.Data, out.Errors
}

// TestGraphQLSubscriptionProgress: a benchmark created with the
// createBenchmark mutation (POST, Bearer token) streams its progress on a
// benchmarkProgress subscription until it completes.
func TestGraphQLSubscriptionProgress(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, k storeKind) {
		s := startServer(t, k, serverOptions{latency: "20ms"})
		alice := s.user("alice", "user")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		c := dialGraphQL(ctx, t, s.url, alice.bearer)

		data, errs := s.graphql(alice.bearer, `mutation($suite: JSON!) {
			createBenchmark(input: {name: "gql", suite: $suite, providers: ["simulator:echo"], concurrency: 1}) { id status }
		}`, map[string]any{"suite": inlineSuite(25)})
		if errs != nil {
			t.Fatalf("createBenchmark: %s", errs)
		}
		var created struct {
			CreateBenchmark struct{ ID, Status string } `json:"createBenchmark"`
		}
		if err := json.Unmarshal(data, &created); err != nil || created.CreateBenchmark.ID == "" || created.CreateBenchmark.Status != "queued" {
			t.Fatalf("createBenchmark answered %s (%v)", data, err)
		}
		id := created.CreateBenchmark.ID
		ps, refused := c.progressSub("1", id)
		if refused != "" {
			t.Fatalf("subscription refused: %s", refused)
		}
		checkStream(t, ps, "")
		if last := ps[len(ps)-1]; last.BenchmarkID != id || last.Total != 25 {
			t.Errorf("final progress %+v, want benchmark %s with 25 in all", last, id)
		}
		if statusRank[ps[0].Status] == 2 {
			t.Errorf("the subscription saw only the end: %+v", ps)
		}
		checkEachOnce(t, s.st, id, 25)
		_ = c.conn.Close(websocket.StatusNormalClosure, "")
	})
}
