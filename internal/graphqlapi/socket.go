package graphqlapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// The graphql-transport-ws close codes for authentication.
const (
	CloseUnauthorized = 4401 // the credential expired
	CloseForbidden    = 4403 // a bad credential, or one that no longer holds
	closeInternal     = 4500
)

// socketState is one socket's shared state: the close code to use instead
// of gqlgen's when this package ends the connection, and its checks.
type socketState struct {
	mu     sync.Mutex
	code   int
	reason string
	checks sync.WaitGroup
}

type socketKey struct{}

func stateOf(ctx context.Context) *socketState {
	st, _ := ctx.Value(socketKey{}).(*socketState)
	return st
}

// closeWith records the code the socket closes with.
func (st *socketState) closeWith(code int, reason string) {
	st.mu.Lock()
	st.code, st.reason = code, reason
	st.mu.Unlock()
}

func (st *socketState) override() (int, string, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.code, st.reason, st.code != 0
}

// serveSocket refuses a foreign Origin (403), then hands the upgrade to
// gqlgen with the socket's state in ctx, and waits for its checks to end.
func (h *Handler) serveSocket(w http.ResponseWriter, r *http.Request) {
	if !h.originAllowed(r) {
		problem.Error(w, http.StatusForbidden, "origin not allowed")
		return
	}
	r, ok := h.authenticate(w, r, false)
	if !ok {
		return
	}
	st := &socketState{}
	ctx, cancel := context.WithCancel(context.WithValue(r.Context(), socketKey{}, st))
	stop := context.AfterFunc(h.closing, cancel) // Close ends the socket
	defer func() {
		stop()
		cancel()
		st.checks.Wait()
	}()
	h.srv.ServeHTTP(w, r.WithContext(ctx))
}

// originAllowed accepts no Origin (not a browser), the server's own host,
// and the configured origins, exactly.
func (h *Handler) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return slices.Contains(h.origins, strings.ToLower(u.Scheme+"://"+u.Host))
}

// initSocket authenticates connection_init: a token in its Authorization
// (as "Bearer ...") or token member, or else the principal the upgrade
// request's Authorization header gave. A bad token closes 4403, an
// expired one 4401. It then checks the principal again every
// RevalidateEvery and at its expiry, closing the socket (and with it the
// subscriptions) when it no longer holds.
func (h *Handler) initSocket(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	token := payload.Authorization()
	if t, ok := strings.CutPrefix(token, "Bearer "); ok {
		token = strings.TrimSpace(t)
	}
	if token == "" {
		token = payload.GetString("token")
	}
	p := auth.FromContext(ctx)
	if token != "" {
		var err error
		if p, err = h.authn.AuthenticateToken(ctx, token); err != nil {
			if h.opts.Expired(err) {
				return transport.WithWebsocketCloseCode(ctx, CloseUnauthorized), nil, errors.New("credential expired")
			}
			return transport.WithWebsocketCloseCode(ctx, CloseForbidden), nil, errors.New("authentication failed")
		}
	}
	switch {
	case p == nil:
		return transport.WithWebsocketCloseCode(ctx, CloseForbidden), nil, errors.New("authentication required")
	case !p.ExpiresAt.IsZero() && !time.Now().Before(p.ExpiresAt):
		return transport.WithWebsocketCloseCode(ctx, CloseUnauthorized), nil, errors.New("credential expired")
	}
	st := stateOf(ctx)
	if st == nil {
		return transport.WithWebsocketCloseCode(ctx, closeInternal), nil, errors.New("internal error")
	}
	ctx, cancel := context.WithCancel(auth.WithPrincipal(ctx, p))
	st.checks.Add(1)
	go h.watch(ctx, cancel, st, p)
	return ctx, nil, nil
}

// watch closes the socket (by cancelling its ctx, with the code recorded
// in st) when p expires or fails a check.
func (h *Handler) watch(ctx context.Context, cancel context.CancelFunc, st *socketState, p *auth.Principal) {
	defer st.checks.Done()
	defer cancel()
	tick := time.NewTicker(h.opts.RevalidateEvery)
	defer tick.Stop()
	var expiry <-chan time.Time
	if !p.ExpiresAt.IsZero() {
		t := time.NewTimer(time.Until(p.ExpiresAt))
		defer t.Stop()
		expiry = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-expiry:
			st.closeWith(CloseUnauthorized, "credential expired")
			return
		case <-tick.C:
			err := h.authn.Revalidate(ctx, p)
			switch {
			case err == nil:
				continue
			case ctx.Err() != nil:
				return
			case h.opts.Expired(err):
				st.closeWith(CloseUnauthorized, "credential expired")
			default:
				st.closeWith(CloseForbidden, "credential no longer valid")
			}
			h.opts.Logger.WarnContext(ctx, "graphql socket closed: credential no longer holds",
				"user_id", p.UserID, "key_id", p.KeyID)
			return
		}
	}
}

// socketImplementation accepts sockets through coder/websocket and wraps
// them so that this package's close code wins over gqlgen's.
type socketImplementation struct {
	inner transport.WebsocketImplementation
}

func (s socketImplementation) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := s.inner.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	return &socketConn{WebsocketConn: c, st: stateOf(r.Context())}, nil
}

// socketConn replaces the close code when the socket's state has one, and
// passes the read limit and deadline through.
type socketConn struct {
	transport.WebsocketConn
	st *socketState
}

var (
	_ transport.WebsocketReadLimiter   = (*socketConn)(nil)
	_ transport.WebsocketReadDeadliner = (*socketConn)(nil)
)

func (c *socketConn) WriteClose(code int, reason string) error {
	if c.st != nil {
		if own, why, ok := c.st.override(); ok {
			code, reason = own, why
		}
	}
	return c.WebsocketConn.WriteClose(code, reason)
}

func (c *socketConn) SetReadLimit(n int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(n)
	}
}

func (c *socketConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
