package promexp

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/llm-test-bench/llm-test-bench/bench"
	_ "github.com/llm-test-bench/llm-test-bench/eval/all"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
)

// feed publishes evs on a bus the engine watches and waits until the
// watcher has seen them all.
func feed(t *testing.T, e *Engine, evs ...event.Event) {
	t.Helper()
	bus := event.NewBus()
	done := e.Watch(bus)
	for _, ev := range evs {
		bus.Publish(ev)
	}
	bus.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the watcher did not finish")
	}
}

func result(r bench.Result) event.Event {
	return event.Event{Type: event.TypeResult, ResultReady: &event.ResultReady{Result: &r}}
}

func TestObserveRun(t *testing.T) {
	t.Parallel()
	e := New("1.2.3")
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	judge := &bench.JudgeInfo{Provider: "openai:gpt-4o-mini", Model: "gpt-4o-mini", Calls: 3, Cached: 1,
		Tokens: bench.Usage{Prompt: 100, Completion: 20}, CostUSD: 0.5}
	ok := bench.Result{Provider: "a:m", Model: "m", Status: bench.StatusSuccess, Passed: true,
		LatencyMs: 300, TTFTMs: 40, Tokens: bench.Usage{Prompt: 10, Completion: 5}, Cost: bench.Cost{Total: 0.25},
		Scores: map[string]bench.Score{
			"contains": {Score: 1, Pass: true}, "contains#1": {Score: 0.35},
			"faithfulness": {Score: 0.8, Judge: judge}, "llm-rubric": bench.Unscored("no verdict", ""),
		}}
	failed := ok
	failed.Passed, failed.Scores, failed.LatencyMs, failed.TTFTMs = false, nil, 1500, 0
	errResult := func(kind string, status int, st bench.Status) event.Event {
		return result(bench.Result{Provider: "a:m", Model: "m", Status: st, LatencyMs: 100,
			Error: &bench.ErrorInfo{Kind: kind, Status: status}})
	}
	feed(t, e,
		event.Event{Type: event.TypeRunStarted, Time: t0, Started: &event.Started{Total: 10}},
		event.Event{Type: event.TypeAttempt, Attempt: &event.Attempt{Number: 1, Provider: "a:m", Error: "rate_limited"}},
		event.Event{Type: event.TypeAttempt, Attempt: &event.Attempt{Number: 2, Provider: "a:m"}},
		result(ok), result(failed),
		errResult("rate_limited", 429, bench.StatusError),
		errResult("transient", 503, bench.StatusError),
		errResult("transient", 0, bench.StatusError),
		errResult("timeout", 0, bench.StatusTimeout),
		errResult("cancelled", 0, bench.StatusCancelled),
		errResult("a-kind-nobody-knows", 418, bench.StatusError),
		result(bench.Result{Provider: "a:m", Model: "m", Status: bench.StatusSkipped}),
		result(bench.Result{Provider: "a:m", Model: "m", Status: bench.StatusSuccess, Passed: true, Cached: true, LatencyMs: 900, Cost: bench.Cost{Total: 9}}),
		result(bench.Result{Provider: "a:m", Model: "m", Status: bench.StatusSuccess, FinishReason: "content_filter", LatencyMs: 200}),
		event.Event{Type: event.TypeBudgetReached, BudgetReached: &event.BudgetReached{}},
		event.Event{Type: event.TypeRunFinished, Time: t0.Add(90 * time.Second), Finished: &event.Finished{Status: bench.RunCompleted}},
	)

	for _, tc := range []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"benchmarks completed", e.benchmarks.WithLabelValues("completed"), 1},
		{"active benchmarks", e.activeBenchmarks, 0},
		{"budget reached", e.budgetReached, 1},
		{"tests success", e.tests.WithLabelValues("a:m", "success"), 2},
		{"tests failure", e.tests.WithLabelValues("a:m", "failure"), 2},
		{"tests error", e.tests.WithLabelValues("a:m", "error"), 4},
		{"tests timeout", e.tests.WithLabelValues("a:m", "timeout"), 1},
		{"tests skipped", e.tests.WithLabelValues("a:m", "skipped"), 1},
		{"tests cancelled", e.tests.WithLabelValues("a:m", "cancelled"), 1},
		// Every call but the skipped and the cached one reached the provider.
		{"requests", e.requests.WithLabelValues("a:m", "m"), 9},
		{"judge requests", e.requests.WithLabelValues("openai:gpt-4o-mini", "gpt-4o-mini"), 2},
		{"cache hits", e.cacheHits.WithLabelValues("a:m", "m"), 1},
		{"cost (the cached 9 USD not counted)", e.cost.WithLabelValues("a:m", "m"), 0.5},
		{"judge cost", e.cost.WithLabelValues("openai:gpt-4o-mini", "gpt-4o-mini"), 0.5},
		{"prompt tokens", e.tokens.WithLabelValues("a:m", "m", "prompt"), 20},
		{"completion tokens", e.tokens.WithLabelValues("a:m", "m", "completion"), 10},
		{"judge prompt tokens", e.tokens.WithLabelValues("openai:gpt-4o-mini", "gpt-4o-mini", "prompt"), 100},
		{"eval cache hits", e.evalCacheHits, 1},
		{"eval cache misses", e.evalCacheMisses, 2},
		{"rate limit", e.errors.WithLabelValues("a:m", ErrRateLimit), 1},
		{"server", e.errors.WithLabelValues("a:m", ErrServer), 1},
		{"network", e.errors.WithLabelValues("a:m", ErrNetwork), 1},
		{"timeout", e.errors.WithLabelValues("a:m", ErrTimeout), 1},
		{"canceled", e.errors.WithLabelValues("a:m", ErrCanceled), 1},
		{"unknown kind", e.errors.WithLabelValues("a:m", ErrOther), 1},
		{"content filter", e.errors.WithLabelValues("a:m", ErrContentFilter), 1},
		{"attempt errors", e.retries.WithLabelValues("a:m", ErrRateLimit), 1},
		{"dropped", e.dropped, 0},
	} {
		if got := testutil.ToFloat64(tc.c); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}

	// Latency: only the 3 successful calls not served from the cache.
	if got := histogram(t, e.latency, "a:m", "m"); got.GetSampleCount() != 3 || got.GetSampleSum() != 2.0 {
		t.Errorf("latency: count %d sum %v, want 3 and 2.0", got.GetSampleCount(), got.GetSampleSum())
	}
	if got := histogram(t, e.ttft, "a:m", "m"); got.GetSampleCount() != 1 || got.GetSampleSum() != 0.04 {
		t.Errorf("ttft: count %d sum %v, want 1 and 0.04", got.GetSampleCount(), got.GetSampleSum())
	}
	bd := histogram(t, e.benchmarkDuration)
	if bd.GetSampleCount() != 1 || bd.GetSampleSum() != 90 {
		t.Errorf("benchmark duration: count %d sum %v, want 1 and 90", bd.GetSampleCount(), bd.GetSampleSum())
	}
	// Scores: "contains" and its repeat share a label; the unscored one is left out.
	contains := histogram(t, e.score, "contains")
	if got := cumulative(contains); !cmp.Equal(got, []uint64{0, 0, 0, 1, 1, 1, 1, 1, 1, 2}) {
		t.Errorf("contains buckets (le 0.1..1) = %v", got)
	}
	if got := histogram(t, e.score, "faithfulness"); got.GetSampleCount() != 1 {
		t.Errorf("faithfulness: %d samples, want 1", got.GetSampleCount())
	}
	if n := testutil.CollectAndCount(e.score); n != 2 {
		t.Errorf("%d evaluator series, want 2 (contains, faithfulness)", n)
	}
	// error_type stays within the closed set.
	for _, m := range gather(t, e, "llm_provider_errors_total") {
		for _, l := range m.GetLabel() {
			if l.GetName() == "error_type" && !slices.Contains(ErrorTypes, l.GetValue()) {
				t.Errorf("error_type %q is outside the closed set", l.GetValue())
			}
		}
	}
	if problems, err := testutil.GatherAndLint(registry(t, e)); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}

// TestActiveBenchmarks checks the gauge while a run goes and after a run
// whose finished event never came.
func TestActiveBenchmarks(t *testing.T) {
	t.Parallel()
	e := New("")
	bus := event.NewBus()
	done := e.Watch(bus)
	bus.Publish(event.Event{Type: event.TypeRunStarted, Time: time.Now()})
	deadline := time.Now().Add(5 * time.Second)
	for testutil.ToFloat64(e.activeBenchmarks) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the gauge never reached 1")
		}
		time.Sleep(time.Millisecond)
	}
	bus.Close()
	<-done
	if got := testutil.ToFloat64(e.activeBenchmarks); got != 0 {
		t.Errorf("after the stream closed: %v active, want 0", got)
	}
	if n := testutil.CollectAndCount(e.benchmarks); n != 0 {
		t.Errorf("a run without a finished event counted as finished: %d series", n)
	}
}

func TestErrorType(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind   string
		status int
		want   string
	}{
		{"rate_limited", 429, ErrRateLimit},
		{"overloaded", 529, ErrServer},
		{"auth", 401, ErrAuth},
		{"bad_request", 400, ErrInvalidRequest},
		{"context_length", 400, ErrInvalidRequest},
		{"timeout", 0, ErrTimeout},
		{"transient", 502, ErrServer},
		{"transient", 0, ErrNetwork},
		{"transient", 200, ErrNetwork},
		{"transient", StatusUnknown, ErrOther},
		{"transient", 409, ErrOther},
		{"cancelled", 0, ErrCanceled},
		{"content_filter", 0, ErrContentFilter},
		{"", 0, ErrOther},
		{"something_new", 500, ErrOther},
	} {
		if got := ErrorType(tc.kind, tc.status); got != tc.want {
			t.Errorf("ErrorType(%q, %d) = %q, want %q", tc.kind, tc.status, got, tc.want)
		}
	}
}

// TestLabelsBounded checks that provider labels stop growing at the limit
// and that odd values become valid label values.
func TestLabelsBounded(t *testing.T) {
	t.Parallel()
	e := New("")
	evs := make([]event.Event, 0, maxTargets+50)
	for i := range maxTargets + 50 {
		evs = append(evs, result(bench.Result{Provider: "p" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune(i)), Model: "m", Status: bench.StatusSuccess}))
	}
	evs = append(evs, result(bench.Result{Provider: "bad\xff", Model: strings.Repeat("é", 200), Status: bench.StatusSuccess}))
	feed(t, e, evs...)
	// The limit, plus "other" with model m, plus "other" with the cut model.
	if n := testutil.CollectAndCount(e.requests); n != maxTargets+2 {
		t.Errorf("%d request series, want %d", n, maxTargets+2)
	}
	if got := testutil.ToFloat64(e.requests.WithLabelValues(overflow, strings.Repeat("é", maxLabelBytes/2))); got != 1 {
		t.Errorf("the odd result: %v, want 1 under other with its model cut to %d bytes", got, maxLabelBytes)
	}
	if got := testutil.ToFloat64(e.requests.WithLabelValues(overflow, "m")); got != 50 {
		t.Errorf("other got %v results, want 50", got)
	}
}

func TestTrimDup(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"contains#2": "contains", "contains": "contains", "a#b": "a#b", "x#": "x#", "#12": ""} {
		if got := trimDup(in); got != want {
			t.Errorf("trimDup(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "openai:gpt-4o", "bad\xff", strings.Repeat("é", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := clean(s)
		if got == "" || len(got) > maxLabelBytes || !utf8.ValidString(got) {
			t.Fatalf("clean(%q) = %q", s, got)
		}
		prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x_total", Help: "x"}, []string{"l"}).WithLabelValues(got).Inc()
	})
}

func histogram(t *testing.T, c prometheus.Collector, labels ...string) *dto.Histogram {
	t.Helper()
	var obs prometheus.Observer
	switch v := c.(type) {
	case *prometheus.HistogramVec:
		obs = v.WithLabelValues(labels...)
	case prometheus.Histogram:
		obs = v
	}
	var m dto.Metric
	if err := obs.(prometheus.Metric).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram()
}

func cumulative(h *dto.Histogram) []uint64 {
	out := make([]uint64, 0, len(h.GetBucket()))
	for _, b := range h.GetBucket() {
		out = append(out, b.GetCumulativeCount())
	}
	return out
}

func registry(t *testing.T, e *Engine) *prometheus.Registry {
	t.Helper()
	reg, err := NewRegistry(e)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func gather(t *testing.T, e *Engine, name string) []*dto.Metric {
	t.Helper()
	mfs, err := registry(t, e).Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()
		}
	}
	return nil
}

// BenchmarkObserveResult is what the watcher spends on one result event
// (a scored success with tokens, cost and time to first token): the
// per-result cost the metrics add to a run, on the watcher's goroutine.
func BenchmarkObserveResult(b *testing.B) {
	e := New("")
	st := &runState{}
	r := bench.Result{Provider: "openai:gpt-4o-mini", Model: "gpt-4o-mini", Status: bench.StatusSuccess, Passed: true,
		LatencyMs: 420, TTFTMs: 80, Tokens: bench.Usage{Prompt: 120, Completion: 40}, Cost: bench.Cost{Total: 0.0001},
		Scores: map[string]bench.Score{"contains": {Score: 1, Pass: true}}}
	ev := result(r)
	b.ReportAllocs()
	for b.Loop() {
		e.observe(st, ev)
	}
}
