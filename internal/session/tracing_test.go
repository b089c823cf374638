package session_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// declaredJudgeType is a model-graded assertion that says so
// (eval.ModelUser), as the real judges do: it is scored in the evaluation
// stage, under an evaluation span. It asks the judge whether the answer
// passes.
const declaredJudgeType = "session-test-declared-judge"

type declaredJudge struct{ eval.Func }

func (declaredJudge) Uses() eval.Uses { return eval.UsesJudge }

func init() {
	eval.Register(declaredJudgeType, declaredJudge{func(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
		j, err := in.Judges.Judge(ctx, a.Provider)
		if err != nil {
			return bench.Score{}, err
		}
		resp, err := j.Complete(ctx, provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: "Grade: " + in.Output}}})
		if err != nil {
			return bench.Score{Reason: err.Error()}, nil //nolint:nilerr // a failed judge call fails the check
		}
		return bench.Score{Score: 1, Pass: strings.Contains(resp.Text, "PASS")}, nil
	}})
}

// headerServer is an OpenAI-compatible provider (the simulator, always
// answering PASS) that keeps the trace headers of every call.
type headerServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []http.Header
}

func newHeaderServer(t *testing.T) *headerServer {
	t.Helper()
	sim, err := simulator.New(simulator.Config{Policy: simulator.PolicyScripted, DefaultAnswer: "PASS", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	hs := &headerServer{}
	h := sim.Handler()
	hs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			hs.mu.Lock()
			hs.seen = append(hs.seen, http.Header{
				"Traceparent": r.Header.Values("Traceparent"), "Tracestate": r.Header.Values("Tracestate"),
				"Baggage": r.Header.Values("Baggage"),
			})
			hs.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.Close(); sim.Close() })
	return hs
}

func (hs *headerServer) headers() []http.Header {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]http.Header(nil), hs.seen...)
}

const tracedConfig = `
[providers.target]
type = "openai"
base_url = "%s/v1"
api_key_env = "TRACE_TEST_KEY"
max_retries = 0
`

// runOneCase runs one case, graded by a judge on the same server, with
// baggage in the run's context; it returns the stored result.
func runOneCase(t *testing.T, svc *session.Service, st *recordingStore, cases string) bench.Result {
	t.Helper()
	m, err := baggage.NewMember("tenant", "internal-team-42")
	if err != nil {
		t.Fatal(err)
	}
	bag, err := baggage.New(m)
	if err != nil {
		t.Fatal(err)
	}
	ctx := baggage.ContextWithBaggage(context.Background(), bag)
	p, err := svc.Plan(ctx, session.Options{Datasets: []string{cases}, Providers: []string{"target:answer-model"}, NoCache: true}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := p.NewRun()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if res := r.Wait(); res.Err != nil || res.Run.Totals.Passed != 1 {
		t.Fatalf("run: %v, %+v; want one passed case", res.Err, res.Run.Totals)
	}
	rs := stored(t, st, r.ID())
	if len(rs) != 1 {
		t.Fatalf("%d results stored, want 1", len(rs))
	}
	return rs[0]
}

// TestTraceOfOneCase is issue 12's check: a trace of one case, captured
// in memory, shows run -> case -> provider call and case -> evaluation ->
// judge call, with the GenAI attributes; the stored result carries the
// case span's ids; the provider sees the call span as parent in
// traceparent and never the run's baggage.
func TestTraceOfOneCase(t *testing.T) {
	t.Parallel()
	hs := newHeaderServer(t)
	cfg := loadConfig(t, fmt.Sprintf(tracedConfig, hs.URL), "TRACE_TEST_KEY=sk-trace-test")
	st := openStore(t)
	svc := session.New(cfg, st, nil)
	exp := tracetest.NewInMemoryExporter()
	svc.Tracing = tracing.NewWithExporter(exp, tracing.Options{SampleRatio: 1})
	t.Cleanup(func() { _ = svc.Tracing.Shutdown(context.Background()) })
	cases := writeCases(t, "tr", 1, `{"type":"`+declaredJudgeType+`","provider":"target:judge-model"}`)

	res := runOneCase(t, svc, st, cases)
	if err := svc.Tracing.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	byName := map[string]tracetest.SpanStub{}
	for _, s := range spans {
		if _, dup := byName[s.Name]; dup {
			t.Errorf("two spans named %q", s.Name)
		}
		byName[s.Name] = s
	}
	run, cs, call, ev, judge := byName["run"], byName["case"], byName["chat answer-model"], byName["evaluate"], byName["chat judge-model"]
	if len(spans) != 5 {
		t.Fatalf("%d spans, want run, case, chat answer-model, evaluate, chat judge-model: %v", len(spans), names(spans))
	}
	for _, link := range []struct {
		child, parent tracetest.SpanStub
	}{{cs, run}, {call, cs}, {ev, cs}, {judge, ev}} {
		if link.child.Parent.SpanID() != link.parent.SpanContext.SpanID() || link.child.SpanContext.TraceID() != run.SpanContext.TraceID() {
			t.Errorf("span %q: parent %s, want %q (%s) in trace %s", link.child.Name, link.child.Parent.SpanID(), link.parent.Name, link.parent.SpanContext.SpanID(), run.SpanContext.TraceID())
		}
	}
	if run.Parent.IsValid() {
		t.Errorf("run span has parent %s, want a root", run.Parent.SpanID())
	}

	t.Run("result carries the case span's ids", func(t *testing.T) {
		if res.TraceID != cs.SpanContext.TraceID().String() || res.SpanID != cs.SpanContext.SpanID().String() {
			t.Errorf("result trace %q span %q; case span is trace %s span %s", res.TraceID, res.SpanID, cs.SpanContext.TraceID(), cs.SpanContext.SpanID())
		}
		if len(res.TraceID) != 32 || len(res.SpanID) != 16 {
			t.Errorf("ids %q, %q: want 32 and 16 hex digits", res.TraceID, res.SpanID)
		}
	})
	t.Run("GenAI attributes", func(t *testing.T) {
		for _, s := range []tracetest.SpanStub{call, judge} {
			if s.SpanKind != trace.SpanKindClient {
				t.Errorf("%s: kind %s, want client", s.Name, s.SpanKind)
			}
			got := attrs(s.Attributes)
			for k, want := range map[string]string{
				"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
				"gen_ai.response.finish_reasons": `["stop"]`, "llm_test_bench.attempt": "1",
			} {
				if got[k] != want {
					t.Errorf("%s: %s = %q, want %q", s.Name, k, got[k], want)
				}
			}
			for _, k := range []string{"gen_ai.request.model", "gen_ai.response.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"} {
				if got[k] == "" || got[k] == "0" {
					t.Errorf("%s: no %s in %v", s.Name, k, got)
				}
			}
		}
		if m := attrs(call.Attributes)["gen_ai.request.model"]; m != "answer-model" {
			t.Errorf("call request model %q", m)
		}
		if got := attrs(cs.Attributes); got["llm_test_bench.case.id"] != "tr0000" || got["llm_test_bench.passed"] != "true" {
			t.Errorf("case span attributes %v", got)
		}
	})
	t.Run("trace context to the provider, no baggage", func(t *testing.T) {
		seen := hs.headers()
		if len(seen) != 2 {
			t.Fatalf("%d provider calls, want 2 (answer, judge)", len(seen))
		}
		want := map[string]bool{
			"00-" + run.SpanContext.TraceID().String() + "-" + call.SpanContext.SpanID().String() + "-01":  true,
			"00-" + run.SpanContext.TraceID().String() + "-" + judge.SpanContext.SpanID().String() + "-01": true,
		}
		for _, h := range seen {
			if tp := h.Get("Traceparent"); !want[tp] {
				t.Errorf("traceparent %q, want one of the call spans %v", tp, want)
			}
			if b := h.Values("Baggage"); len(b) != 0 {
				t.Errorf("baggage %q reached the provider", b)
			}
		}
	})
}

// TestNoTracingNoIDs: with tracing off, results carry no ids and the
// provider gets no trace context.
func TestNoTracingNoIDs(t *testing.T) {
	t.Parallel()
	hs := newHeaderServer(t)
	cfg := loadConfig(t, fmt.Sprintf(tracedConfig, hs.URL), "TRACE_TEST_KEY=sk-trace-test")
	st := openStore(t)
	svc := session.New(cfg, st, nil)
	defer svc.Close()
	res := runOneCase(t, svc, st, writeCases(t, "nt", 1, `{"type":"`+judgeType+`","provider":"target:judge-model"}`))
	if res.TraceID != "" || res.SpanID != "" {
		t.Errorf("untraced result has trace %q span %q", res.TraceID, res.SpanID)
	}
	for _, h := range hs.headers() {
		if len(h.Values("Traceparent")) != 0 || len(h.Values("Baggage")) != 0 {
			t.Errorf("untraced call sent %v", h)
		}
	}
}

func names(spans tracetest.SpanStubs) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = s.Name
	}
	return out
}

func attrs(kvs []attribute.KeyValue) map[string]string {
	out := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		out[string(kv.Key)] = kv.Value.String()
	}
	return out
}

// blackhole accepts connections and never answers: a collector that hangs.
func blackhole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// TestHungCollectorDoesNotHoldARun: tracing configured in [monitoring]
// toward a collector that accepts and never answers; a simulator run
// finishes with every result traced, and closing the service (which
// flushes) gives up after its deadline instead of waiting for the
// collector.
func TestHungCollectorDoesNotHoldARun(t *testing.T) {
	t.Parallel()
	cfg := loadConfig(t, fmt.Sprintf(`
[monitoring]
enable_tracing = true
otlp_endpoint = %q
otlp_timeout_seconds = 1
[monitoring.otlp_headers]
Authorization = "Bearer collector-secret"
[providers.simulator.options]
policy = "echo"
latency = "1ms"
`, blackhole(t)))
	st := openStore(t)
	svc := session.New(cfg, st, nil)
	const n = 300
	p, err := svc.Plan(context.Background(), session.Options{Datasets: []string{writeCases(t, "bh", n, "")}, Providers: []string{"simulator:fast"}, Concurrency: 8}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := p.NewRun()
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := r.Wait()
	if res.Err != nil || res.Run.Totals.Results != n {
		t.Fatalf("run: %v, %d results; want %d", res.Err, res.Run.Totals.Results, n)
	}
	for _, rr := range stored(t, st, r.ID()) {
		if len(rr.TraceID) != 32 || len(rr.SpanID) != 16 {
			t.Fatalf("result %s: trace %q span %q; want ids from [monitoring] tracing", rr.CaseID, rr.TraceID, rr.SpanID)
		}
	}
	start := time.Now()
	_ = svc.Close() // the flush fails: nothing answers
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("closing took %s with a hung collector; the flush deadline is 5s", d)
	}
}
