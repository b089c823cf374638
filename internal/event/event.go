// Package event is a run's typed event stream: what the engine publishes as
// a run goes (started, each call attempt, each result, each saved batch, the
// budget reached, finished) and what front ends subscribe to (the progress
// line, `bench --events`, and later WebSocket, GraphQL and Prometheus).
//
// Subscribers get bounded buffers and never slow the run: an event that does
// not fit a subscriber's buffer is dropped for that subscriber and counted.
// The store writer is not a subscriber; results reach the store through the
// runner's own lossless path. docs/ARCHITECTURE.md lists the schema.
package event

import (
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Type names an event.
type Type string

// Event types, in the order a run publishes them.
const (
	TypeRunStarted    Type = "run_started"
	TypeAttempt       Type = "attempt"
	TypeResult        Type = "result"
	TypeBatchSaved    Type = "batch_saved"
	TypeBudgetReached Type = "budget_reached"
	TypeRunFinished   Type = "run_finished"
)

// Wait says why a call attempt waited before it was made.
type Wait string

// Reasons an attempt waited.
const (
	WaitNone       Wait = "none"
	WaitRateLimit  Wait = "rate_limit"  // the target's requests or tokens per minute
	WaitRetryAfter Wait = "retry_after" // the server said when to come back
	WaitBackoff    Wait = "backoff"     // exponential backoff after a retryable failure
	WaitBreaker    Wait = "breaker"     // the circuit breaker was open
)

// Event is one thing that happened in a run. Exactly one of the payload
// pointers is set, matching Type; in JSON its fields sit beside type,
// run_id and time on one flat object.
type Event struct {
	Type  Type      `json:"type"`
	RunID string    `json:"run_id"`
	Time  time.Time `json:"time"`

	*Started
	*Attempt
	*ResultReady
	*BatchSaved
	*BudgetReached
	*Finished
}

// Started opens a run: what the plan holds.
type Started struct {
	// Total is how many results the run plans, skipped ones included.
	Total       int      `json:"total"`
	Cases       int      `json:"cases"`
	Prompts     int      `json:"prompts"`
	Providers   []string `json:"providers"`
	Repetitions int      `json:"repetitions"`
	// Resumed is true when the run continues an earlier one.
	Resumed bool `json:"resumed"`
}

// Attempt is one call to a provider, published once the attempt ended.
type Attempt struct {
	// Number is 1-based: 2 and up are retries.
	Number   int    `json:"attempt"`
	Provider string `json:"provider"`
	CaseID   string `json:"case_id"`
	// Wait is why the attempt waited before it was made, WaitMs how long.
	Wait   Wait    `json:"wait"`
	WaitMs float64 `json:"wait_ms"`
	// Error is the failure's kind (rate_limited, overloaded, ...), "" on success.
	Error string `json:"error,omitempty"`
}

// ResultReady carries one finished result record, before it is stored.
// Subscribers must treat it as read-only.
type ResultReady struct {
	Result *bench.Result `json:"result"`
}

// BatchSaved says the writer saved a group of results (to the run's
// journal, or straight to the store when there is none), with the run's running
// totals: they are cumulative, so a subscriber that missed events still
// shows the right figures at the next one.
type BatchSaved struct {
	Count int `json:"count"`
	// Stored is how many results this invocation has stored so far.
	Stored   int      `json:"stored"`
	Progress Progress `json:"progress"`
}

// Progress is a run's running totals for this invocation.
type Progress struct {
	// Total is what this invocation will produce: planned minus skipped so far.
	Total   int     `json:"total"`
	Done    int     `json:"done"`
	Skipped int     `json:"skipped"`
	Errors  int     `json:"errors"`
	Failed  int     `json:"failed"`
	CostUSD float64 `json:"cost_usd"`
}

// BudgetReached says --max-cost stopped new calls.
type BudgetReached struct {
	LimitUSD float64 `json:"limit_usd"`
	SpentUSD float64 `json:"spent_usd"`
}

// Finished closes a run with its final status and totals (the same totals
// `runs show` prints).
type Finished struct {
	Status bench.RunStatus `json:"status"`
	Totals bench.Totals    `json:"totals"`
}
