package graphqlapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/httpmw"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// Authenticator checks the token a WebSocket client sends in its
// connection_init payload, and later whether the principal still holds
// (password changed, user disabled, role lowered, token revoked).
type Authenticator interface {
	AuthenticateToken(ctx context.Context, token string) (*auth.Principal, error)
	Revalidate(ctx context.Context, p *auth.Principal) error
}

// Options configure the handler; zero values take the defaults shown.
type Options struct {
	// Introspection and Playground turn on __schema/__type and the
	// GraphiQL page (GET /graphql from a browser). Both default to off.
	Introspection bool
	Playground    bool
	// MaxDepth (10), MaxComplexity (5000) and MaxTokens (15000) refuse a
	// query before it runs.
	MaxDepth      int
	MaxComplexity int
	MaxTokens     int
	// AllowedOrigins are the other origins (scheme://host[:port]) whose
	// pages may open the WebSocket: [server] cors_allowed_origins. "*" is
	// ignored: cross-origin sockets are then refused.
	AllowedOrigins []string
	// InitTimeout (5 s) is how long a socket may wait before
	// connection_init; ReadLimit (64 KiB) caps one client message.
	InitTimeout time.Duration
	ReadLimit   int64
	// PingInterval (30 s) is how often the server pings a socket.
	PingInterval time.Duration
	// RevalidateEvery (30 s) is how often an open socket's principal is
	// checked again; a socket also closes when its credential expires.
	RevalidateEvery time.Duration
	// Expired says whether an authentication error means the credential
	// has expired (close 4401) rather than being bad (4403). nil: an error
	// in the chain has an Expired() bool method that says so (as /ws).
	Expired func(error) bool
	// Buffer (64) is each subscription's queue of live messages.
	Buffer int
	Logger *slog.Logger
}

// OptionsFromConfig reads the [server] graphql_* keys, the CORS allowlist
// and the [server.websocket] ping, message size, init timeout and
// revalidation interval (shared with /ws).
func OptionsFromConfig(s config.Server) Options {
	return Options{
		Introspection:   s.GraphQLIntrospection,
		Playground:      s.GraphQLPlayground,
		MaxDepth:        s.GraphQLMaxDepth,
		MaxComplexity:   s.GraphQLMaxComplexity,
		MaxTokens:       s.GraphQLMaxTokens,
		AllowedOrigins:  s.CORSAllowedOrigins,
		PingInterval:    time.Duration(s.Websocket.PingIntervalSeconds) * time.Second,
		ReadLimit:       int64(s.Websocket.MaxMessageSizeMB) << 20,
		InitTimeout:     time.Duration(s.Websocket.InitTimeoutSeconds) * time.Second,
		RevalidateEvery: time.Duration(s.Websocket.RevalidateIntervalSeconds) * time.Second,
	}
}

func (o *Options) defaults() {
	setDefault(&o.MaxDepth, 10)
	setDefault(&o.MaxComplexity, 5000)
	setDefault(&o.MaxTokens, 15000)
	setDefault(&o.InitTimeout, 5*time.Second)
	setDefault(&o.ReadLimit, 64<<10)
	setDefault(&o.PingInterval, 30*time.Second)
	setDefault(&o.RevalidateEvery, 30*time.Second)
	setDefault(&o.Buffer, 64)
	if o.Expired == nil {
		o.Expired = hasExpired
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Handler serves /graphql. Close it when the server stops.
type Handler struct {
	srv     *handler.Server
	opts    Options
	origins []string
	// originPatterns are origins as coder/websocket matches them (escaped).
	originPatterns []string
	authn          Authenticator
	metrics        *metricsBoard
	play           http.Handler
	closeMux       sync.Once
	// closing ends with Close: open sockets are hijacked connections that
	// http.Server.Shutdown does not close, so each one watches it.
	closing  context.Context
	closeAll context.CancelFunc
}

// New returns the /graphql handler. svc answers every field and checks
// permissions; feed is the live hub (HubFeed); authn authenticates
// requests: a POST's principal is the one in ctx (an auth middleware ran)
// or else its Authorization: Bearer token's; a socket's comes from
// connection_init (or the upgrade's Authorization header).
func New(svc api.Service, feed Feed, authn Authenticator, opts Options) (*Handler, error) {
	if svc == nil || feed == nil || authn == nil {
		return nil, errors.New("graphql: service, feed and authenticator are required")
	}
	opts.defaults()
	patterns, err := httpmw.OriginPatterns(opts.AllowedOrigins)
	if err != nil {
		return nil, fmt.Errorf("graphql: %w", err)
	}
	h := &Handler{opts: opts, authn: authn, origins: crossOrigins(opts.AllowedOrigins), originPatterns: patterns}
	h.closing, h.closeAll = context.WithCancel(context.Background())
	board, err := newMetricsBoard(feed, opts.Buffer)
	if err != nil {
		return nil, fmt.Errorf("graphql: %w", err)
	}
	h.metrics = board
	res := &resolver{svc: svc, feed: feed, metrics: h.metrics, buffer: opts.Buffer}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: res, Complexity: complexity()}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(h.websocket())
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(opts.MaxTokens)
	srv.SetDisableSuggestion(true)
	srv.SetErrorPresenter(errorPresenter(opts.Logger))
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(depthLimit{Max: opts.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(opts.MaxComplexity))
	srv.Use(permissionGate{})
	h.srv = srv
	if opts.Playground {
		h.play = playground.Handler("llm-test-bench GraphQL", "/graphql")
	}
	return h, nil
}

// ServeHTTP answers POST and OPTIONS, upgrades WebSocket requests, and
// shows the playground to a browser's GET when it is on.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "" {
		h.serveSocket(w, r)
		return
	}
	if r.Method == http.MethodGet && h.play != nil {
		h.play.ServeHTTP(w, r)
		return
	}
	switch r.Method {
	case http.MethodOptions:
		h.srv.ServeHTTP(w, r)
	case http.MethodPost:
		r, ok := h.authenticate(w, r, true)
		if ok {
			h.srv.ServeHTTP(w, r)
		}
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		problem.Error(w, http.StatusMethodNotAllowed, "use POST (or a WebSocket for subscriptions)")
	}
}

// authenticate returns r carrying its principal: the one an auth
// middleware put in ctx, or its bearer token's. A bad token, or none when
// required, is answered 401 (ok false).
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request, required bool) (*http.Request, bool) {
	if auth.FromContext(r.Context()) != nil {
		return r, true
	}
	token, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	token = strings.TrimSpace(token)
	if !found || token == "" {
		if !required {
			return r, true
		}
		w.Header().Set("WWW-Authenticate", "Bearer")
		problem.Error(w, http.StatusUnauthorized, "authentication required")
		return r, false
	}
	p, err := h.authn.AuthenticateToken(r.Context(), token)
	if err != nil {
		h.opts.Logger.WarnContext(r.Context(), "graphql authentication failed", "request_id", w.Header().Get("X-Request-Id"))
		w.Header().Set("WWW-Authenticate", "Bearer")
		problem.Error(w, http.StatusUnauthorized, "authentication failed")
		return r, false
	}
	return r.WithContext(auth.WithPrincipal(r.Context(), p)), true
}

// hasExpired reports whether err's chain holds an error that says it is
// an expiry.
func hasExpired(err error) bool {
	var e interface{ Expired() bool }
	return errors.As(err, &e) && e.Expired()
}

// Close closes every open socket and stops the live metrics board that
// the metrics query reads.
func (h *Handler) Close() {
	h.closeMux.Do(func() {
		h.closeAll()
		h.metrics.close()
	})
}

// crossOrigins keeps the exact origins (no "*"), lower-cased, for the
// check made before authentication.
func crossOrigins(allowed []string) []string {
	var out []string
	for _, o := range allowed {
		if o == "*" || !strings.Contains(o, "://") {
			continue
		}
		out = append(out, strings.ToLower(strings.TrimSuffix(o, "/")))
	}
	return out
}

// websocket is the graphql-transport-ws transport with this handler's
// authentication and origin check.
func (h *Handler) websocket() transport.Websocket {
	limit := h.opts.ReadLimit
	return transport.Websocket{
		Implementation: socketImplementation{inner: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: h.originPatterns},
		}},
		InitFunc:         h.initSocket,
		InitTimeout:      h.opts.InitTimeout,
		PingPongInterval: h.opts.PingInterval,
		PayloadReadLimit: &limit,
	}
}
