package event

import "time"

// DrainPoll is how long Drain sleeps once it has caught up. Waking once
// per event (tens of thousands a second) costs a fast run more than the
// watchers' own work; at this pace a WatchBuffer holds what arrives
// meanwhile.
const DrainPoll = 5 * time.Millisecond

// WatchBuffer is the subscription buffer of the run's watchers (the
// --events writer, the metrics, the alert rules): how many events one may
// fall behind before the bus drops some for it, counted on its
// Subscription. It is kept small on purpose: the garbage collector scans
// the whole buffer at every cycle, and a 65,536-event buffer cost about 10%
// of a run's CPU against 4% for this one, with no event lost at 10,000
// results a second (a Drain loop empties it every few milliseconds).
const WatchBuffer = 1 << 12

// Drain calls f for every event until ch is closed. It takes what is
// waiting without blocking and sleeps DrainPoll between bursts instead of
// parking on the channel for each event.
func Drain(ch <-chan Event, f func(Event)) {
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return
			}
			f(e)
			continue
		default:
		}
		time.Sleep(DrainPoll)
	}
}
