package analysis

import (
	"errors"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Metric names the number each result contributes: MetricPassed,
// MetricScore, or any other string for the score of the assertion so named
// in the result's scores.
type Metric string

// The built-in metrics.
const (
	// MetricPassed is 1 for a passed result and 0 otherwise.
	MetricPassed Metric = "passed"
	// MetricScore is the case score.
	MetricScore Metric = "score"
)

// value is what one result gives for a metric.
type value struct {
	x float64
	// unscored: the verdict exists but has no number.
	unscored bool
	// missing: the result has no verdict of that name.
	missing bool
}

// check reports whether m can name a metric at all.
func (m Metric) check() error {
	if m == "" {
		return errors.New("metric: empty; want passed, score or an assertion name")
	}
	return nil
}

// of returns r's value for m.
func (m Metric) of(r *bench.Result) value {
	switch m {
	case MetricPassed:
		if r.Passed {
			return value{x: 1}
		}
		return value{x: 0}
	case MetricScore:
		if allUnscored(r.Scores) {
			return value{unscored: true}
		}
		return value{x: r.Score}
	}
	s, ok := r.Scores[string(m)]
	switch {
	case !ok:
		return value{missing: true}
	case s.Unscored:
		return value{unscored: true}
	}
	return value{x: s.Score}
}

// allUnscored reports whether every verdict is unscored: the case score is
// then a placeholder 0, not a measurement.
func allUnscored(scores map[string]bench.Score) bool {
	if len(scores) == 0 {
		return false
	}
	for _, s := range scores {
		if !s.Unscored {
			return false
		}
	}
	return true
}

// Value is r's value for m; ok is false when r has none (unscored, or
// without the named assertion).
func (m Metric) Value(r *bench.Result) (x float64, ok bool) {
	v := m.of(r)
	return v.x, !v.missing && !v.unscored
}
