package bench

import "time"

// RunStatus is the state of a whole run (a "session" in the store).
type RunStatus string

// Run states.
const (
	// RunQueued is a run accepted by the API server and waiting for a slot.
	RunQueued    RunStatus = "queued"
	RunRunning   RunStatus = "running"
	RunCompleted RunStatus = "completed"
	RunFailed    RunStatus = "failed"
	RunCancelled RunStatus = "cancelled"
	// RunCostLimit means the run stopped because --max-cost was reached.
	RunCostLimit RunStatus = "cost_limit"
	// RunInterrupted is never stored: the store reports a running run as
	// interrupted when its heartbeat has stopped (its process is gone), so
	// that it can be resumed.
	RunInterrupted RunStatus = "interrupted"
)

// Ended reports whether a run in status s has ended for good: completed,
// failed, cancelled or stopped at its cost limit (interrupted runs resume).
func (s RunStatus) Ended() bool {
	switch s {
	case RunCompleted, RunFailed, RunCancelled, RunCostLimit:
		return true
	}
	return false
}

// Totals aggregates a run's results.
type Totals struct {
	Results   int     `json:"results"`
	Succeeded int     `json:"succeeded"`
	Errored   int     `json:"errored"`
	Passed    int     `json:"passed"`
	Failed    int     `json:"failed"`
	CostUSD   float64 `json:"cost_usd"`
	Tokens    int     `json:"tokens"`
	// The judges' part of CostUSD, their calls and the calls answered from
	// the cache, and the verdicts left unscored; set when a run finishes.
	JudgeCalls   int     `json:"judge_calls,omitempty"`
	JudgeCached  int     `json:"judge_cached,omitempty"`
	JudgeCostUSD float64 `json:"judge_cost_usd,omitempty"`
	Unscored     int     `json:"unscored,omitempty"`
}

// Run is one execution of a suite: its identity, the configuration it ran
// with, its progress and totals.
type Run struct {
	ID string `json:"id"`
	// Seq is the run's number in its database (1, 2, ...), assigned by the
	// store when the run is created and never reused; "#12" or "12" names
	// the run wherever a run id is taken.
	Seq         int64     `json:"seq"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	UserID      string    `json:"user_id,omitempty"`
	Status      RunStatus `json:"status"`
	// Config is the snapshot needed to resume the run (suite paths, flags).
	Config    map[string]any    `json:"config"`
	Tags      map[string]string `json:"tags"`
	Total     int               `json:"total"` // planned results; 0 when unknown
	Totals    Totals            `json:"totals"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	// HeartbeatAt is when the process executing the run last said it was
	// alive; zero when it never did.
	HeartbeatAt time.Time `json:"heartbeat_at,omitzero"`
}
