package event

import (
	"encoding/json"

	"io"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func benchResult() *bench.Result {
	return &bench.Result{
		ID: "0193a6c2-7f3e-7b1a-9d2e-5f7c8a9b0c1d", RunID: "0193a6c2-7f3e-7b1a-9d2e-000000000000", CaseID: "c123", PromptID: "default",
		Provider: "openai:sim", Model: "sim", Status: bench.StatusSuccess, Prompt: "What is 123 plus 123? Answer with the number.",
		Response: "What is 123 plus 123? Answer with the number.", FinishReason: "stop", LatencyMs: 1.234, TTFTMs: 0.5,
		Tokens: bench.Usage{Prompt: 12, Completion: 12, Total: 24}, Cost: bench.Cost{Currency: "USD"},
		Scores: map[string]bench.Score{"contains": {Score: 1, Pass: true}, "latency": {Score: 1, Pass: true}},
		Score:  1, Passed: true, CreatedAt: time.Now(),
	}
}

// BenchmarkEncodeEvents measures what --events spends per result: one
// attempt event and one result event encoded as JSON lines.
func BenchmarkEncodeEvents(b *testing.B) {
	benchEncode(b, NewEncoder(io.Discard).Encode)
}

// BenchmarkEncodeEventsStdlib is the same with encoding/json, the baseline
// the Encoder is measured against.
func BenchmarkEncodeEventsStdlib(b *testing.B) {
	enc := json.NewEncoder(io.Discard)
	enc.SetEscapeHTML(false)
	benchEncode(b, func(e Event) error { return enc.Encode(e) })
}

func benchEncode(b *testing.B, encode func(Event) error) {
	r := benchResult()
	at := &Attempt{Number: 1, Provider: "openai:sim", CaseID: "c123", Wait: WaitNone}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if err := encode(Event{Type: TypeAttempt, RunID: r.RunID, Time: now, Attempt: at}); err != nil {
			b.Fatal(err)
		}
		if err := encode(Event{Type: TypeResult, RunID: r.RunID, Time: now, ResultReady: &ResultReady{Result: r}}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEncoderMatchesStdlib: the fast encoder writes what encoding/json
// writes, so the documented schema holds whichever encodes it.
func TestEncoderMatchesStdlib(t *testing.T) {
	t.Parallel()
	r := benchResult()
	r.Metadata = map[string]any{"b": 1, "a": []any{"x", 2.5}, "html": "<&>"}
	r.Tags = []string{"t1"}
	r.Error = &bench.ErrorInfo{Kind: "rate_limited", Message: "slow down", Status: 429}
	evs := []Event{
		{Type: TypeRunStarted, RunID: "r", Time: r.CreatedAt, Started: &Started{Total: 3, Providers: []string{"a"}}},
		{Type: TypeAttempt, RunID: "r", Time: r.CreatedAt, Attempt: &Attempt{Number: 2, Provider: "a", CaseID: "c", Wait: WaitRetryAfter, WaitMs: 12.5, Error: "rate_limited"}},
		{Type: TypeResult, RunID: "r", Time: r.CreatedAt, ResultReady: &ResultReady{Result: r}},
		{Type: TypeRunFinished, RunID: "r", Time: r.CreatedAt, Finished: &Finished{Status: bench.RunCompleted, Totals: bench.Totals{Results: 3, CostUSD: 0.25}}},
	}
	for _, ev := range evs {
		var fast, std strings.Builder
		if err := NewEncoder(&fast).Encode(ev); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&std)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(ev); err != nil {
			t.Fatal(err)
		}
		if fast.String() != std.String() {
			t.Errorf("%s:\nfast %s\nstd  %s", ev.Type, fast.String(), std.String())
		}
	}
}
