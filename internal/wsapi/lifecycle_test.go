package wsapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
)

// SECURITY_TESTS 13: a revoked credential (logout, password change,
// disabled user, lowered role) closes the open connection with 4403
// within the revalidation interval.
func TestRevocationCloses(t *testing.T) {
	t.Parallel()
	const interval = 200 * time.Millisecond
	ts := newTestServer(t, Options{RevalidateInterval: interval})
	c := ts.dialAs(t, "tok-bob")
	subscribe(t, c, "benchmark.progress")
	other := ts.dialAs(t, "tok-alice")
	time.Sleep(interval + interval/2) // at least one revalidation passes
	ping(t, c)

	ts.auth.revoke("bob")
	start := time.Now()
	if m := recv(t, c); m.Type != "Error" {
		t.Fatalf("got %+v, want Error", m)
	}
	expectClose(t, c, CloseForbidden, 5*time.Second)
	if d := time.Since(start); d > 2*interval {
		t.Errorf("closed %v after the revocation, want within %v", d, interval)
	}
	ping(t, other) // another user's connection stays
}

// A credential's ExpiresAt closes the connection with 4401, and one that
// is already past it is refused.
func TestExpiryCloses(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.auth.add("tok-short", &auth.Principal{UserID: "sam", Perms: auth.Permissions{"benchmark.read"},
		ExpiresAt: time.Now().Add(300 * time.Millisecond)})
	ts.auth.add("tok-old", &auth.Principal{UserID: "old", Perms: auth.Permissions{"benchmark.read"},
		ExpiresAt: time.Now().Add(-time.Second)})

	c := ts.dialAs(t, "tok-short")
	ping(t, c)
	if m := recv(t, c); m.Type != "Error" || m.Message != "token expired" {
		t.Fatalf("got %+v, want the expiry Error", m)
	}
	expectClose(t, c, CloseUnauthorized, 5*time.Second)

	old := ts.dialAs(t, "tok-old")
	expectClose(t, old, CloseUnauthorized, 5*time.Second)
}

// A client that never answers pings is dropped after the pong timeout.
func TestPongTimeoutDrops(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{PingInterval: 50 * time.Millisecond, PongTimeout: 100 * time.Millisecond})
	live := ts.dialAs(t, "tok-alice")
	// A coder/websocket client answers pings only while it reads.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	liveDone := make(chan error, 1)
	go func() {
		_, _, err := live.Read(ctx)
		liveDone <- err
	}()
	_ = ts.dialAs(t, "tok-bob") // never reads
	waitFor(t, "two connections", func() bool { return ts.connections() == 2 })
	waitFor(t, "the silent connection to be dropped", func() bool { return ts.connections() == 1 })
	time.Sleep(300 * time.Millisecond) // several pings answered
	if ts.connections() != 1 {
		t.Error("the reading connection was dropped too")
	}
	cancel()
	<-liveDone
}

// The per-user connection cap refuses one more with 4429 and frees the
// slot when a connection ends.
func TestConnectionCapPerUser(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{MaxConnectionsPerUser: 2})
	a1 := ts.dialAs(t, "tok-alice")
	ts.dialAs(t, "tok-alice")
	waitFor(t, "two connections", func() bool { return ts.connections() == 2 })
	a3 := ts.dialAs(t, "tok-alice")
	if m := recv(t, a3); m.Type != "Error" {
		t.Fatalf("got %+v, want Error", m)
	}
	expectClose(t, a3, CloseTooManyRequests, 5*time.Second)
	ping(t, ts.dialAs(t, "tok-bob")) // another user is not affected

	if err := a1.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the slot to free", func() bool { return ts.connections() == 2 }) // alice 1 + bob 1
	ping(t, ts.dialAs(t, "tok-alice"))
}

// Shutdown closes every connection with 1001, authenticated or not, and
// refuses new ones.
func TestShutdownClosesAll(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	authed := ts.dialAs(t, "tok-alice")
	subscribe(t, authed, "benchmark.progress")
	pending := ts.dial(t, nil)
	waitFor(t, "one connection", func() bool { return ts.connections() == 1 })

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- ts.h.Shutdown(ctx)
	}()
	expectClose(t, authed, websocket.StatusGoingAway, 5*time.Second)
	expectClose(t, pending, websocket.StatusGoingAway, 5*time.Second)
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	_, status, err := ts.dialErr(http.Header{"Authorization": {"Bearer tok-alice"}})
	if status != http.StatusServiceUnavailable {
		t.Fatalf("after Shutdown: %d %v, want 503", status, err)
	}
}

// Shutdown returns when its context ends even if a connection lingers.
func TestShutdownHonoursContext(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	ts.h.conns.Add(1) // a connection that never ends
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := ts.h.Shutdown(ctx); err == nil {
		t.Error("Shutdown returned nil with a connection still open")
	}
	ts.h.conns.Done()
}

// Not GET is 405; a plain GET without the upgrade is refused by Accept.
func TestNotAnUpgrade(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		method string
		want   int
	}{{http.MethodPost, http.StatusMethodNotAllowed}, {http.MethodGet, http.StatusUpgradeRequired}} {
		req, err := http.NewRequestWithContext(t.Context(), tc.method, ts.srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := ts.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.method, resp.StatusCode, tc.want)
		}
	}
}
