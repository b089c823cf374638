package session

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// flushTimeout bounds the export of the spans still queued when the
// service closes: a collector that is down costs at most this, once.
const flushTimeout = 5 * time.Second

// TracingOptions are the tracer provider's options from [monitoring].
func TracingOptions(m config.Monitoring) tracing.Options {
	return tracing.Options{
		Endpoint: m.OTLPEndpoint, Headers: m.OTLPHeaders, SampleRatio: m.SampleRatio,
		ServiceName: m.ServiceName, ExportTimeout: time.Duration(m.OTLPTimeoutSeconds) * time.Second,
	}
}

// tracer is the runs' tracer: the service's Tracing when set, else one
// built from [monitoring] on first use when enable_tracing is on (the
// service then shuts it down on Close); nil when tracing is off.
func (s *Service) tracer() (trace.Tracer, error) {
	s.traceOnce.Do(func() {
		if s.Tracing != nil || !s.cfg.Monitoring.EnableTracing {
			return
		}
		o := TracingOptions(s.cfg.Monitoring)
		o.Logger = s.log
		s.Tracing, s.traceErr = tracing.New(o)
		s.ownTracing = s.traceErr == nil
	})
	if s.traceErr != nil {
		return nil, configErr("[monitoring] tracing: %v", s.traceErr)
	}
	if s.Tracing == nil {
		return nil, nil
	}
	return s.Tracing.Tracer(), nil
}

// TracerProvider is the provider of the runs' spans, for the API server's
// HTTP spans; nil when tracing is off.
func (s *Service) TracerProvider() (trace.TracerProvider, error) {
	if _, err := s.tracer(); err != nil || s.Tracing == nil {
		return nil, err
	}
	return s.Tracing.TracerProvider(), nil
}

// closeTracing exports the spans still queued, within flushTimeout, when
// the service built the tracer provider.
func (s *Service) closeTracing() error {
	if !s.ownTracing {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	return s.Tracing.Shutdown(ctx)
}
