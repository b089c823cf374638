package runner

import (
	"github.com/llm-test-bench/llm-test-bench/internal/policy"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Target is one provider a run calls, with its limits.
type Target struct {
	// ID labels the target's results ("vendor:model" or a label).
	ID       string
	Vendor   string
	Model    string
	BaseURL  string
	Provider provider.Provider
	// Policy is Provider behind its call policy. When nil, the runner wraps
	// Provider with its own settings and the limits below.
	Policy *policy.Provider
	// Concurrency is the most calls in flight to this target; 0 means the run's.
	Concurrency int
	// RequestsPerMinute and TokensPerMinute limit the call rate when the
	// runner builds the policy; 0 means none.
	RequestsPerMinute float64
	TokensPerMinute   float64
	// Sampling and Extra are the target's own settings; a case's config overrides them.
	Sampling provider.Sampling
	Extra    map[string]any
}
