package tracing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestEndpointURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, err string
	}{
		{in: "http://127.0.0.1:4318", want: "http://127.0.0.1:4318/v1/traces"},
		{in: "http://127.0.0.1:4318/", want: "http://127.0.0.1:4318/v1/traces"},
		{in: "https://otlp.example/otlp/v1/traces", want: "https://otlp.example/otlp/v1/traces"},
		{in: "grpc://collector:4317", err: "http:// or https://"},
		{in: "127.0.0.1:4318", err: "not a URL"},
		{in: "collector:4318", err: "http:// or https://"},
		{in: "http:///v1/traces", err: "no host"},
		{in: "https://user:hunter2@otlp.example", err: "otlp_headers"},
		{in: "http://a b", err: "not a URL"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := EndpointURL(tc.in)
			switch {
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("EndpointURL(%q) = %q, %v; want an error saying %q", tc.in, got, err, tc.err)
			case tc.err == "" && (err != nil || got != tc.want):
				t.Errorf("EndpointURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			case err != nil && strings.Contains(err.Error(), "hunter2"):
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func FuzzEndpointURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:4318", "https://u:p@h/x", "::", "http://[::1]:4318/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := EndpointURL(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(got, "http://") && !strings.HasPrefix(got, "https://") {
			t.Errorf("EndpointURL(%q) = %q: not an http(s) URL", s, got)
		}
		if again, err := EndpointURL(got); err != nil || again != got {
			t.Errorf("EndpointURL(%q) = %q, %v: not stable", got, again, err)
		}
	})
}

func TestProviderName(t *testing.T) {
	t.Parallel()
	for vendor, want := range map[string]string{
		"openai": "openai", "anthropic": "anthropic", "gemini": "gcp.gemini", "bedrock": "aws.bedrock",
		"mistral": "mistral_ai", "azure": "azure.ai.openai", "cohere": "cohere", "Ollama": "ollama", "simulator": "simulator",
	} {
		if got := ProviderName(vendor); got != want {
			t.Errorf("ProviderName(%q) = %q, want %q", vendor, got, want)
		}
	}
}

func TestErrorType(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&provider.Error{Kind: provider.KindRateLimited}, "rate_limited"},
		{fmt.Errorf("call: %w", &provider.Error{Kind: provider.KindTimeout}), "timeout"},
		{context.Canceled, "cancelled"},
		{errors.New("boom"), "_OTHER"},
	} {
		if got := ErrorType(tc.err); got != tc.want {
			t.Errorf("ErrorType(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
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

// TestHungCollectorNeverBlocks: with a collector that never answers and
// a queue far smaller than the spans made, ending spans never waits (the
// queue drops), and Shutdown gives up at its deadline. A blocking queue
// would hang here until the test's own deadline.
func TestHungCollectorNeverBlocks(t *testing.T) {
	t.Parallel()
	p, err := New(Options{Endpoint: blackhole(t), SampleRatio: 1, ExportTimeout: 200 * time.Millisecond, QueueSize: 16,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	tr := p.Tracer()
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx, run := StartRun(context.Background(), tr, "r")
		for i := range 5000 {
			cctx, cs := StartCase(ctx, tr, bench.Key{CaseID: fmt.Sprint(i)})
			_, call := StartCall(cctx, Call{System: "openai", Operation: OpChat, Model: "m", Attempt: 1})
			c := Call{System: "openai", Operation: OpChat, Model: "m", Attempt: 1}
			EndCall(call, &c, &provider.Response{Model: "m"}, nil)
			EndCase(cs, &bench.Result{Status: bench.StatusSuccess})
		}
		run.End()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("making spans blocked on a collector that does not answer")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_ = p.Shutdown(ctx) // a deadline error: the spans could not be sent
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Shutdown took %s past a 300ms deadline", d)
	}
}

// TestNothingWithoutTracing: without a tracer (tracing off) no span is
// started, results get no ids and requests no headers.
func TestNothingWithoutTracing(t *testing.T) {
	t.Parallel()
	ctx, run := StartRun(context.Background(), nil, "r")
	ctx, cs := StartCase(ctx, nil, bench.Key{})
	cctx, call := StartCall(ctx, Call{Operation: OpChat})
	ectx, ev := StartEvaluation(ctx, 3)
	if run.SpanContext().IsValid() || cs.SpanContext().IsValid() || call.SpanContext().IsValid() || ev.SpanContext().IsValid() {
		t.Error("a span was started with tracing off")
	}
	if cctx != ctx || ectx != ctx {
		t.Error("contexts were wrapped with tracing off")
	}
	var res bench.Result
	Stamp(ctx, &res)
	if res.TraceID != "" || res.SpanID != "" {
		t.Errorf("ids %q %q with tracing off", res.TraceID, res.SpanID)
	}
	h := map[string][]string{}
	Inject(ctx, h)
	if len(h) != 0 {
		t.Errorf("headers %v with tracing off", h)
	}
}
