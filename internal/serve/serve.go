// Package serve assembles `llm-test-bench serve` from the configuration
// and a store: authentication, the benchmark queue on the run service,
// the live hub, the REST, WebSocket and GraphQL front ends, and the HTTP
// middleware in its order. Each part lives in its own package; this one
// only wires them. See docs/SERVER.md.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/llm-test-bench/llm-test-bench/internal/alerts"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/benchmarks"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/graphqlapi"
	"github.com/llm-test-bench/llm-test-bench/internal/httpmw"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/plugin"
	"github.com/llm-test-bench/llm-test-bench/internal/promexp"
	"github.com/llm-test-bench/llm-test-bench/internal/ratelimit"
	"github.com/llm-test-bench/llm-test-bench/internal/server"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/wsapi"
)

// Options are what the caller decides; the rest comes from Config.
type Options struct {
	Config *config.Config
	Store  store.Store
	// DataDir holds the server's journals and inline suites when
	// [server] data_dir is not set.
	DataDir string
	// Simulate runs every benchmark against the built-in simulator.
	Simulate bool
	// Distributor runs benchmarks submitted with "distributed": true on
	// worker processes, through the NATS server at NATSURL (which GET
	// /distributed tells workers); nil refuses them.
	Distributor session.Distributor
	NATSURL     string
	// Version is the binary's, for llm_build_info.
	Version string
	Logger  *slog.Logger
	// HeartbeatEvery and RecoverAfter shorten the liveness intervals in
	// tests; 0 keeps the defaults.
	HeartbeatEvery time.Duration
	RecoverAfter   time.Duration
}

// ConfigError is a configuration the server refuses to start with (a
// missing or short signing secret, an unknown permission): exit 3.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Build assembles the server. The store stays the caller's; everything
// else Build opens is closed when the server stops.
func Build(ctx context.Context, o Options) (*server.Server, error) {
	cfg, st := o.Config, o.Store
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	authSvc, err := auth.New(st, cfg, log, nil)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("serve: %w", err)}
	}
	ips, err := httpmw.NewClientIP(cfg.Server.TrustedProxies)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("serve: [server] trusted_proxies: %w", err)}
	}
	authSvc.ClientIP = func(r *http.Request) string { return ips.Addr(r).String() }
	policies, err := ratelimit.FromConfig(cfg.Server.RateLimit)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("serve: [server.rate_limit]: %w", err)}
	}
	cors, err := httpmw.CORS(httpmw.CORSOptions{AllowedOrigins: cfg.Server.CORSAllowedOrigins})
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("serve: [server] cors_allowed_origins: %w", err)}
	}
	limiter, err := ratelimit.Open(ctx, cfg.Server.RateLimit)
	if err != nil {
		return nil, fmt.Errorf("serve: rate limiter: %w", err)
	}
	closers := []func() error{limiter.Close}
	fail := func(err error) (*server.Server, error) {
		for _, c := range closers {
			_ = c()
		}
		return nil, err
	}

	dataDir := cfg.Server.DataDir
	if dataDir == "" {
		dataDir = o.DataDir
	}
	if dataDir == "" {
		return fail(&ConfigError{errors.New("serve: set [server] data_dir: the server keeps journals and submitted suites there")})
	}
	hub := live.NewHub()
	closers = append(closers, func() error { hub.Close(); return nil })
	svc := session.New(cfg, st, log)
	svc.JournalDir = filepath.Join(dataDir, "journal")
	closers = append(closers, svc.Close)
	// The plugin manager serves /plugins; with enable_plugins the
	// plugins load now (a broken one stops the start, as it would stop
	// every benchmark) and auto_reload starts watching.
	plugins, err := svc.PluginManager(ctx)
	if err != nil {
		return fail(&ConfigError{fmt.Errorf("serve: %w", err)})
	}
	if err := svc.LoadPlugins(ctx); err != nil {
		return fail(&ConfigError{fmt.Errorf("serve: %w", err)})
	}
	var collectors []prometheus.Collector
	if cfg.Monitoring.EnablePrometheus {
		engine := promexp.New(o.Version)
		svc.Watchers = append(svc.Watchers, func(r *session.Run) { engine.Watch(r) })
		collectors = append(collectors, engine)
	}

	// The alert rules watch every benchmark; they stop after the manager
	// (closers run after it), resolving what still fires.
	for _, n := range cfg.Monitoring.Notifiers {
		if strings.HasPrefix(n.Type, alerts.PluginPrefix) {
			if err := svc.LoadPlugins(ctx); err != nil { // a notifier plugin must be there before the first alert
				return fail(&ConfigError{fmt.Errorf("serve: %w", err)})
			}
			break
		}
	}
	mon, err := alerts.Start(cfg.Monitoring, alerts.MonitorOptions{Sink: st, Publisher: hub, Logger: log, Plugins: plugin.NotifyAlert})
	if err != nil {
		return fail(&ConfigError{fmt.Errorf("serve: [monitoring] alert_rules: %w", err)})
	}
	if mon != nil {
		svc.Watchers = append(svc.Watchers, func(r *session.Run) { mon.Feed(r.Subscribe(event.WatchBuffer).Events()) })
		closers = append(closers, func() error {
			sctx, cancel := context.WithTimeout(context.Background(), alerts.StopTimeout)
			defer cancel()
			mon.Stop(sctx)
			return nil
		})
	}

	mo := benchmarks.OptionsFromConfig(cfg.Server)
	mo.DataDir, mo.Simulate, mo.Logger, mo.Distributor = dataDir, o.Simulate, log, o.Distributor
	if o.RecoverAfter > 0 {
		mo.RecoverAfter = o.RecoverAfter
	}
	svc.HeartbeatEvery = heartbeatEvery(o.HeartbeatEvery, mo.RecoverAfter)
	mgr := benchmarks.New(svc, st, hub, cfg, mo)
	apiSvc := api.New(api.Deps{Store: st, Manager: mgr, Providers: svc, Config: cfg, NATSURL: o.NATSURL, Logger: log})

	limit := httpmw.RateLimit(httpmw.RateLimitOptions{Limiter: limiter, Policies: policies, ClientIP: ips, Logger: log})
	loginLimit := httpmw.RateLimit(httpmw.RateLimitOptions{Limiter: limiter, Policies: policies, Key: httpmw.IPKey(ips), Logger: log})

	var ws, gql http.Handler
	if cfg.Server.EnableWebsocket {
		h, err := wsapi.New(hub, authSvc, wsapi.FromConfig(cfg.Server))
		if err != nil {
			return fail(&ConfigError{fmt.Errorf("serve: [server.websocket]: %w", err)})
		}
		closers = append(closers, func() error {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return h.Shutdown(sctx)
		})
		ws = limit(h)
	}
	if cfg.Server.EnableGraphQL {
		h, err := graphqlapi.New(apiSvc, graphqlapi.HubFeed(hub), authSvc, graphqlapi.OptionsFromConfig(cfg.Server))
		if err != nil {
			return fail(&ConfigError{fmt.Errorf("serve: graphql: %w", err)})
		}
		closers = append(closers, func() error { h.Close(); return nil })
		gql = optionalAuth(authSvc, limit(h))
	}
	outer := []func(http.Handler) http.Handler{
		httpmw.RequestID, httpmw.Recover(log), httpmw.AccessLog(log), httpmw.SecurityHeaders, cors,
		authSvc.RefuseCredentialsInURL, httpmw.Compress(),
		httpmw.Timeout(httpmw.TimeoutOptions{Timeout: cfg.Server.RequestTimeout, Exempt: isExport}),
		bodyLimit(int64(cfg.Server.MaxBodyBytes)),
	}
	// Close runs in reverse order of opening: sockets, handlers, the
	// session's caches, the hub, the limiter.
	closeAll := func() error {
		var errs []error
		for i := len(closers) - 1; i >= 0; i-- {
			errs = append(errs, closers[i]())
		}
		return errors.Join(errs...)
	}
	tp, err := svc.TracerProvider()
	if err != nil {
		return fail(&ConfigError{fmt.Errorf("serve: %w", err)})
	}
	srv, err := server.New(server.Options{
		Config: cfg, Service: apiSvc, Store: st, Manager: mgr, Publisher: hub, Alerts: st, Plugins: plugins,
		Auth:      limitedAuth{svc: authSvc, limit: limit, login: loginLimit},
		WebSocket: ws, GraphQL: gql, Middleware: outer, Close: closeAll, Logger: log, Collectors: collectors,
		TracerProvider: tp,
	})
	if err != nil {
		return fail(err)
	}
	return srv, nil
}

// bodyLimit is [server] max_body_bytes for every request but a plugin
// upload, which may carry a module up to server.MaxPluginUpload (its
// route needs plugin.install, checked before the body is read).
func bodyLimit(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		small, upload := httpmw.MaxBody(n)(next), httpmw.MaxBody(max(n, server.MaxPluginUpload))(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == server.PluginUploadPath {
				upload.ServeHTTP(w, r)
				return
			}
			small.ServeHTTP(w, r)
		})
	}
}

// heartbeatEvery is how often running benchmarks show they are alive:
// the given interval, else often enough (five beats) within a recovery
// delay shorter than the store's, so that no other server takes a live
// run for abandoned; else the store's default.
func heartbeatEvery(given, recoverAfter time.Duration) time.Duration {
	if given > 0 || recoverAfter <= 0 {
		return given
	}
	return min(store.HeartbeatInterval, recoverAfter/5)
}

// limitedAuth charges the rate limits where the caller is known: after
// authentication on the API's routes (per principal), and per client
// address on the /auth routes (login, refresh).
type limitedAuth struct {
	svc          *auth.Service
	limit, login func(http.Handler) http.Handler
}

func (a limitedAuth) Middleware(next http.Handler) http.Handler {
	return a.svc.Middleware(a.limit(next))
}

func (a limitedAuth) Routes() http.Handler { return a.login(a.svc.Routes()) }

// optionalAuth puts the principal of a valid Authorization header in the
// request's context, so GraphQL is limited per principal; a request
// without one (a WebSocket upgrade authenticates in its first message)
// or with a bad one goes on unchanged, and GraphQL refuses it itself.
func optionalAuth(svc *auth.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get("Authorization"); h != "" {
			if p, err := svc.Authenticate(r.Context(), h); err == nil {
				r = r.WithContext(auth.WithPrincipal(r.Context(), p))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// isExport exempts the streamed export from the request timeout: a large
// benchmark takes longer to send than any answer should take to start.
func isExport(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == server.Prefix+"/results/export"
}
