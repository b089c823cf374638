package httpcall

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/trace"
)

// TestTraceContextWithoutBaggage: a call made under a span sends its
// traceparent and tracestate, never the context's baggage; without a span
// no trace header is sent. A signature is computed after the headers are set.
func TestTraceContextWithoutBaggage(t *testing.T) {
	t.Parallel()
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ts, _ := trace.ParseTraceState("vendor=x")
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled, TraceState: ts})
	m, _ := baggage.NewMember("tenant", "internal")
	bag, _ := baggage.New(m)
	withBag := baggage.ContextWithBaggage(context.Background(), bag)
	tests := []struct {
		name       string
		ctx        context.Context
		wantParent string
		wantState  string
	}{
		{"span and baggage", trace.ContextWithSpanContext(withBag, sc), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=x"},
		{"baggage, no span", withBag, "", ""},
		{"nothing", context.Background(), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got http.Header
			srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
			defer srv.Close()
			var signed string
			c := New(Options{Vendor: "v", BaseURL: srv.URL, Sign: func(req *http.Request, _ []byte) error {
				signed = req.Header.Get("Traceparent")
				return nil
			}})
			resp, err := c.Do(tc.ctx, http.MethodPost, "/x", []byte(`{}`), "")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if p, s := got.Get("Traceparent"), got.Get("Tracestate"); p != tc.wantParent || s != tc.wantState {
				t.Errorf("traceparent %q tracestate %q, want %q %q", p, s, tc.wantParent, tc.wantState)
			}
			if signed != tc.wantParent {
				t.Errorf("the signature saw traceparent %q, want %q", signed, tc.wantParent)
			}
			if b := got.Values("Baggage"); len(b) != 0 {
				t.Errorf("baggage %q sent to the provider", b)
			}
		})
	}
}
