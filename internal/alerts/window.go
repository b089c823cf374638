package alerts

import (
	"math"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/alerts/expr"
	"github.com/llm-test-bench/llm-test-bench/internal/stats"
)

// slotsPerWindow is how many intervals a rule's window is cut into: the
// window a rule sees is its last slotsPerWindow intervals, the current
// one included, so it spans between 9/10 of the window and the window.
const slotsPerWindow = 10

// slot is what one interval of a window holds.
type slot struct {
	// epoch is the interval's number (time / width); a slot whose epoch is
	// not one of the window's holds stale counts and is reset before use.
	epoch   int64
	results int64
	errors  int64
	passed  int64
	costUSD float64
	// latency and ttft are recorded only when a rule reads them; their
	// histograms are allocated at the first value.
	latency stats.Sketch
	ttft    stats.Sketch
}

// ring is a rule's rolling window in one scope: slotsPerWindow slots (twice
// as many when the rule compares with the previous window), reused in
// turn. Its memory is bounded by the window's slots, whatever the number
// of results.
type ring struct {
	width  time.Duration
	window time.Duration
	slots  []slot
	// latency and ttft say whether the rule reads the sketches.
	latency, ttft bool
}

func newRing(c expr.Condition) *ring {
	n := slotsPerWindow
	if c.Uses(expr.PassRateDrop) {
		n *= 2
	}
	r := &ring{
		width:  max(c.Window/slotsPerWindow, time.Millisecond),
		window: c.Window,
		slots:  make([]slot, n),
		latency: c.Uses(expr.P50LatencyMs) || c.Uses(expr.P95LatencyMs) ||
			c.Uses(expr.P99LatencyMs),
		ttft: c.Uses(expr.TTFTP95Ms),
	}
	for i := range r.slots {
		r.slots[i].epoch = math.MinInt64
	}
	return r
}

func (r *ring) epoch(t time.Time) int64 { return t.UnixNano() / int64(r.width) }

// add records one result at time now.
func (r *ring) add(now time.Time, res *bench.Result) {
	e := r.epoch(now)
	s := &r.slots[int(mod(e, int64(len(r.slots))))]
	if s.epoch != e {
		*s = slot{epoch: e}
	}
	s.results++
	if res.Status != bench.StatusSuccess {
		s.errors++
	}
	if res.Passed {
		s.passed++
	}
	if c := res.Cost.Total; c > 0 && !math.IsInf(c, 0) {
		s.costUSD += c
	}
	if res.Status != bench.StatusSuccess || res.Cached {
		return
	}
	if r.latency && res.LatencyMs > 0 {
		s.latency.Add(res.LatencyMs)
	}
	if r.ttft && res.TTFTMs > 0 {
		s.ttft.Add(res.TTFTMs)
	}
}

// totals is one window merged.
type totals struct {
	results, errors, passed int64
	costUSD                 float64
	latency, ttft           *stats.Sketch
}

// merge merges the slots of the window ending at now: back = 0 is the
// current window, 1 the one before it.
func (r *ring) merge(now time.Time, back int) totals {
	cur := r.epoch(now) - int64(back*slotsPerWindow)
	t := totals{}
	if r.latency {
		t.latency = stats.NewSketch()
	}
	if r.ttft {
		t.ttft = stats.NewSketch()
	}
	for i := range r.slots {
		s := &r.slots[i]
		if s.epoch > cur || s.epoch <= cur-slotsPerWindow {
			continue
		}
		t.results += s.results
		t.errors += s.errors
		t.passed += s.passed
		t.costUSD += s.costUSD
		if r.latency {
			t.latency.Merge(&s.latency)
		}
		if r.ttft {
			t.ttft.Merge(&s.ttft)
		}
	}
	return t
}

// value is metric m over the window cur (prev is the window before it); ok is false when the
// window holds nothing to measure it on (no results, no latencies, no
// previous window), and a comparison on it then does not hold.
func (r *ring) value(m expr.Metric, cur totals, prev func() totals) (float64, bool) {
	switch m {
	case expr.P50LatencyMs, expr.P95LatencyMs, expr.P99LatencyMs:
		if cur.latency == nil || cur.latency.Count() == 0 {
			return 0, false
		}
		q := map[expr.Metric]float64{expr.P50LatencyMs: 0.50, expr.P95LatencyMs: 0.95, expr.P99LatencyMs: 0.99}[m]
		return cur.latency.Quantile(q), true
	case expr.TTFTP95Ms:
		if cur.ttft == nil || cur.ttft.Count() == 0 {
			return 0, false
		}
		return cur.ttft.Quantile(0.95), true
	case expr.ErrorRate:
		return ratio(cur.errors, cur.results)
	case expr.PassRate:
		return ratio(cur.passed, cur.results)
	case expr.PassRateDrop:
		now, ok := ratio(cur.passed, cur.results)
		if !ok {
			return 0, false
		}
		p := prev()
		before, ok := ratio(p.passed, p.results)
		if !ok {
			return 0, false
		}
		return (before - now) * 100, true
	case expr.HourlyCost:
		return cur.costUSD * float64(time.Hour) / float64(r.window), true
	case expr.RequestsPerMinute:
		return float64(cur.results) * float64(time.Minute) / float64(r.window), true
	}
	return 0, false
}

func ratio(n, d int64) (float64, bool) {
	if d == 0 {
		return 0, false
	}
	return float64(n) / float64(d), true
}

// mod is the non-negative remainder (epochs before 1970 are negative).
func mod(a, n int64) int64 {
	m := a % n
	if m < 0 {
		m += n
	}
	return m
}
