package benchmarks

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// TestSubmittedRunIsAChildOfTheRequest: a queued benchmark runs after its
// request has ended, yet its run span has the request's span as parent,
// so its results carry the request's trace.
func TestSubmittedRunIsAChildOfTheRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := &fixture{t: t, dir: dir, dbPath: filepath.Join(dir, "ltb.db"), pub: &recorder{}}
	f.st = openStore(t, f.dbPath)
	f.cfg = loadConfig(t, configBody("1ms"))
	f.o = Options{DatasetsDir: filepath.Join(dir, "datasets"), DataDir: filepath.Join(dir, "data"), Simulate: true}
	for _, d := range []string{f.o.DatasetsDir, f.o.DataDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exp := tracetest.NewInMemoryExporter()
	svc := session.New(f.cfg, f.st, nil)
	svc.Tracing = tracing.NewWithExporter(exp, tracing.Options{SampleRatio: 1})
	m := New(svc, f.st, f.pub, f.cfg, f.o)
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
		_ = svc.Close()
		_ = svc.Tracing.Shutdown(ctx)
	})
	f.m = m

	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	request := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	ctx, cancel := context.WithCancel(trace.ContextWithSpanContext(context.Background(), request))
	run, err := m.Submit(ctx, "user-1", Request{Datasets: []string{f.cases("math.jsonl", 3)}, Providers: []string{"openai:gpt-4o-mini"}})
	cancel() // the request is over
	if err != nil {
		t.Fatal(err)
	}
	if done := waitStatus(t, f.st, run.ID, 30*time.Second, bench.RunCompleted, bench.RunFailed); done.Status != bench.RunCompleted {
		t.Fatalf("run ended %s", done.Status)
	}
	if err := svc.Tracing.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var runSpan *tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		if s.Name == tracing.SpanRun {
			runSpan = &s
		}
	}
	if runSpan == nil || runSpan.Parent.SpanID() != sid || runSpan.SpanContext.TraceID() != tid {
		t.Fatalf("run span %+v: want a child of the request's span %s", runSpan, sid)
	}
	n := 0
	for r, err := range f.st.Results(context.Background(), run.ID, store.ResultFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if r.TraceID != tid.String() {
			t.Errorf("result %s in trace %q, want the request's %s", r.CaseID, r.TraceID, tid)
		}
	}
	if n != 3 {
		t.Errorf("%d results, want 3", n)
	}
}
