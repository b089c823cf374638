package apiload

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are recorded in microseconds from 1 µs to 60 s at 3
// significant digits (0.1% error).
const (
	lowestUs  = 1
	highestUs = 60_000_000
	digits    = 3
)

// Recorder keeps a latency histogram, a count of errors and the first
// error of each case. It is safe for concurrent use.
type Recorder struct {
	mu    sync.Mutex
	cases map[string]*caseStats
}

type caseStats struct {
	h        *hdrhistogram.Histogram
	errors   int
	firstErr error
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{cases: map[string]*caseStats{}} }

// Record adds one request of case c: its latency, and err if it failed.
// A failed request's latency is recorded too: a timeout is slow.
func (r *Recorder) Record(c string, latency time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cs := r.cases[c]
	if cs == nil {
		cs = &caseStats{h: hdrhistogram.New(lowestUs, highestUs, digits)}
		r.cases[c] = cs
	}
	us := min(max(latency.Microseconds(), lowestUs), highestUs)
	_ = cs.h.RecordValue(us) // in range by construction
	if err != nil {
		cs.errors++
		if cs.firstErr == nil {
			cs.firstErr = err
		}
	}
}

// Cases returns the names of the cases recorded, sorted.
func (r *Recorder) Cases() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.cases))
	for c := range r.cases {
		names = append(names, c)
	}
	slices.Sort(names)
	return names
}

// Summary is the latency distribution and the errors of some cases.
type Summary struct {
	Count, Errors      int
	P50, P90, P99, Max time.Duration
	// FirstErr is one error of the cases, nil when none failed.
	FirstErr error
}

// Summarize merges the cases whose names keep accepts.
func (r *Recorder) Summarize(keep func(c string) bool) Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := hdrhistogram.New(lowestUs, highestUs, digits)
	var s Summary
	names := make([]string, 0, len(r.cases))
	for c := range r.cases {
		names = append(names, c)
	}
	slices.Sort(names) // the same first error on every call
	for _, c := range names {
		if !keep(c) {
			continue
		}
		cs := r.cases[c]
		h.Merge(cs.h)
		s.Errors += cs.errors
		if s.FirstErr == nil && cs.firstErr != nil {
			s.FirstErr = fmt.Errorf("%s: %w", c, cs.firstErr)
		}
	}
	s.Count = int(h.TotalCount())
	if s.Count > 0 {
		us := func(v int64) time.Duration { return time.Duration(v) * time.Microsecond }
		s.P50, s.P90, s.P99, s.Max = us(h.ValueAtQuantile(50)), us(h.ValueAtQuantile(90)), us(h.ValueAtQuantile(99)), us(h.Max())
	}
	return s
}

// Gate is the pass mark of a run.
type Gate struct {
	// P99 is the most the 99th percentile of the gated cases may be.
	P99 time.Duration
	// Gated says which cases P99 applies to (the page mix; not the text
	// queries).
	Gated func(c string) bool
}

// Check returns an error when a gated case's p99 is above the mark,
// when no gated request ran, or when any request of any case failed.
func (r *Recorder) Check(g Gate) error {
	var errs []error
	pages := r.Summarize(g.Gated)
	switch {
	case pages.Count == 0:
		errs = append(errs, errors.New("no request of the page mix ran"))
	case pages.P99 > g.P99:
		errs = append(errs, fmt.Errorf("page mix p99 %s is above %s", pages.P99, g.P99))
	}
	if all := r.Summarize(func(string) bool { return true }); all.Errors > 0 {
		errs = append(errs, fmt.Errorf("%d of %d requests failed, first: %w", all.Errors, all.Count, all.FirstErr))
	}
	return errors.Join(errs...)
}
