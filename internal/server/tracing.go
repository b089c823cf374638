package server

import (
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// traced gives every request but the health checks a server span from
// tp, continuing a caller's W3C trace context (never its baggage). Once
// chi has routed the request, otelhttp names the span after the route
// template chi records in the request's Pattern ("POST
// /api/v1/benchmarks/{id}", with http.route), never the raw path. A
// benchmark submitted through the request runs under this span.
func traced(tp trace.TracerProvider) func(http.Handler) http.Handler {
	return otelhttp.NewMiddleware("api",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(tracing.Propagator()),
		// The server's metrics are its Prometheus registry's, not these.
		otelhttp.WithMeterProvider(noop.NewMeterProvider()),
		otelhttp.WithFilter(func(r *http.Request) bool { return !strings.HasPrefix(r.URL.Path, Prefix+"/health") }),
	)
}
