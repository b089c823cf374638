package calibrate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// RunRate is a run's pass rate for one judge-scored metric.
type RunRate struct {
	Run    string `json:"run"`
	Metric string `json:"metric"`
	// Results counts the run's results; Missing those without the metric
	// (failed calls, cases without the assertion).
	Results int `json:"results"`
	Missing int `json:"missing"`
	// Passed of Scored verdicts passed; Unscored verdicts are left out.
	Passed   int `json:"passed"`
	Scored   int `json:"scored"`
	Unscored int `json:"unscored"`
	// Judges are the judges the run's verdicts name, sorted.
	Judges []string `json:"judges"`
}

// ReadRunRate reads the share of a run's results whose score named
// metric passed, in one pass over the results.
func ReadRunRate(ctx context.Context, r store.ResultReader, runID, metric string) (*RunRate, error) {
	rate := &RunRate{Run: runID, Metric: metric}
	seen := map[string]bool{}
	for res, err := range r.Results(ctx, runID, store.ResultFilter{}) {
		if err != nil {
			return nil, fmt.Errorf("read results of run %s: %w", runID, err)
		}
		rate.Results++
		s, ok := res.Scores[metric]
		if !ok {
			rate.Missing++
			for name := range res.Scores {
				seen[name] = true
			}
			continue
		}
		if s.Judge != nil && s.Judge.Provider != "" && !slices.Contains(rate.Judges, s.Judge.Provider) {
			rate.Judges = append(rate.Judges, s.Judge.Provider)
		}
		switch {
		case s.Unscored:
			rate.Unscored++
		case s.Pass:
			rate.Passed++
			rate.Scored++
		default:
			rate.Scored++
		}
	}
	slices.Sort(rate.Judges)
	if rate.Scored == 0 {
		if rate.Unscored > 0 {
			return nil, fmt.Errorf("run %s: all %d verdicts of %q are unscored; there is no pass rate to correct", runID, rate.Unscored, metric)
		}
		names := make([]string, 0, len(seen))
		for n := range seen {
			names = append(names, n)
		}
		slices.Sort(names)
		return nil, fmt.Errorf("run %s has no score named %q in its %d results (scores it has: %s)", runID, metric, rate.Results, orNone(names))
	}
	return rate, nil
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
