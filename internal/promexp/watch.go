package promexp

import (
	"github.com/llm-test-bench/llm-test-bench/internal/event"
)

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
	sub := run.Subscribe(event.WatchBuffer)
	done := make(chan struct{})
	go func() {
		defer close(done)
		st := &runState{}
		event.Drain(sub.Events(), func(ev event.Event) {
			e.observe(st, ev)
			if ev.Type == event.TypeBatchSaved {
				e.countDropped(st, sub)
			}
		})
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
