package promexp

import (
	"github.com/llm-test-bench/llm-test-bench/internal/event"
)

// eventBuffer is how many events the exporter may fall behind a run before
// it loses some (counted in llm_metrics_events_dropped_total). The watcher
// does a few map lookups and atomic adds per event, far less than the
// engine spends making one, so it keeps up with the fastest simulated run
// (BenchmarkOverhead); the buffer absorbs scheduling hiccups.
const eventBuffer = 1 << 12

// Subscriber is a run whose events can be watched (a session.Run, or an
// event.Bus in tests).
type Subscriber interface {
	Subscribe(buffer int) *event.Subscription
}

// Watch subscribes to a run's events and counts them in the background
// until the run's stream closes; the returned channel is closed then.
// Subscribe before the run starts, so its run_started is seen. Watching
// never slows the run: the bus drops what the buffer cannot hold.
func (e *Engine) Watch(run Subscriber) <-chan struct{} {
	sub := run.Subscribe(eventBuffer)
	done := make(chan struct{})
	go func() {
		defer close(done)
		st := &runState{}
		for ev := range sub.Events() {
			e.observe(st, ev)
			if ev.Type == event.TypeBatchSaved {
				e.countDropped(st, sub)
			}
		}
		e.countDropped(st, sub)
		e.end(st)
	}()
	return done
}

// countDropped adds the events lost since the last count.
func (e *Engine) countDropped(st *runState, sub *event.Subscription) {
	if n := sub.Dropped(); n > st.dropped {
		e.dropped.Add(float64(n - st.dropped))
		st.dropped = n
	}
}
