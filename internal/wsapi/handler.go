// Package wsapi serves the /ws endpoint: live benchmark progress, metrics
// and alerts over a WebSocket (github.com/coder/websocket), with the
// messages of API.md.
//
// A connection authenticates with "Authorization: Bearer ..." on the
// upgrade or with a first message {"type":"Auth","token":"..."} within
// the init timeout (else it is closed with 4408). A bad token gets an
// Error message and close 4403 (4401 when it expired); any other message
// before authentication closes with 4401. Then {"type":"Subscribe",
// "topics":[...]} answers {"type":"Subscribed","topics":[the accepted]},
// and each refused topic an {"type":"Error","message":...} while the
// connection stays up; {"type":"Unsubscribe","topics":[...]} drops
// topics; {"type":"Ping"} answers {"type":"Pong"}; events arrive as
// {"type":"Event","topic":...,"payload":...}.
//
// Topics: benchmark.* needs benchmark.read, metrics.* and alerts.* need
// metrics.read, and "*" (every topic) is for holders of "*" only. A
// benchmark message reaches its owner and those who see everything
// (auth.Principal.Owns). Events a slow client cannot take are dropped as
// package live describes; a benchmark's final progress is kept.
//
// Browsers may connect from the server's own host and from the CORS
// allowlist, nothing else (a foreign Origin gets 403 at the upgrade). A
// message over the size limit closes with 1009. The server pings every
// PingInterval and drops a connection whose pong is late; it checks the
// principal again every RevalidateInterval and at its ExpiresAt, closing
// with 4403 (revoked) or 4401 (expired); Shutdown closes every connection
// with 1001.
package wsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/coder/websocket"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/httpmw"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// Authenticator turns a bearer token into a principal and tells whether a
// principal still holds (its token not revoked, its user enabled, its
// role unchanged). auth.Service implements it.
type Authenticator interface {
	// AuthenticateToken takes the token without the "Bearer " prefix.
	AuthenticateToken(ctx context.Context, token string) (*auth.Principal, error)
	Revalidate(ctx context.Context, p *auth.Principal) error
}

// Handler serves GET /ws. Call Shutdown when the server stops: hijacked
// connections are not closed by http.Server.Shutdown.
type Handler struct {
	hub    *live.Hub
	auth   Authenticator
	opts   Options
	accept websocket.AcceptOptions

	ctx    context.Context // cancelled by Shutdown
	cancel context.CancelFunc

	mu      sync.Mutex
	closed  bool
	perUser map[string]int
	conns   sync.WaitGroup
}

// New returns the /ws handler that streams hub's messages.
func New(hub *live.Hub, a Authenticator, opts Options) (*Handler, error) {
	if hub == nil || a == nil {
		return nil, errors.New("websocket handler: a hub and an authenticator are required")
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	patterns, err := httpmw.OriginPatterns(opts.AllowedOrigins)
	if err != nil {
		return nil, fmt.Errorf("websocket handler: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Handler{
		hub: hub, auth: a, opts: opts,
		accept:  websocket.AcceptOptions{OriginPatterns: patterns},
		ctx:     ctx,
		cancel:  cancel,
		perUser: map[string]int{},
	}, nil
}

// ServeHTTP upgrades the request and serves the connection until it ends.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	h.conns.Add(1)
	h.mu.Unlock()
	defer h.conns.Done()

	header := r.Header.Get("Authorization")
	ws, err := websocket.Accept(w, r, &h.accept)
	if err != nil {
		// Accept has answered (403 for a foreign Origin).
		h.opts.Logger.Info("websocket upgrade refused", "remote", r.RemoteAddr, "origin", r.Header.Get("Origin"), "err", err)
		return
	}
	ws.SetReadLimit(h.opts.MaxMessageBytes)
	c := &conn{h: h, ws: ws, log: h.opts.Logger.With("remote", r.RemoteAddr)}
	c.serve(h.ctx, header)
}

// Shutdown closes every connection with 1001 and refuses new ones; it
// returns when all have ended or ctx is done.
func (h *Handler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	done := make(chan struct{})
	go func() {
		h.conns.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("websocket shutdown: %w", ctx.Err())
	}
}

// acquire takes one of user's connection slots.
func (h *Handler) acquire(user string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perUser[user] >= h.opts.MaxConnectionsPerUser {
		return false
	}
	h.perUser[user]++
	return true
}

func (h *Handler) release(user string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perUser[user]--; h.perUser[user] <= 0 {
		delete(h.perUser, user)
	}
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header; ok is false for any other scheme or an empty token.
func bearerToken(header string) (token string, ok bool) {
	scheme, token, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
