package serve_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/llm-test-bench/llm-test-bench/internal/alerts"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// TestAlertsThroughTheServer: the server's alert rules watch a benchmark
// submitted through REST; the alert reaches a WebSocket client subscribed
// to alerts.*, GET /alerts lists it firing, and stopping the server
// resolves it in the store. GraphQL's alertsStream sees it too.
func TestAlertsThroughTheServer(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, k storeKind) {
		s := startServer(t, k, serverOptions{monitoring: func(m *config.Monitoring) {
			m.AlertRules = []config.AlertRule{{Name: "traffic", Condition: "requests_per_minute > 0 over 1m", Severity: "info"}}
			m.AlertInterval = 50 * time.Millisecond
		}})
		admin := s.user("root", "admin")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		// GraphQL first: its subscribe has no answer, and the WebSocket
		// round trips below leave it time to be in place.
		gql := dialGraphQL(ctx, t, s.url, admin.bearer)
		gql.send(map[string]any{"id": "a", "type": "subscribe", "payload": map[string]any{
			"query": `subscription { alertsStream { topic payload } }`}})
		conn, res, err := websocket.Dial(ctx, wsURL(s.url, "/ws"), &websocket.DialOptions{
			HTTPHeader: http.Header{"Authorization": {"Bearer " + admin.bearer}},
		})
		if err != nil {
			t.Fatalf("dial /ws: %v", err)
		}
		if res.Body != nil {
			_ = res.Body.Close()
		}
		defer conn.CloseNow()
		type message struct {
			Type    string              `json:"type"`
			Topic   string              `json:"topic"`
			Payload alerts.Notification `json:"payload"`
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
		b, _ := json.Marshal(map[string]any{"type": "Subscribe", "topics": []string{"alerts.*"}})
		if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
		if m := read(); m.Type != "Subscribed" {
			t.Fatalf("subscribe answered %+v", m)
		}
		bm := admin.create(map[string]any{"name": "watched", "suite": inlineSuite(30), "providers": []string{"simulator:echo"}, "concurrency": 2})
		m := read()
		if m.Type != "Event" || m.Topic != alerts.TopicTriggered || m.Payload.Alert.Rule != "traffic" || m.Payload.Status != alerts.StatusFiring {
			t.Fatalf("message %+v, want the alert firing", m)
		}
		g := gql.next()
		var gp struct {
			Data struct {
				AlertsStream struct {
					Topic   string              `json:"topic"`
					Payload alerts.Notification `json:"payload"`
				} `json:"alertsStream"`
			} `json:"data"`
		}
		if err := json.Unmarshal(g.Payload, &gp); err != nil || g.Type != "next" ||
			gp.Data.AlertsStream.Topic != alerts.TopicTriggered || gp.Data.AlertsStream.Payload.Alert.ID != m.Payload.Alert.ID {
			t.Fatalf("alertsStream sent %+v %s (%v), want the alert firing", g, g.Payload, err)
		}
		_ = gql.conn.Close(websocket.StatusNormalClosure, "")
		admin.finished(bm.ID)

		a := admin.do("GET", "/api/v1/alerts?state=firing", nil)
		a.want(t, http.StatusOK)
		var page api.Page[store.Alert]
		a.decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != m.Payload.Alert.ID || page.Items[0].RunID != "" {
			t.Fatalf("GET /alerts?state=firing = %s", a.body)
		}
		if a := s.user("alice", "user").do("GET", "/api/v1/alerts", nil); a.status != http.StatusForbidden {
			t.Errorf("a user without metrics.read: %d, want 403", a.status)
		}
		_ = conn.Close(websocket.StatusNormalClosure, "")
		if err := s.stop(); err != nil {
			t.Fatal(err)
		}
		left, _, err := s.st.ListAlerts(context.Background(), store.AlertQuery{})
		if err != nil || len(left) != 1 || left[0].ResolvedAt == nil {
			t.Fatalf("after the server stopped: %+v, %v; want the alert resolved", left, err)
		}
	})
}
