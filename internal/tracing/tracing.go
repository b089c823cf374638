// Package tracing is the project's OpenTelemetry tracing: the tracer
// provider built from [monitoring] (an OTLP/HTTP exporter behind a batch
// processor that drops spans rather than wait), the spans of a run (run ->
// case -> provider call -> evaluation) with the GenAI semantic conventions
// (semconv v1.41.0, the last version the Go module carries GenAI keys in),
// and the W3C trace context sent to providers (traceparent and tracestate,
// never baggage).
//
// Only the runner holds a tracer. Every other span starts from the span in
// its context (trace.SpanFromContext(ctx).TracerProvider()), so a context
// without a recording span (tracing off, or a trace the sampler dropped)
// costs one context lookup and creates nothing. See docs/MONITORING.md.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of every span the project makes.
const ScopeName = "github.com/llm-test-bench/llm-test-bench"

// Options configure the tracer provider; see Config for the [monitoring]
// keys they come from.
type Options struct {
	// Endpoint is the collector's OTLP/HTTP URL; a URL without a path
	// sends to /v1/traces. http:// sends in clear, https:// with TLS.
	Endpoint string
	// Headers go with every export (a collector's auth); they are secrets
	// and are never logged.
	Headers map[string]string
	// SampleRatio is the share of traces kept, 0 to 1. A run is one trace,
	// so a run is sampled whole or not at all; a parent's decision (a
	// sampled API request) is followed.
	SampleRatio float64
	ServiceName string
	Version     string
	// ExportTimeout bounds one export, retries included; 0 means 5s.
	ExportTimeout time.Duration
	// QueueSize bounds the spans waiting for export; when full, new spans
	// are dropped, never waited for. 0 means 8192.
	QueueSize int
	Logger    *slog.Logger
}

// Defaults of Options.
const (
	DefaultExportTimeout = 5 * time.Second
	DefaultQueueSize     = 8192
	// batchTimeout is how long a span may wait for a full batch.
	batchTimeout = 2 * time.Second
)

// Provider is a running tracer provider.
type Provider struct {
	tp *sdktrace.TracerProvider
}

// New builds a tracer provider that exports to o.Endpoint. Nothing is
// dialled here: a collector that is down shows as failed exports (logged
// as warnings), never as a slower run.
func New(o Options) (*Provider, error) {
	endpoint, err := EndpointURL(o.Endpoint)
	if err != nil {
		return nil, err
	}
	timeout := o.ExportTimeout
	if timeout <= 0 {
		timeout = DefaultExportTimeout
	}
	exp, err := otlptracehttp.New(context.Background(),
		otlptracehttp.WithEndpointURL(endpoint),
		otlptracehttp.WithHeaders(o.Headers),
		otlptracehttp.WithTimeout(timeout),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{
			Enabled: true, InitialInterval: 500 * time.Millisecond, MaxInterval: 2 * time.Second, MaxElapsedTime: timeout,
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
	}
	if o.Logger != nil {
		setErrorHandler(o.Logger)
	}
	return NewWithExporter(exp, o), nil
}

// NewWithExporter builds a tracer provider that sends to exp through the
// same bounded, dropping batch processor as New (tests and benchmarks pass
// an in-memory or discarding exporter).
func NewWithExporter(exp sdktrace.SpanExporter, o Options) *Provider {
	timeout := o.ExportTimeout
	if timeout <= 0 {
		timeout = DefaultExportTimeout
	}
	queue := o.QueueSize
	if queue <= 0 {
		queue = DefaultQueueSize
	}
	bsp := sdktrace.NewBatchSpanProcessor(exp,
		sdktrace.WithMaxQueueSize(queue),
		sdktrace.WithMaxExportBatchSize(min(queue, 512)),
		sdktrace.WithBatchTimeout(batchTimeout),
		sdktrace.WithExportTimeout(timeout),
		// No WithBlocking: a full queue drops the span.
	)
	name := o.ServiceName
	if name == "" {
		name = "llm-test-bench"
	}
	attrs := []attribute.KeyValue{semconv.ServiceName(name)}
	if o.Version != "" {
		attrs = append(attrs, semconv.ServiceVersion(o.Version))
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(bsp),
		sdktrace.WithResource(resource.NewWithAttributes(semconv.SchemaURL, attrs...)),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(o.SampleRatio))),
	)
	return &Provider{tp: tp}
}

// Tracer is the project's tracer from this provider.
func (p *Provider) Tracer() trace.Tracer {
	return p.tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL))
}

// TracerProvider is the provider for instrumentation that takes one
// (the API server's HTTP middleware).
func (p *Provider) TracerProvider() trace.TracerProvider { return p.tp }

// Shutdown exports what is queued and stops, giving up at ctx's deadline:
// spans not sent by then are lost, the caller is not held.
func (p *Provider) Shutdown(ctx context.Context) error {
	if err := p.tp.Shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: flush spans: %w", err)
	}
	return nil
}

// ForceFlush exports the spans ended so far, until ctx ends.
func (p *Provider) ForceFlush(ctx context.Context) error {
	if err := p.tp.ForceFlush(ctx); err != nil {
		return fmt.Errorf("tracing: flush spans: %w", err)
	}
	return nil
}

// EndpointURL checks a collector URL and adds the OTLP traces path when
// it has none.
func EndpointURL(s string) (string, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", errors.New("tracing: the OTLP endpoint is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", errors.New("tracing: the OTLP endpoint must be an http:// or https:// URL")
	case u.Host == "":
		return "", errors.New("tracing: the OTLP endpoint names no host")
	case u.User != nil:
		return "", errors.New("tracing: put collector credentials in otlp_headers, not in the endpoint URL")
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/traces"
	}
	return u.String(), nil
}

// setErrorHandler sends the SDK's errors (failed exports) to log instead
// of the standard logger. The handler is process-wide in OpenTelemetry.
func setErrorHandler(log *slog.Logger) {
	log = log.With("component", "tracing")
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		log.Warn("span export failed", "error", err)
	}))
}
