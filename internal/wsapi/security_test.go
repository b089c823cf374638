package wsapi

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// SECURITY_TESTS 26: a foreign Origin gets 403 at the upgrade; the
// server's own host and the CORS allowlist are let in.
func TestOriginCheckedAtUpgrade(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{AllowedOrigins: []string{"https://app.example.com", "*"}})
	for _, tc := range []struct {
		origin string
		want   int
	}{
		{"https://evil.example.com", http.StatusForbidden},
		{"null", http.StatusForbidden},
		{"http://app.example.com", http.StatusForbidden}, // scheme matters
		{"https://app.example.com.evil.net", http.StatusForbidden},
		{"https://app.example.com", http.StatusSwitchingProtocols},
		{"HTTPS://APP.EXAMPLE.COM", http.StatusSwitchingProtocols},
		{ts.srv.URL, http.StatusSwitchingProtocols}, // same host
		{"", http.StatusSwitchingProtocols},         // not a browser
	} {
		t.Run(tc.origin, func(t *testing.T) {
			t.Parallel()
			h := http.Header{"Authorization": {"Bearer tok-alice"}}
			if tc.origin != "" {
				h.Set("Origin", tc.origin)
			}
			c, status, err := ts.dialErr(h)
			if status != tc.want {
				t.Fatalf("status %d, want %d (%v)", status, tc.want, err)
			}
			if c != nil {
				ping(t, c)
				_ = c.Close(websocket.StatusNormalClosure, "")
			}
		})
	}
}

// SECURITY_TESTS 26: no authentication within the init timeout closes
// the connection.
func TestNoAuthWithinInitTimeout(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{InitTimeout: 150 * time.Millisecond})
	c := ts.dial(t, nil)
	start := time.Now()
	expectClose(t, c, CloseInitTimeout, 5*time.Second)
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("closed after %v, before the init timeout", d)
	}
}

// SECURITY_TESTS 26: a bad token gets an Error and close 4403 (4401 when
// it expired), by message or by header.
func TestBadToken(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		name, header, token string
		want                websocket.StatusCode
	}{
		{name: "message", token: "tok-forged", want: CloseForbidden},
		{name: "empty message token", token: "", want: CloseForbidden},
		{name: "expired message token", token: "tok-expired", want: CloseUnauthorized},
		{name: "header", header: "Bearer tok-forged", want: CloseForbidden},
		{name: "header without scheme", header: "tok-alice", want: CloseForbidden},
		{name: "basic header", header: "Basic YWxpY2U6cHc=", want: CloseForbidden},
		{name: "expired header", header: "Bearer tok-expired", want: CloseUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var h http.Header
			if tc.header != "" {
				h = http.Header{"Authorization": {tc.header}}
			}
			c := ts.dial(t, h)
			if tc.header == "" {
				send(t, c, map[string]string{"type": "Auth", "token": tc.token})
			}
			m := recv(t, c)
			if m.Type != "Error" || strings.Contains(m.Message, "tok-") {
				t.Errorf("got %+v, want an Error that does not repeat the token", m)
			}
			expectClose(t, c, tc.want, 5*time.Second)
		})
	}
}

// SECURITY_TESTS 26: Subscribe (or anything else) before Auth closes
// with 4401.
func TestSubscribeBeforeAuth(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	for _, first := range []string{
		`{"type":"Subscribe","topics":["benchmark.progress"]}`,
		`{"type":"Ping"}`,
		`not json`,
	} {
		t.Run(first, func(t *testing.T) {
			t.Parallel()
			c := ts.dial(t, nil)
			if err := c.Write(t.Context(), websocket.MessageText, []byte(first)); err != nil {
				t.Fatal(err)
			}
			expectClose(t, c, CloseUnauthorized, 5*time.Second)
		})
	}
}

// SECURITY_TESTS 26: a 2 MB message closes the connection (1009) under
// max_message_size_mb = 1, before and after authentication.
func TestOversizedMessage(t *testing.T) {
	t.Parallel()
	cfg := config.Default().Server
	cfg.Websocket.MaxMessageSizeMB = 1
	opts := FromConfig(cfg)
	opts.PingInterval, opts.PongTimeout, opts.RevalidateInterval = time.Minute, time.Minute, time.Minute
	ts := newTestServer(t, opts)
	big := `{"type":"Auth","token":"` + strings.Repeat("x", 2<<20) + `"}`
	for _, header := range []string{"", "Bearer tok-alice"} {
		t.Run("auth="+header, func(t *testing.T) {
			t.Parallel()
			var h http.Header
			if header != "" {
				h = http.Header{"Authorization": {header}}
			}
			c := ts.dial(t, h)
			// The server may close while the client is still writing.
			_ = c.Write(t.Context(), websocket.MessageText, []byte(big))
			expectClose(t, c, websocket.StatusMessageTooBig, 5*time.Second)
		})
	}
	// Just under the limit is a message like any other.
	c := ts.dialAs(t, "tok-alice")
	send(t, c, map[string]string{"type": "Ping", "pad": strings.Repeat("x", 1<<20-64)})
	if m := recv(t, c); m.Type != "Pong" {
		t.Fatalf("got %+v, want Pong", m)
	}
}
