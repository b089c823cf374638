package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/promexp"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// RunPager counts benchmarks by status for the metrics (PageRuns of
// store.ResultQuerier).
type RunPager interface {
	PageRuns(ctx context.Context, q store.RunQuery) ([]bench.Run, string, error)
}

// Metrics is the server's own Prometheus registry: nothing global, so
// two servers in one process (tests) never share counters.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	// sockets counts open WebSocket connections on /ws, sessions every
	// upgraded streaming connection (/ws and GraphQL subscriptions).
	sockets, sessions prometheus.Gauge
}

// unmatched is the path label of requests no route matched, so a
// scanner's URLs cannot grow the label set.
const unmatched = "unmatched"

// scrapeTimeout bounds the store queries of one scrape.
const scrapeTimeout = 2 * time.Second

// NewMetrics registers the HTTP metrics, the Go and process collectors,
// the benchmark gauges read from runs at scrape time, and extra (the
// engine's families, internal/promexp) in the one registry.
func NewMetrics(runs RunPager, extra ...prometheus.Collector) (*Metrics, error) {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "llm_api_requests_total", Help: "API requests by route pattern, method and status code.",
		}, []string{"method", "path", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "llm_api_duration_seconds", Help: "API request duration by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "path"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "llm_api_requests_in_flight", Help: "API requests being served.",
		}),
		sockets: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "llm_websocket_connections", Help: "Open WebSocket connections on /ws.",
		}),
		sessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "llm_active_sessions", Help: "Open live-update sessions: WebSocket connections on /ws and GraphQL subscriptions over WebSocket.",
		}),
	}
	cs := []prometheus.Collector{m.requests, m.duration, m.inFlight, m.sockets, m.sessions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})}
	if runs != nil {
		cs = append(cs, &benchmarkCollector{runs: runs})
	}
	for _, c := range append(cs, extra...) {
		if err := m.Registry.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// Handler serves the registry in the Prometheus text format, as the CLI's
// metrics listener does: a family that cannot be gathered (the benchmark
// counts when the store times out) is reported, the others still served.
func (m *Metrics) Handler() http.Handler {
	return promexp.Handler(m.Registry)
}

// Middleware counts and times every request by its route pattern (chi's,
// read after routing) and method.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		rw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		// An upgraded request is served for the connection's whole life.
		upgrade := strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
		socket := upgrade && r.URL.Path == "/ws"
		if upgrade {
			m.sessions.Inc()
		}
		if socket {
			m.sockets.Inc()
		}
		defer func() {
			m.inFlight.Dec()
			path := unmatched
			if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" && rc.RoutePattern() != "/*" {
				path = rc.RoutePattern()
			}
			if upgrade {
				m.sessions.Dec()
			}
			if socket {
				m.sockets.Dec()
			}
			m.requests.WithLabelValues(r.Method, path, strconv.Itoa(rw.code)).Inc()
			m.duration.WithLabelValues(r.Method, path).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(rw, r)
	})
}

// statusWriter remembers the status code; Unwrap keeps http.ResponseController
// (flush, deadlines, hijack for /ws) working through it.
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.code, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(p)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush passes through, so streamed exports leave as they are written.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// benchmarkCollector reports the queued and running benchmarks at scrape
// time; both are bounded by the queue's size, so one page each suffices.
type benchmarkCollector struct{ runs RunPager }

var benchmarksDesc = prometheus.NewDesc("llm_benchmarks", "Benchmarks by status (queued, running).", []string{"status"}, nil)

func (c *benchmarkCollector) Describe(ch chan<- *prometheus.Desc) { ch <- benchmarksDesc }

func (c *benchmarkCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for _, st := range []bench.RunStatus{bench.RunQueued, bench.RunRunning} {
		n, err := countRuns(ctx, c.runs, st)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(benchmarksDesc, err)
			continue
		}
		ch <- prometheus.MustNewConstMetric(benchmarksDesc, prometheus.GaugeValue, float64(n), string(st))
	}
}

// countRuns counts the runs of a status, up to a few pages.
func countRuns(ctx context.Context, runs RunPager, st bench.RunStatus) (int, error) {
	n, after := 0, ""
	for range 10 {
		items, next, err := runs.PageRuns(ctx, store.RunQuery{Status: st, After: after, Limit: store.MaxPage})
		if err != nil {
			return 0, err
		}
		n += len(items)
		if next == "" {
			break
		}
		after = next
	}
	return n, nil
}
