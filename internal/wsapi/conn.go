package wsapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// closeNow is the pseudo status of a connection that is dropped without a
// close handshake: the peer is gone, unresponsive, or already closed it.
const closeNow websocket.StatusCode = -1

// authTimeout bounds one call to the Authenticator.
const authTimeout = 10 * time.Second

// conn is one client connection. Everything but reading and pinging runs
// in serve's goroutine, which is the only writer of data messages.
type conn struct {
	h   *Handler
	ws  *websocket.Conn
	log *slog.Logger

	p      *auth.Principal
	sub    *live.Subscription
	topics []string
	reval  *time.Ticker
	expiry *time.Timer
}

type readResult struct {
	typ  websocket.MessageType
	data []byte
	err  error
}

// end says how a connection closes.
type end struct {
	code   websocket.StatusCode
	reason string
}

// serve runs the connection until it closes. header is the upgrade's
// Authorization header, "" when absent.
func (c *conn) serve(ctx context.Context, header string) {
	// Reading must not stop at shutdown (a cancelled read drops the
	// connection without a close frame), so it has its own context.
	readCtx, stopRead := context.WithCancel(context.WithoutCancel(ctx))
	var bg sync.WaitGroup
	in := make(chan readResult)
	pongLost := make(chan error, 1)
	bg.Go(func() { c.readLoop(readCtx, in) })
	bg.Go(func() { c.pingLoop(readCtx, pongLost) })

	e := c.loop(ctx, header, in, pongLost)
	if e.code == closeNow {
		_ = c.ws.CloseNow()
	} else {
		_ = c.ws.Close(e.code, e.reason)
	}
	stopRead()
	bg.Wait()
	if c.sub != nil {
		c.sub.Close()
		c.h.release(c.p.UserID)
		c.log.Info("websocket closed", "user", c.p.UserID, "code", int(e.code), "reason", e.reason, "dropped", c.sub.Dropped())
		c.reval.Stop()
		if c.expiry != nil {
			c.expiry.Stop()
		}
	}
}

func (c *conn) loop(ctx context.Context, header string, in <-chan readResult, pongLost <-chan error) end {
	initTimer := time.NewTimer(c.h.opts.InitTimeout)
	defer initTimer.Stop()
	if header != "" {
		token, _ := bearerToken(header)
		if e, ok := c.authenticate(ctx, token); !ok {
			return e
		}
	}
	for {
		var initC <-chan time.Time
		if c.p == nil {
			initC = initTimer.C
		}
		select {
		case <-ctx.Done():
			return end{websocket.StatusGoingAway, "server shutting down"}
		case <-initC:
			c.log.Info("websocket authentication timeout")
			return end{CloseInitTimeout, "authentication timeout"}
		case err := <-pongLost:
			c.log.Info("websocket pong timeout", "err", err)
			return end{code: closeNow}
		case r := <-in:
			if r.err != nil {
				return end{code: closeNow}
			}
			if e, ok := c.handle(ctx, r); !ok {
				return e
			}
		case m, ok := <-c.events():
			if !ok {
				return end{websocket.StatusGoingAway, "server shutting down"}
			}
			if err := c.sendEvent(m); err != nil {
				return end{code: closeNow}
			}
		case <-c.revalidateC():
			if e, ok := c.revalidate(ctx); !ok {
				return e
			}
		case <-c.expiryC():
			_ = c.send(serverMessage{Type: typeError, Message: "token expired"})
			return end{CloseUnauthorized, "token expired"}
		}
	}
}

func (c *conn) events() <-chan live.Message {
	if c.sub == nil {
		return nil
	}
	return c.sub.C()
}

func (c *conn) revalidateC() <-chan time.Time {
	if c.reval == nil {
		return nil
	}
	return c.reval.C
}

func (c *conn) expiryC() <-chan time.Time {
	if c.expiry == nil {
		return nil
	}
	return c.expiry.C
}

// handle answers one client message; ok is false when the connection
// must close.
func (c *conn) handle(ctx context.Context, r readResult) (end, bool) {
	m, err := parseClientMessage(r.data)
	if c.p == nil {
		if err != nil || r.typ != websocket.MessageText || m.Type != typeAuth {
			return end{CloseUnauthorized, "authenticate first"}, false
		}
		return c.authenticate(ctx, m.Token)
	}
	var reply error
	switch {
	case err != nil || r.typ != websocket.MessageText:
		reply = c.send(serverMessage{Type: typeError, Message: "want a JSON text message with a type"})
	case m.Type == typeSubscribe:
		reply = c.subscribe(m.Topics)
	case m.Type == typeUnsubscribe:
		reply = c.unsubscribe(m.Topics)
	case m.Type == typePing:
		reply = c.send(serverMessage{Type: typePong})
	case m.Type == typeAuth:
		reply = c.send(serverMessage{Type: typeError, Message: "already authenticated"})
	default:
		reply = c.send(serverMessage{Type: typeError, Message: "unknown message type " + quoteShort(m.Type)})
	}
	if reply != nil {
		return end{code: closeNow}, false
	}
	return end{}, true
}

// authenticate checks token and, when it holds, starts the connection's
// subscription and its revalidation.
func (c *conn) authenticate(ctx context.Context, token string) (end, bool) {
	var p *auth.Principal
	err := errors.New("no bearer token")
	if token != "" {
		actx, cancel := context.WithTimeout(ctx, authTimeout)
		p, err = c.h.auth.AuthenticateToken(actx, token)
		cancel()
	}
	switch {
	case ctx.Err() != nil:
		return end{websocket.StatusGoingAway, "server shutting down"}, false
	case err == nil && p == nil:
		err = errors.New("no principal")
	case err == nil && expired(p):
		err = errors.New("credential expired")
		c.log.Info("websocket authentication failed", "err", err, "user", p.UserID)
		_ = c.send(serverMessage{Type: typeError, Message: "token expired"})
		return end{CloseUnauthorized, "token expired"}, false
	}
	if err != nil {
		e := end{CloseForbidden, "authentication failed"}
		if c.h.opts.IsExpired(err) {
			e = end{CloseUnauthorized, "token expired"}
		}
		c.log.Info("websocket authentication failed", "err", err)
		_ = c.send(serverMessage{Type: typeError, Message: e.reason})
		return e, false
	}
	if !c.h.acquire(p.UserID) {
		c.log.Info("websocket connection limit", "user", p.UserID)
		_ = c.send(serverMessage{Type: typeError, Message: "too many connections"})
		return end{CloseTooManyRequests, "too many connections"}, false
	}
	sub, err := c.h.hub.Subscribe(nil, c.h.opts.Buffer, visibleTo(p))
	if err != nil {
		c.h.release(p.UserID)
		return end{websocket.StatusGoingAway, "server shutting down"}, false
	}
	c.p, c.sub = p, sub
	c.log = c.log.With("user", p.UserID)
	c.reval = time.NewTicker(c.h.opts.RevalidateInterval)
	if !p.ExpiresAt.IsZero() {
		c.expiry = time.NewTimer(time.Until(p.ExpiresAt))
	}
	return end{}, true
}

func expired(p *auth.Principal) bool {
	return !p.ExpiresAt.IsZero() && !time.Now().Before(p.ExpiresAt)
}

// revalidate checks the principal again; a failure closes the connection
// (fail closed, whatever the cause).
func (c *conn) revalidate(ctx context.Context) (end, bool) {
	rctx, cancel := context.WithTimeout(ctx, c.h.opts.RevalidateInterval)
	err := c.h.auth.Revalidate(rctx, c.p)
	cancel()
	switch {
	case ctx.Err() != nil:
		return end{websocket.StatusGoingAway, "server shutting down"}, false
	case err == nil:
		return end{}, true
	}
	e := end{CloseForbidden, "credential revoked"}
	if c.h.opts.IsExpired(err) {
		e = end{CloseUnauthorized, "token expired"}
	}
	c.log.Info("websocket credential no longer valid", "err", err)
	_ = c.send(serverMessage{Type: typeError, Message: e.reason})
	return e, false
}

// subscribe adds the topics the principal may read and answers an Error
// for each one it may not.
func (c *conn) subscribe(topics []string) error {
	if len(topics) == 0 || len(topics) > c.h.opts.MaxSubscriptions {
		return c.send(serverMessage{Type: typeError, Message: "want 1 to " + strconv.Itoa(c.h.opts.MaxSubscriptions) + " topics"})
	}
	var accepted []string
	for _, t := range topics {
		if err := checkTopic(c.p, t); err != nil {
			c.log.Info("websocket topic refused", "topic", quoteShort(t), "err", err)
			if err := c.send(serverMessage{Type: typeError, Message: err.Error()}); err != nil {
				return err
			}
			continue
		}
		switch {
		case slices.Contains(c.topics, t):
		case len(c.topics) >= c.h.opts.MaxSubscriptions:
			msg := "topic " + quoteShort(t) + ": at most " + strconv.Itoa(c.h.opts.MaxSubscriptions) + " subscriptions per connection"
			if err := c.send(serverMessage{Type: typeError, Message: msg}); err != nil {
				return err
			}
			continue
		default:
			c.topics = append(c.topics, t)
		}
		if !slices.Contains(accepted, t) {
			accepted = append(accepted, t)
		}
	}
	if len(accepted) == 0 {
		return nil
	}
	if err := c.sub.SetTopics(c.topics); err != nil {
		return err // cannot happen: every pattern was checked
	}
	return c.send(serverMessage{Type: typeSubscribed, Topics: accepted})
}

// unsubscribe drops the topics; unknown ones are ignored.
func (c *conn) unsubscribe(topics []string) error {
	kept := c.topics[:0]
	for _, t := range c.topics {
		if !slices.Contains(topics, t) {
			kept = append(kept, t)
		}
	}
	c.topics = kept
	return c.sub.SetTopics(c.topics)
}

func (c *conn) sendEvent(m live.Message) error {
	err := c.send(serverMessage{Type: typeEvent, Topic: m.Topic, Payload: m.Payload})
	var je *json.UnsupportedTypeError
	if errors.As(err, &je) {
		c.log.Error("websocket event not encodable", "topic", m.Topic, "err", err)
		return nil
	}
	return err
}

// send writes one message within the write timeout.
func (c *conn) send(m serverMessage) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.h.opts.WriteTimeout)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, data)
}

// readLoop hands each client message to serve's goroutine until a read
// fails.
func (c *conn) readLoop(ctx context.Context, in chan<- readResult) {
	for {
		typ, data, err := c.ws.Read(ctx)
		select {
		case in <- readResult{typ, data, err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// pingLoop pings every PingInterval and reports a pong that does not come
// within PongTimeout.
func (c *conn) pingLoop(ctx context.Context, lost chan<- error) {
	t := time.NewTicker(c.h.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, c.h.opts.PongTimeout)
		err := c.ws.Ping(pctx)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				lost <- err
			}
			return
		}
	}
}
