package wsapi

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/httpmw"
)

// Options configures a Handler. Zero durations and counts take the
// defaults of config.Default's [server.websocket].
type Options struct {
	// AllowedOrigins is the CORS allowlist ([server]
	// cors_allowed_origins): browser pages from these origins, and from
	// the server's own host, may connect. "*" is ignored here: a
	// WebSocket is never opened to every origin.
	AllowedOrigins []string
	// MaxMessageBytes caps one client message; a bigger one closes the
	// connection with 1009.
	MaxMessageBytes int64
	// InitTimeout is how long a connection may stay unauthenticated.
	InitTimeout time.Duration
	// PingInterval is how often the server pings; PongTimeout how long it
	// waits for the pong before it drops the connection.
	PingInterval, PongTimeout time.Duration
	// RevalidateInterval is how often the principal is checked again.
	RevalidateInterval time.Duration
	// WriteTimeout bounds one write to a client.
	WriteTimeout time.Duration
	// MaxSubscriptions caps the topic patterns of one connection;
	// MaxConnectionsPerUser the open connections of one user.
	MaxSubscriptions, MaxConnectionsPerUser int
	// Buffer is how many undelivered events a connection holds before it
	// drops (see package live).
	Buffer int
	// IsExpired reports whether an authentication error means the
	// credential expired (closed with 4401 instead of 4403). When nil, an
	// error in the chain with an Expired() bool method that returns true
	// counts.
	IsExpired func(error) bool
	Logger    *slog.Logger
}

// FromConfig returns the options [server] and [server.websocket] set.
func FromConfig(s config.Server) Options {
	ws := s.Websocket
	sec := func(n int) time.Duration { return time.Duration(n) * time.Second }
	return Options{
		AllowedOrigins:        s.CORSAllowedOrigins,
		MaxMessageBytes:       int64(ws.MaxMessageSizeMB) << 20,
		InitTimeout:           sec(ws.InitTimeoutSeconds),
		PingInterval:          sec(ws.PingIntervalSeconds),
		PongTimeout:           sec(ws.PongTimeoutSeconds),
		RevalidateInterval:    sec(ws.RevalidateIntervalSeconds),
		MaxSubscriptions:      ws.MaxSubscriptions,
		MaxConnectionsPerUser: ws.MaxConnectionsPerUser,
	}
}

// withDefaults fills the zero fields and rejects negative ones.
func (o Options) withDefaults() (Options, error) {
	d := FromConfig(config.Default().Server)
	if o.MaxMessageBytes < 0 || o.InitTimeout < 0 || o.PingInterval < 0 || o.PongTimeout < 0 ||
		o.RevalidateInterval < 0 || o.WriteTimeout < 0 || o.MaxSubscriptions < 0 ||
		o.MaxConnectionsPerUser < 0 || o.Buffer < 0 {
		return o, errors.New("websocket options: negative limit")
	}
	orDefault(&o.MaxMessageBytes, d.MaxMessageBytes)
	orDefault(&o.InitTimeout, d.InitTimeout)
	orDefault(&o.PingInterval, d.PingInterval)
	orDefault(&o.PongTimeout, d.PongTimeout)
	orDefault(&o.RevalidateInterval, d.RevalidateInterval)
	orDefault(&o.WriteTimeout, 10*time.Second)
	orDefault(&o.MaxSubscriptions, d.MaxSubscriptions)
	orDefault(&o.MaxConnectionsPerUser, d.MaxConnectionsPerUser)
	orDefault(&o.Buffer, 256)
	if o.IsExpired == nil {
		o.IsExpired = hasExpired
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Logger = o.Logger.With("component", "wsapi")
	if _, err := httpmw.OriginPatterns(o.AllowedOrigins); err != nil {
		return o, fmt.Errorf("websocket options: %w", err)
	}
	return o, nil
}

func orDefault[T comparable](v *T, d T) {
	var zero T
	if *v == zero {
		*v = d
	}
}

// hasExpired reports whether err's chain holds an error that says it is
// about an expired credential.
func hasExpired(err error) bool {
	var e interface{ Expired() bool }
	return errors.As(err, &e) && e.Expired()
}
