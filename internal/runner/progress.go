package runner

import (
	"math"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Progress is a live view of a run, safe to read while it runs.
type Progress struct {
	mu      sync.Mutex
	total   int
	done    int
	skipped int
	errors  int
	failed  int
	cost    float64
	started time.Time
}

// Snapshot is a consistent copy of the progress counters.
type Snapshot struct {
	Total, Done, Skipped, Errors, Failed int
	CostUSD                              float64
	Elapsed                              time.Duration
	Rate                                 float64       // results per second
	ETA                                  time.Duration // -1 when unknown
}

// SetTotal sets how many results the run plans (after skips are subtracted
// by the runner as it goes).
func (p *Progress) SetTotal(n int) {
	p.mu.Lock()
	p.total = n
	p.mu.Unlock()
}

func (p *Progress) start(now time.Time) {
	p.mu.Lock()
	p.started = now
	p.mu.Unlock()
}

func (p *Progress) skip() {
	p.mu.Lock()
	p.skipped++
	p.mu.Unlock()
}

func (p *Progress) add(r *bench.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if r.Status != bench.StatusSuccess {
		p.errors++
	} else if !r.Passed {
		p.failed++
	}
	p.cost += r.Cost.Total
}

// Snapshot returns the counters now.
func (p *Progress) Snapshot() Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Snapshot{Total: p.total - p.skipped, Done: p.done, Skipped: p.skipped, Errors: p.errors, Failed: p.failed, CostUSD: p.cost, ETA: -1}
	if !p.started.IsZero() {
		s.Elapsed = time.Since(p.started)
	}
	if secs := s.Elapsed.Seconds(); secs > 0 {
		s.Rate = float64(p.done) / secs
	}
	if s.Rate > 0 && s.Total > s.Done {
		s.ETA = time.Duration(math.Round(float64(s.Total-s.Done)/s.Rate)) * time.Second
	}
	return s
}
