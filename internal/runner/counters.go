package runner

import (
	"math"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Counters are a run's live totals: the one set of counters that the
// progress line, the cost limit and the run's summary all read. Safe for
// concurrent use.
type Counters struct {
	mu      sync.Mutex
	planned int
	skipped int
	s       Summary
	tokens  int
	started time.Time
}

// Snapshot is a consistent copy of the counters.
type Snapshot struct {
	// Total is what this invocation will produce: planned minus skipped.
	Total, Done, Skipped, Errors, Failed int
	CostUSD                              float64
	Elapsed                              time.Duration
	Rate                                 float64       // results per second
	ETA                                  time.Duration // -1 when unknown
}

// SetPlanned sets how many results the run plans, skipped ones included.
func (c *Counters) SetPlanned(n int) {
	c.mu.Lock()
	c.planned = n
	c.mu.Unlock()
}

func (c *Counters) start(now time.Time) {
	c.mu.Lock()
	if c.started.IsZero() {
		c.started = now
	}
	c.mu.Unlock()
}

func (c *Counters) skip() {
	c.mu.Lock()
	c.skipped++
	c.mu.Unlock()
}

func (c *Counters) add(r *bench.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Results++
	if r.Status == bench.StatusSuccess {
		c.s.Succeeded++
	} else {
		c.s.Errored++
	}
	if r.Passed {
		c.s.Passed++
	} else {
		c.s.Failed++
	}
	c.s.CostUSD += r.Cost.Total
	c.tokens += r.Tokens.Total
}

// Summary is the totals so far.
func (c *Counters) Summary() Summary {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.s
	s.Skipped = c.skipped
	return s
}

// Snapshot returns the counters now, with rate and ETA.
func (c *Counters) Snapshot() Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Snapshot{Total: c.planned - c.skipped, Done: c.s.Results, Skipped: c.skipped, Errors: c.s.Errored, Failed: c.s.Failed - c.s.Errored, CostUSD: c.s.CostUSD, ETA: -1}
	if !c.started.IsZero() {
		s.Elapsed = time.Since(c.started)
	}
	if secs := s.Elapsed.Seconds(); secs > 0 {
		s.Rate = float64(s.Done) / secs
	}
	if s.Rate > 0 && s.Total > s.Done {
		s.ETA = time.Duration(math.Round(float64(s.Total-s.Done)/s.Rate)) * time.Second
	}
	return s
}
