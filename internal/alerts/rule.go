package alerts

import (
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/alerts/expr"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// EachProvider is the Provider of a rule evaluated for each provider on
// its own.
const EachProvider = "*"

// Rule is an alert rule with its condition parsed.
type Rule struct {
	Name     string
	Severity string
	// Text is the condition as written; Cond is its parse.
	Text string
	Cond expr.Condition
	// Provider is "" (all results together), EachProvider, or one
	// provider's results; Model "" or one model's results.
	Provider string
	Model    string
	// For is how long the condition must hold (or not hold) before the
	// alert fires (or resolves).
	For time.Duration
}

// Compile parses the conditions of the configured rules. Configuration
// validation has checked them already; an error here names the rule.
func Compile(rules []config.AlertRule) ([]Rule, error) {
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		c, err := expr.Parse(r.Condition)
		if err != nil {
			return nil, fmt.Errorf("alert rule %q: condition %q: %w", r.Name, r.Condition, err)
		}
		out = append(out, Rule{
			Name: r.Name, Severity: r.Severity, Text: r.Condition, Cond: c,
			Provider: r.Provider, Model: r.Model, For: r.For,
		})
	}
	return out, nil
}

// scope returns the provider scope a result of provider and model falls
// in for this rule, and whether it falls in at all.
func (r *Rule) scope(provider, model string) (string, bool) {
	if r.Model != "" && model != r.Model {
		return "", false
	}
	switch r.Provider {
	case "":
		return "", true
	case EachProvider:
		return provider, true
	}
	return r.Provider, provider == r.Provider
}
