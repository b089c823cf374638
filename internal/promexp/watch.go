package promexp

import (
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/event"
)

// pollEvery is how long the watcher sleeps once it has caught up with a
// run. Waking on every event (tens of thousands a second) costs the run
// more than counting them; at this pace the buffer holds what arrives
// meanwhile (4096 events in 5 ms is 800,000 a second).
const pollEvery = 5 * time.Millisecond

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
		ch := sub.Events()
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					e.countDropped(st, sub)
					e.end(st)
					return
				}
				e.observe(st, ev)
				if ev.Type == event.TypeBatchSaved {
					e.countDropped(st, sub)
				}
				continue
			default:
			}
			// Caught up: sleep rather than park on the channel, which would
			// wake this goroutine (and a processor) for every event.
			time.Sleep(pollEvery)
		}
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
