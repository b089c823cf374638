package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

const (
	callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan  = "00f067aa0ba902b7"
)

// TestRequestSpanIsTheRunsParent: with tracing on, a submission's
// request gets a server span named after its route, continuing the
// caller's traceparent (never its baggage), and the benchmark is submitted
// under it; its results are then found by their trace id.
func TestRequestSpanIsTheRunsParent(t *testing.T) {
	t.Parallel()
	st := &memStore{}
	mgr := &fakeManager{st: st, running: 2, queue: 10}
	exp := tracetest.NewInMemoryExporter()
	tp := tracing.NewWithExporter(exp, tracing.Options{SampleRatio: 1})
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	svc := api.New(api.Deps{Store: st, Manager: mgr, Providers: fakeProviders{}, Config: config.Default()})
	srv, err := New(Options{Service: svc, Auth: newEnv(t).auth, Store: st, Manager: mgr, TracerProvider: tp.TracerProvider()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(contract(t, srv.Handler()))
	t.Cleanup(hs.Close)
	e := &env{t: t, url: hs.URL, st: st, mgr: mgr, srv: srv, auth: srv.o.Auth.(*tokenAuth)}

	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, hs.URL+"/api/v1/benchmarks",
		strings.NewReader(`{"name":"traced","datasets":["builtin:math"],"providers":["simulator:a","simulator:b"]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer alice")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
	req.Header.Set("Baggage", "tenant=internal")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	if err := tp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var server *tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		if s.Name == "POST /api/v1/benchmarks" {
			server = &s
		}
	}
	if server == nil {
		t.Fatalf("no span named after the route in %v", exp.GetSpans())
	}
	if server.SpanKind != trace.SpanKindServer || server.SpanContext.TraceID().String() != callerTrace || server.Parent.SpanID().String() != callerSpan {
		t.Errorf("server span %s in trace %s, parent %s; want a server span continuing %s/%s", server.SpanKind, server.SpanContext.TraceID(), server.Parent.SpanID(), callerTrace, callerSpan)
	}
	mgr.mu.Lock()
	parent, bag := mgr.parent, mgr.bag
	mgr.mu.Unlock()
	if parent.SpanID() != server.SpanContext.SpanID() {
		t.Errorf("submitted under span %s, want the request's %s", parent.SpanID(), server.SpanContext.SpanID())
	}
	if bag.Len() != 0 {
		t.Errorf("the caller's baggage was taken in: %s", bag)
	}

	var page api.Page[bench.Result]
	got := e.do("alice", "GET", "/api/v1/results?trace_id="+strings.ToUpper(callerTrace), nil)
	got.decode(t, &page)
	if got.status != 200 || len(page.Items) != 2 {
		t.Errorf("results of trace: %d, %d items; want 2", got.status, len(page.Items))
	}
	for _, r := range page.Items {
		if r.TraceID != callerTrace || len(r.SpanID) != 16 {
			t.Errorf("result trace %q span %q", r.TraceID, r.SpanID)
		}
	}
	none := e.do("alice", "GET", "/api/v1/results?trace_id=0af7651916cd43dd8448eb211c80319c", nil)
	none.decode(t, &page)
	if none.status != 200 || len(page.Items) != 0 {
		t.Errorf("results of another trace: %d, %d items; want none", none.status, len(page.Items))
	}
	for _, bad := range []string{"xyz", callerTrace + "0", strings.Repeat("0", 32)} {
		if a := e.do("alice", "GET", "/api/v1/results?trace_id="+bad, nil); a.status != 400 {
			t.Errorf("trace_id=%s: %d, want 400", bad, a.status)
		}
	}
}
