package wsapi

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

func progressMsg(owner, run string, done int) live.Message {
	return live.Message{Topic: "benchmark.progress", Owner: owner, RunID: run,
		Payload: live.Progress{BenchmarkID: run, Status: "running", Done: done, Total: 10}}
}

// nextEvent reads the next message, which must be an Event, and returns
// "topic benchmark_id done" or "topic payload".
func nextEvent(t *testing.T, c *websocket.Conn) string {
	t.Helper()
	m := recv(t, c)
	if m.Type != "Event" {
		t.Fatalf("got %+v, want an Event", m)
	}
	var p live.Progress
	if json.Unmarshal(m.Payload, &p) == nil && p.BenchmarkID != "" {
		return m.Topic + " " + p.BenchmarkID + " " + strconv.Itoa(p.Done)
	}
	return m.Topic + " " + string(m.Payload)
}

// Subscribe, receive, unsubscribe, ping, with Auth as the first message.
func TestSubscribeReceiveUnsubscribe(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	c := ts.dial(t, nil)
	send(t, c, map[string]string{"type": "Auth", "token": "tok-bob"})
	got := subscribe(t, c, "benchmark.progress", "metrics.*", "metrics.*")
	if diff := cmp.Diff(received{Type: "Subscribed", Topics: []string{"benchmark.progress", "metrics.*"}}, got); diff != "" {
		t.Fatalf("Subscribed (-want +got):\n%s", diff)
	}

	ts.hub.Publish(progressMsg("bob", "r1", 3))
	ts.hub.Publish(live.Message{Topic: "metrics.latency", Payload: 12})
	ts.hub.Publish(live.Message{Topic: "alerts.critical", Payload: "not subscribed"})
	ts.hub.Publish(live.Message{Topic: "metrics.cost", Payload: 7})
	want := []string{"benchmark.progress r1 3", "metrics.latency 12", "metrics.cost 7"}
	var events []string
	for range want {
		events = append(events, nextEvent(t, c))
	}
	if diff := cmp.Diff(want, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	send(t, c, map[string]any{"type": "Unsubscribe", "topics": []string{"metrics.*", "never.subscribed"}})
	ping(t, c) // the Unsubscribe has been handled
	ts.hub.Publish(live.Message{Topic: "metrics.latency", Payload: 99})
	ts.hub.Publish(progressMsg("bob", "r1", 4))
	if got := nextEvent(t, c); got != "benchmark.progress r1 4" {
		t.Errorf("after Unsubscribe got %q", got)
	}
}

// The raw JSON of an event is API.md's shape.
func TestEventShape(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	c := ts.dialAs(t, "tok-alice")
	subscribe(t, c, "benchmark.progress")
	ts.hub.Publish(progressMsg("alice", "r9", 2))
	_, data, err := c.Read(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"Event","topic":"benchmark.progress","payload":{"benchmark_id":"r9","status":"running","done":2,"total":10,"passed":0,"failed":0,"errors":0,"cost_usd":0}}`
	if string(data) != want {
		t.Errorf("event\n got %s\nwant %s", data, want)
	}
}

// A refused topic answers an Error and the connection stays up; the
// allowed topics of the same message are subscribed.
func TestTopicRefusedKeepsConnection(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		name, token string
		topics      []string
		subscribed  []string
		errors      int
	}{
		{"no metrics.read", "tok-alice", []string{"metrics.*", "benchmark.progress", "alerts.critical"}, []string{"benchmark.progress"}, 2},
		{"viewer", "tok-view", []string{"benchmark.progress"}, nil, 1},
		{"star for a user", "tok-bob", []string{"*"}, nil, 1},
		{"star for an admin", "tok-admin", []string{"*"}, []string{"*"}, 0},
		{"unknown topic", "tok-admin", []string{"secrets.all", "benchmark.*"}, []string{"benchmark.*"}, 1},
		{"bad pattern", "tok-bob", []string{"metrics.*.x", strings.Repeat("y", 5000)}, nil, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := ts.dialAs(t, tc.token)
			send(t, c, map[string]any{"type": "Subscribe", "topics": tc.topics})
			for range tc.errors {
				if m := recv(t, c); m.Type != "Error" || m.Message == "" || len(m.Message) > 200 {
					t.Fatalf("got %+v, want a short Error", m)
				}
			}
			if tc.subscribed != nil {
				if m := recv(t, c); m.Type != "Subscribed" || !cmp.Equal(m.Topics, tc.subscribed) {
					t.Fatalf("got %+v, want Subscribed %v", m, tc.subscribed)
				}
			}
			ping(t, c)
		})
	}
}

// Other malformed messages after Auth answer an Error and keep the
// connection.
func TestMalformedMessagesKeepConnection(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	c := ts.dialAs(t, "tok-bob")
	for _, msg := range []string{`not json`, `{"type":"Dance"}`, `{"type":"Auth","token":"tok-bob"}`, `{"type":"Subscribe"}`} {
		if err := c.Write(t.Context(), websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		if m := recv(t, c); m.Type != "Error" {
			t.Fatalf("%s: got %+v, want Error", msg, m)
		}
	}
	if err := c.Write(t.Context(), websocket.MessageBinary, []byte(`{"type":"Ping"}`)); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, c); m.Type != "Error" {
		t.Fatalf("binary: got %+v, want Error", m)
	}
	ping(t, c)
}

// A user sees the benchmark messages they own and unowned ones; an admin
// sees everyone's.
func TestOwnershipFiltering(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	alice := ts.dialAs(t, "tok-alice")
	bob := ts.dialAs(t, "tok-bob")
	admin := ts.dialAs(t, "tok-admin")
	for _, c := range []*websocket.Conn{alice, bob, admin} {
		subscribe(t, c, "benchmark.*")
	}
	ts.hub.Publish(progressMsg("bob", "rb", 1))
	ts.hub.Publish(progressMsg("alice", "ra", 2))
	ts.hub.Publish(progressMsg("", "rx", 3))
	ts.hub.Publish(live.Message{Topic: "benchmark.finished", Owner: "bob", RunID: "rb", Payload: "done"})
	for _, tc := range []struct {
		name string
		c    *websocket.Conn
		want []string
	}{
		{"alice", alice, []string{"benchmark.progress ra 2", "benchmark.progress rx 3"}},
		{"bob", bob, []string{"benchmark.progress rb 1", "benchmark.progress rx 3", `benchmark.finished "done"`}},
		{"admin", admin, []string{"benchmark.progress rb 1", "benchmark.progress ra 2", "benchmark.progress rx 3", `benchmark.finished "done"`}},
	} {
		var got []string
		for range tc.want {
			got = append(got, nextEvent(t, tc.c))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
		ping(t, tc.c) // and nothing else was queued before the Pong
	}
}

// The per-connection subscription cap refuses more topics with an Error.
func TestSubscriptionCap(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{MaxSubscriptions: 2})
	c := ts.dialAs(t, "tok-bob")
	if m := subscribe(t, c, "metrics.a", "metrics.b"); m.Type != "Subscribed" {
		t.Fatalf("got %+v", m)
	}
	if m := subscribe(t, c, "metrics.c"); m.Type != "Error" || !strings.Contains(m.Message, "at most 2") {
		t.Fatalf("got %+v, want the cap's Error", m)
	}
	if m := subscribe(t, c, "metrics.a", "metrics.b", "metrics.c"); m.Type != "Error" {
		t.Fatalf("three topics in one message: got %+v, want Error", m)
	}
	if m := subscribe(t, c, "metrics.a"); m.Type != "Subscribed" {
		t.Fatalf("resubscribing a held topic: got %+v", m)
	}
	send(t, c, map[string]any{"type": "Unsubscribe", "topics": []string{"metrics.a"}})
	if m := subscribe(t, c, "metrics.c"); m.Type != "Subscribed" {
		t.Fatalf("after Unsubscribe: got %+v", m)
	}
}
