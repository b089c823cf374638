package tracing

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel/propagation"
)

// toProviders is the propagator toward model vendors: W3C Trace Context
// (traceparent, tracestate) only. Baggage is never sent to a third party:
// it may carry internal data.
var toProviders propagation.TraceContext

// Inject writes ctx's trace context into h for an outgoing provider
// request. Without a valid span in ctx (tracing off) it writes nothing.
func Inject(ctx context.Context, h http.Header) {
	toProviders.Inject(ctx, propagation.HeaderCarrier(h))
}

// Propagator is the propagator of the API server's incoming requests:
// Trace Context only, as toward providers, so a caller's baggage is
// neither read nor passed on.
func Propagator() propagation.TextMapPropagator { return toProviders }
