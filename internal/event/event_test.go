package event

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

var at = time.Date(2025, 3, 1, 12, 30, 45, 123000000, time.UTC)

func sampleResult() *bench.Result {
	return &bench.Result{
		ID: "res-1", RunID: "run-1", CaseID: "case-1", PromptID: "p", Provider: "openai:gpt-4o",
		Model: "gpt-4o", Status: bench.StatusSuccess, Response: "4", LatencyMs: 120.5,
		Tokens: bench.Usage{Prompt: 10, Completion: 1, Total: 11},
		Cost:   bench.Cost{Input: 0.001, Output: 0.002, Total: 0.003, Currency: "USD"},
		Scores: map[string]bench.Score{"exact": {Score: 1, Pass: true}}, Score: 1, Passed: true,
		CreatedAt: at,
	}
}

// common are the keys every line has.
var common = []string{"type", "run_id", "time"}

func TestEventJSONIsFlat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ev       Event
		wantType string
		keys     []string // besides type, run_id and time
		check    func(t *testing.T, m map[string]any)
	}{
		{
			name:     "run started",
			ev:       Event{Type: TypeRunStarted, Started: &Started{Total: 12, Cases: 3, Prompts: 2, Providers: []string{"a", "b"}, Repetitions: 1}},
			wantType: "run_started",
			keys:     []string{"total", "cases", "prompts", "providers", "repetitions", "resumed"},
			check: func(t *testing.T, m map[string]any) {
				if m["total"] != 12.0 || !cmp.Equal(m["providers"], []any{"a", "b"}) {
					t.Errorf("total %v providers %v", m["total"], m["providers"])
				}
			},
		},
		{
			name:     "first attempt",
			ev:       Event{Type: TypeAttempt, Attempt: &Attempt{Number: 1, Provider: "openai:gpt-4o", CaseID: "case-1", Wait: WaitNone}},
			wantType: "attempt",
			keys:     []string{"attempt", "provider", "case_id", "wait", "wait_ms"},
			check: func(t *testing.T, m map[string]any) {
				if m["attempt"] != 1.0 || m["wait"] != "none" || m["wait_ms"] != 0.0 || m["case_id"] != "case-1" || m["provider"] != "openai:gpt-4o" {
					t.Errorf("attempt fields %v", m)
				}
			},
		},
		{
			name:     "failed retry after Retry-After",
			ev:       Event{Type: TypeAttempt, Attempt: &Attempt{Number: 3, Provider: "p", CaseID: "c", Wait: WaitRetryAfter, WaitMs: 7000.5, Error: "rate_limited"}},
			wantType: "attempt",
			keys:     []string{"attempt", "provider", "case_id", "wait", "wait_ms", "error"},
			check: func(t *testing.T, m map[string]any) {
				if m["attempt"] != 3.0 || m["wait"] != "retry_after" || m["wait_ms"] != 7000.5 || m["error"] != "rate_limited" {
					t.Errorf("attempt fields %v", m)
				}
			},
		},
		{
			name:     "result",
			ev:       Event{Type: TypeResult, ResultReady: &ResultReady{Result: sampleResult()}},
			wantType: "result",
			keys:     []string{"result"},
			check: func(t *testing.T, m map[string]any) {
				r, ok := m["result"].(map[string]any)
				if !ok || r["case_id"] != "case-1" || r["provider"] != "openai:gpt-4o" || r["status"] != "success" {
					t.Errorf("result %v, want the record as an object", m["result"])
				}
			},
		},
		{
			name:     "batch saved",
			ev:       Event{Type: TypeBatchSaved, BatchSaved: &BatchSaved{Count: 64, Stored: 1024}},
			wantType: "batch_saved",
			keys:     []string{"count", "stored", "progress"},
		},
		{
			name:     "budget reached",
			ev:       Event{Type: TypeBudgetReached, BudgetReached: &BudgetReached{LimitUSD: 5, SpentUSD: 5.01}},
			wantType: "budget_reached",
			keys:     []string{"limit_usd", "spent_usd"},
		},
		{
			name: "run finished",
			ev: Event{Type: TypeRunFinished, Finished: &Finished{Status: bench.RunCompleted,
				Totals: bench.Totals{Results: 10, Succeeded: 9, Errored: 1, Passed: 8, Failed: 1, CostUSD: 0.25, Tokens: 900}}},
			wantType: "run_finished",
			keys:     []string{"status", "totals"},
			check: func(t *testing.T, m map[string]any) {
				tot, ok := m["totals"].(map[string]any)
				if m["status"] != "completed" || !ok || tot["results"] != 10.0 || tot["cost_usd"] != 0.25 {
					t.Errorf("status %v totals %v", m["status"], m["totals"])
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.ev.RunID, tc.ev.Time = "run-1", at
			b, err := json.Marshal(tc.ev)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			var got []string
			for k := range m {
				got = append(got, k)
			}
			want := append(slices.Clone(common), tc.keys...)
			slices.Sort(got)
			slices.Sort(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("keys of %s (-want +got):\n%s", b, diff)
			}
			if m["type"] != tc.wantType || m["run_id"] != "run-1" {
				t.Errorf("type %v run_id %v", m["type"], m["run_id"])
			}
			if ts, _ := m["time"].(string); ts != "2025-03-01T12:30:45.123Z" {
				t.Errorf("time %v, want RFC 3339", m["time"])
			}
			if tc.check != nil {
				tc.check(t, m)
			}
			// A consumer can read the line back into an Event.
			var back Event
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.ev, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWaitReasons(t *testing.T) {
	t.Parallel()
	got := []Wait{WaitNone, WaitRateLimit, WaitRetryAfter, WaitBackoff, WaitBreaker}
	want := []Wait{"none", "rate_limit", "retry_after", "backoff", "breaker"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("wait reasons (-want +got):\n%s", diff)
	}
	types := []Type{TypeRunStarted, TypeAttempt, TypeResult, TypeBatchSaved, TypeBudgetReached, TypeRunFinished}
	wantTypes := []Type{"run_started", "attempt", "result", "batch_saved", "budget_reached", "run_finished"}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("event types (-want +got):\n%s", diff)
	}
}
