// Package server is the API server of `llm-test-bench serve`: the REST
// routes of API.md on a chi router built from one permission table, the
// OpenAPI 3.1 document, Prometheus metrics, health checks, the mounts of
// /auth, /ws and /graphql, and the lifecycle (listen, serve, drain,
// checkpoint running benchmarks, close). The handlers call api.Service
// and nothing else. See docs/SERVER.md.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/promexp"
)

// Timeouts and limits of the HTTP server.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	idleTimeout       = 120 * time.Second
	// maxHeaderBytes leaves room for an 8 KB Authorization header.
	maxHeaderBytes = 16 << 10
	// drainTimeout bounds the graceful shutdown of requests in flight.
	drainTimeout = 30 * time.Second
	readyTimeout = 2 * time.Second
	// SnapshotEvery is how often the metrics snapshot is published.
	SnapshotEvery = 10 * time.Second
)

// Pinger checks the store answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Lifecycle is what the server drives of the benchmark manager: it
// starts with the server and checkpoints running benchmarks on shutdown.
type Lifecycle interface {
	Start(ctx context.Context) error
	Shutdown(ctx context.Context) error
}

// Options are the server's parts, built by the caller.
type Options struct {
	// Config's [server] enable_rest, enable_graphql and enable_websocket
	// say what is served; nil serves everything given.
	Config  *config.Config
	Service api.Service
	Auth    Authenticator
	// Store is pinged by /health/ready and counted by the metrics.
	Store interface {
		Pinger
		RunPager
	}
	// Manager is started by Run and shut down after the last request.
	Manager Lifecycle
	// Alerts answers GET /alerts; nil lists none.
	Alerts AlertLister
	// Plugins serves the /plugins routes; nil answers them 404.
	Plugins PluginAdmin
	// Publisher receives the metrics snapshot (topic metrics.server);
	// nil publishes nothing.
	Publisher live.Publisher
	// WebSocket and GraphQL are mounted at /ws and /graphql when not nil.
	WebSocket http.Handler
	GraphQL   http.Handler
	// Middleware wraps every request, outermost first (request id,
	// recovery, CORS, rate limits, body limits, logging).
	Middleware []func(http.Handler) http.Handler
	// Collectors join the metrics registry (the engine's families,
	// internal/promexp), served with the HTTP metrics at /api/v1/metrics
	// and on [monitoring] metrics_port.
	Collectors []prometheus.Collector
	// Close is called last by Run (the hub, the session service).
	Close  func() error
	Logger *slog.Logger
	// TracerProvider, when set, traces every request but the health
	// checks ([monitoring] enable_tracing).
	TracerProvider trace.TracerProvider
}

// Server is the API server.
type Server struct {
	o       Options
	log     *slog.Logger
	metrics *Metrics
	handler http.Handler
}

// New assembles the router and the metrics.
func New(o Options) (*Server, error) {
	if o.Service == nil || o.Auth == nil || o.Store == nil {
		return nil, errors.New("server: a service, an authenticator and a store are required")
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "server")
	m, err := NewMetrics(o.Store, o.Collectors...)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	h := &handlers{svc: o.Service, log: log, prom: m.Handler(), ping: o.Store.Ping, alerts: o.Alerts, plugins: o.Plugins}
	if c := o.Config; c != nil && !c.Monitoring.EnablePrometheus {
		h.prom = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			problem.Error(w, http.StatusNotFound, "metrics are off: [monitoring] enable_prometheus = false")
		})
	}
	d := routerDeps{h: h, auth: o.Auth, metrics: m, outer: o.Middleware, rest: true,
		websocket: o.WebSocket, graphql: o.GraphQL, log: log, tracer: o.TracerProvider}
	if c := o.Config; c != nil {
		d.rest = c.Server.EnableREST
		if !c.Server.EnableGraphQL {
			d.graphql = nil
		}
		if !c.Server.EnableWebsocket {
			d.websocket = nil
		}
	}
	r := newRouter(d)
	return &Server{o: o, log: log, metrics: m, handler: r}, nil
}

// ListenAddr is [server] host:port.
func ListenAddr(c *config.Config) string {
	return net.JoinHostPort(c.Server.Host, strconv.Itoa(c.Server.Port))
}

// Handler is the server's whole HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics is the server's registry.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Run listens on addr and serves until ctx ends; see Serve.
func (s *Server) Run(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve starts the manager, serves on ln until ctx ends, then shuts down
// in order: stop accepting and drain requests in flight, shut the manager
// down (it checkpoints running benchmarks at once), close the rest. ln is
// closed.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ml, err := s.listenMetrics(ctx)
	if err != nil {
		_ = ln.Close()
		return err
	}
	if s.o.Manager != nil {
		if err := s.o.Manager.Start(ctx); err != nil {
			_ = ln.Close()
			if ml != nil {
				_ = ml.Close()
			}
			return fmt.Errorf("start the benchmark manager: %w", err)
		}
	}
	hs := &http.Server{
		Handler: s.handler, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	snapCtx, stopSnap := context.WithCancel(ctx)
	snapDone := make(chan struct{})
	go func() {
		defer close(snapDone)
		s.publishSnapshots(snapCtx, SnapshotEvery)
	}()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	s.log.InfoContext(ctx, "serving", "addr", ln.Addr().String())

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	stopSnap()
	<-snapDone
	var metricsErr error
	if ml != nil {
		metricsErr = ml.Close()
	}
	return errors.Join(serveErr, metricsErr, s.shutdown(hs, served, serveErr != nil))
}

// listenMetrics serves the metrics on [monitoring] metrics_port (on
// [server] host) when it is set and Prometheus is on; nil otherwise.
func (s *Server) listenMetrics(ctx context.Context) (*promexp.Listener, error) {
	c := s.o.Config
	if c == nil || !c.Monitoring.EnablePrometheus || c.Monitoring.MetricsPort == 0 {
		return nil, nil
	}
	addr := net.JoinHostPort(c.Server.Host, strconv.Itoa(c.Monitoring.MetricsPort))
	ml, err := promexp.Listen(ctx, addr, s.metrics.Handler())
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "serving metrics", "addr", ml.Addr().String())
	return ml, nil
}

// shutdown drains requests, then stops the manager and closes the rest.
func (s *Server) shutdown(hs *http.Server, served <-chan error, serveDone bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	var errs []error
	if err := hs.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("drain requests: %w", err))
		_ = hs.Close()
	}
	if !serveDone {
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	if s.o.Manager != nil {
		// Running benchmarks are checkpointed at once, not waited for: one
		// may run for hours, and the next start resumes it with every
		// finished result kept. Interrupting them is the plan, not an error.
		now, stopNow := context.WithCancel(ctx)
		stopNow()
		if err := s.o.Manager.Shutdown(now); err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("shut the benchmark manager down: %w", err))
		}
	}
	if s.o.Close != nil {
		if err := s.o.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.log.Info("stopped")
	return errors.Join(errs...)
}
