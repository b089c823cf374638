// Package storetest is the conformance suite every store.Store backend
// passes, plus the PostgreSQL test-server helper shared by the tests.
//
// The suite has one section per interface of the store (runs.go for
// RunStore, results.go for ResultWriter and ResultReader, auth.go for
// AuthStore and UserDeleter, query.go for ResultQuerier, alerts.go for
// AlertStore, plugins.go for PluginStore); a concern added later brings its own file and section,
// listed in Run.
//
// Normalisation the suite pins (both backends): timestamps come back in UTC
// at microsecond precision; nil Scores, Metadata, Run.Config and Run.Tags
// come back as empty non-nil maps and nil Tags as an empty slice; Metadata
// and Config values come back as encoding/json decodes them (numbers are
// float64); a nil Error stays nil; a zero Result.CreatedAt is stamped with
// store.Now() at write time; a zero Run.HeartbeatAt stays zero.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// test is one conformance test; each gets a fresh store.
type test struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// Run runs the conformance suite. open must return a fresh, empty store for
// each call; Run closes it.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	sections := []struct {
		name  string
		tests []test
	}{
		{"RunStore", runStoreTests},
		{"ResultWriter", resultWriterTests},
		{"ResultReader", resultReaderTests},
		{"Auth", authTests},
		{"ResultQuerier", resultQuerierTests},
		{"ProfileStore", profileTests},
		{"AlertStore", alertTests},
		{"PluginStore", pluginTests},
	}
	for _, sec := range sections {
		t.Run(sec.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range sec.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					s := open(t)
					t.Cleanup(func() {
						if err := s.Close(); err != nil {
							t.Errorf("close: %v", err)
						}
					})
					tc.fn(t, s)
				})
			}
		})
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newRun returns a completed run created at epoch+i seconds. (A running
// run last updated at epoch would read back as interrupted.)
func newRun(id string, i int) *bench.Run {
	at := epoch.Add(time.Duration(i) * time.Second)
	return &bench.Run{ID: id, Name: "run " + id, Status: bench.RunCompleted, CreatedAt: at, UpdatedAt: at}
}

func mustCreate(t *testing.T, s store.Store, runs ...*bench.Run) {
	t.Helper()
	for _, r := range runs {
		if err := s.CreateRun(ctxT(t), r); err != nil {
			t.Fatalf("CreateRun(%s): %v", r.ID, err)
		}
	}
}

// fullResult sets every field to a non-zero value.
func fullResult(runID string, i int) bench.Result {
	return bench.Result{
		ID: fmt.Sprintf("res-%05d", i), RunID: runID,
		CaseID: fmt.Sprintf("case-%d", i), PromptID: "p1", Provider: "openai", Model: "gpt-4o-mini",
		Repetition: 1, Status: bench.StatusSuccess,
		Prompt: "What is 2+2? ünïcode ✓\nline 2", Response: "4", FinishReason: "stop",
		// Arguments are kept verbatim, spacing and invalid JSON included.
		ToolCalls: []bench.ToolCall{{ID: "call_1", Name: "add", Arguments: `{"a": 2,  "b":3}`}, {Name: "lookup", Arguments: `{"q":"ünï`}},
		LatencyMs: 123.456789, TTFTMs: 0.1 + 0.2,
		Tokens: bench.Usage{Prompt: 10, Completion: 3, Cached: 2, Reasoning: 1, Total: 13, CacheWrite: 5, CacheWrite1h: 4},
		Cost:   bench.Cost{Input: 1e-7, Output: 3.3333333333333335e-6, Total: 3.4333333333333336e-6, Currency: "USD", Unknown: true},
		Scores: map[string]bench.Score{
			"contains": {Score: 1, Pass: true, Reason: "found \"4\""},
			"latency":  {Score: 0.25, Pass: false, Reason: "slow"},
		},
		Score: 0.625, Passed: true,
		Error:  &bench.ErrorInfo{Kind: "rate_limit", Message: "429 <too many>", Status: 429},
		Cached: true, TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7",
		Tags:      []string{"smoke", "math"},
		Metadata:  map[string]any{"n": 1.5, "s": "x", "nested": map[string]any{"b": true, "l": []any{"a", 2.0}}, "null": nil},
		CreatedAt: epoch.Add(time.Duration(i) * time.Millisecond).Add(789 * time.Microsecond),
	}
}

// collect drains a Results stream.
func collect(t *testing.T, s store.Store, runID string, f store.ResultFilter) []bench.Result {
	t.Helper()
	out := []bench.Result{}
	for r, err := range s.Results(ctxT(t), runID, f) {
		if err != nil {
			t.Fatalf("Results(%s): %v", runID, err)
		}
		out = append(out, r)
	}
	return out
}

func ids(rs []bench.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}
