package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// traced gives every request but the health checks a server span from
// tp, continuing a caller's W3C trace context (never its baggage). The
// span is named after the route template once chi has routed the
// request ("POST /api/v1/benchmarks"), never the raw path. A benchmark
// submitted through the request runs under this span.
func traced(tp trace.TracerProvider) func(http.Handler) http.Handler {
	mw := otelhttp.NewMiddleware("api",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(tracing.Propagator()),
		// The server's metrics are its Prometheus registry's, not these.
		otelhttp.WithMeterProvider(noop.NewMeterProvider()),
		otelhttp.WithFilter(func(r *http.Request) bool { return !strings.HasPrefix(r.URL.Path, Prefix+"/health") }),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method }),
	)
	return func(next http.Handler) http.Handler { return mw(routeName(next)) }
}

// routeName renames the request's span after the route chi matched.
func routeName(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		s := trace.SpanFromContext(r.Context())
		rc := chi.RouteContext(r.Context())
		if !s.IsRecording() || rc == nil {
			return
		}
		if p := rc.RoutePattern(); p != "" {
			s.SetName(r.Method + " " + p)
			s.SetAttributes(semconv.HTTPRoute(p))
		}
	})
}
