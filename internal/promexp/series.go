package promexp

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Test statuses, the llm_test_total status label: a closed set.
const (
	testSuccess   = "success"
	testFailure   = "failure"
	testError     = "error"
	testTimeout   = "timeout"
	testSkipped   = "skipped"
	testCancelled = "cancelled"
)

var testStatuses = []string{testSuccess, testFailure, testError, testTimeout, testSkipped, testCancelled}

// testStatus is a result's llm_test_total status.
func testStatus(r *bench.Result) int {
	switch r.Status {
	case bench.StatusSuccess:
		if r.Passed {
			return 0
		}
		return 1
	case bench.StatusError:
		return 2
	case bench.StatusTimeout:
		return 3
	case bench.StatusSkipped:
		return 4
	case bench.StatusCancelled:
		return 5
	}
	return 2
}

// series holds the children of one provider and model, resolved once so
// a result costs a map lookup rather than a label hash per family.
type series struct {
	requests, cacheHits, cost, prompt, completion prometheus.Counter
	latency, ttft, duration                       prometheus.Observer
	tests                                         [6]prometheus.Counter
}

type seriesKey struct{ provider, model string }

// seriesCache maps a (bounded) provider and model to their series.
type seriesCache struct {
	mu sync.RWMutex
	m  map[seriesKey]*series
}

// seriesFor returns the series of a provider and model given as they
// appear in a result; the labels are bounded first.
func (e *Engine) seriesFor(provider, model string) *series {
	k := seriesKey{e.targets.label(provider), e.models.label(model)}
	c := &e.series
	c.mu.RLock()
	s := c.m[k]
	c.mu.RUnlock()
	if s != nil {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s = c.m[k]; s != nil {
		return s
	}
	s = &series{
		requests:   e.requests.WithLabelValues(k.provider, k.model),
		cacheHits:  e.cacheHits.WithLabelValues(k.provider, k.model),
		cost:       e.cost.WithLabelValues(k.provider, k.model),
		prompt:     e.tokens.WithLabelValues(k.provider, k.model, "prompt"),
		completion: e.tokens.WithLabelValues(k.provider, k.model, "completion"),
		latency:    e.latency.WithLabelValues(k.provider, k.model),
		ttft:       e.ttft.WithLabelValues(k.provider, k.model),
		duration:   e.testDuration.WithLabelValues(k.provider),
	}
	for i, st := range testStatuses {
		s.tests[i] = e.tests.WithLabelValues(k.provider, st)
	}
	if c.m == nil {
		c.m = map[seriesKey]*series{}
	}
	c.m[k] = s
	return s
}
