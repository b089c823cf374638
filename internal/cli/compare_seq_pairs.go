package cli

import (
	"sync"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/analysis"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// seqPairer is the session.Watcher of `compare --models --sequential`: it
// pairs the two providers' results per case as they are stored and hands
// the pairs to the test in the order the cases were handed out, not the
// order they finished (which depends on latency, and latency on the
// answers). Its state is per case in flight: a case is forgotten once the
// test took it.
type seqPairer struct {
	metric analysis.Metric
	reps   int
	stop   func() // asks the run to stop

	mu        sync.Mutex
	providers []string // A and B, in the order the run hands them out
	// order numbers each (case, prompt) as it is first handed out; next
	// is the number the test takes next.
	order    map[analysis.Key]int
	numbered int
	next     int
	cells    map[analysis.Key]*seqCell
	done     map[int]seqDone
	state    *seqState
	err      error
}

// seqCell sums one case's results per side.
type seqCell struct {
	results [2]int
	values  [2]int
	sum     [2]float64
}

// seqDone is a finished case waiting for its turn.
type seqDone struct {
	a, b   float64
	paired bool
}

var _ session.Watcher = (*seqPairer)(nil)

func newSeqPairer(metric analysis.Metric, reps int, state *seqState, stop func()) *seqPairer {
	return &seqPairer{metric: metric, reps: max(reps, 1), stop: stop, state: state,
		order: map[analysis.Key]int{}, cells: map[analysis.Key]*seqCell{}, done: map[int]seqDone{}}
}

// Dispatched numbers cases in the order the run hands them out.
func (p *seqPairer) Dispatched(k bench.Key) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.side(k.Provider) < 0 && len(p.providers) < 2 {
		p.providers = append(p.providers, k.Provider)
	}
	key := analysis.Key{CaseID: k.CaseID, PromptID: k.PromptID}
	// A case's jobs are handed out together and it finishes only after
	// all of them, so it is numbered once.
	if _, ok := p.order[key]; !ok {
		p.order[key] = p.numbered
		p.numbered++
	}
}

// side is 0 for A, 1 for B, −1 for a provider not (yet) seen.
func (p *seqPairer) side(provider string) int {
	for i, q := range p.providers {
		if q == provider {
			return i
		}
	}
	return -1
}

// Saved adds a stored batch and feeds every case whose turn has come.
func (p *seqPairer) Saved(batch []bench.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range batch {
		p.add(&batch[i])
	}
	p.feed()
}

func (p *seqPairer) add(r *bench.Result) {
	side := p.side(r.Provider)
	key := analysis.Key{CaseID: r.CaseID, PromptID: r.PromptID}
	n, ok := p.order[key]
	if side < 0 || !ok {
		return
	}
	c := p.cells[key]
	if c == nil {
		c = &seqCell{}
		p.cells[key] = c
	}
	c.results[side]++
	if x, ok := p.metric.Value(r); ok {
		c.values[side]++
		c.sum[side] += x
	}
	if c.results[0] < p.reps || c.results[1] < p.reps {
		return
	}
	d := seqDone{paired: c.values[0] > 0 && c.values[1] > 0}
	if d.paired {
		d.a, d.b = c.sum[0]/float64(c.values[0]), c.sum[1]/float64(c.values[1])
	}
	p.done[n] = d
	delete(p.cells, key)
	delete(p.order, key)
}

// feed hands the test every finished case whose predecessors have all
// been taken.
func (p *seqPairer) feed() {
	for {
		d, ok := p.done[p.next]
		if !ok {
			return
		}
		delete(p.done, p.next)
		p.next++
		p.take(d)
	}
}

// take gives one case to the test, and stops the run when it rejects.
func (p *seqPairer) take(d seqDone) {
	if p.err != nil {
		return
	}
	if !d.paired {
		p.state.unpaired()
		return
	}
	stop, err := p.state.add(d.a, d.b)
	if err != nil {
		p.err = err
		p.stop() // the test cannot go on; no reason to spend more
		return
	}
	if stop {
		p.stop()
	}
}

// finish feeds what is left after the run ended, in order, skipping cases
// that never finished, and returns the report.
func (p *seqPairer) finish() (SequentialReport, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.done) > 0 {
		if d, ok := p.done[p.next]; ok {
			delete(p.done, p.next)
			p.take(d)
		}
		p.next++
	}
	var a, b string
	if len(p.providers) == 2 {
		a, b = p.providers[0], p.providers[1]
	}
	return p.state.report(a, b), p.err
}
