package session

import (
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
)

// JudgeOptions configure judges used outside a run (judge calibrate).
type JudgeOptions struct {
	// NoCache skips the judge cache.
	NoCache bool
	// Simulate points every judge at the built-in simulator.
	Simulate bool
	// MaxCost caps what the judges may spend, in USD; 0 means no cap.
	MaxCost float64
	// Timeout bounds one call; 0 means 2 minutes.
	Timeout time.Duration
}

// Judges are judge and embedding providers outside a run, behind the call
// policy as a run's are (limits, retries, cache, cost, budget).
type Judges struct{ r *Run }

// Judges builds judges for callers that grade without running a
// benchmark. Close them when done.
func (s *Service) Judges(o JudgeOptions) *Judges {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	p := &Plan{svc: s, opts: Options{NoCache: o.NoCache, Simulate: o.Simulate}, targets: &targetSet{}, timeout: timeout}
	r := &Run{plan: p, svc: s, bus: event.NewBus(), budget: policy.NewBudget(o.MaxCost, 0), run: &bench.Run{ID: "judges"}}
	return &Judges{r: r}
}

// For returns the judges one case's evaluators see; their calls are
// metered per case (runner.Meter).
func (j *Judges) For(caseID string) *runner.Meter {
	return runner.NewMeter(judgeSource{j.r}, caseID)
}

// Spent is what the judges' calls cost so far, in USD.
func (j *Judges) Spent() float64 { return j.r.budget.Spent() }

// Close stops what the judges started (simulators).
func (j *Judges) Close() error { return j.r.plan.targets.Close() }

var _ eval.Judges = (*runner.Meter)(nil)
