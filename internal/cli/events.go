package cli

import (
	"bufio"
	"fmt"
	"os"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// eventsPoll is how long the --events writer sleeps when it has caught up.
// Waking once per event (tens of thousands a second) costs more than
// encoding them; at this pace the buffer holds what arrives meanwhile.
const eventsPoll = 5 * time.Millisecond

// forEachBatched calls f for every event until ch is closed. It takes what
// is waiting without blocking and sleeps between bursts instead of parking
// on the channel for each event.
func forEachBatched(ch <-chan event.Event, f func(event.Event)) {
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
		time.Sleep(eventsPoll)
	}
}

// eventsBuffer is how many events the --events writer may fall behind
// before it loses some; a loss is counted and reported. It is kept small on
// purpose: the garbage collector scans the whole buffer at every cycle, and
// a 65,536-event buffer cost about 10% of a run's CPU against 4% for this
// one, with no event lost at 10,000 results a second (the writer drains it
// every few milliseconds).
const eventsBuffer = 1 << 12

// writeEvents subscribes a JSON-lines writer to the run's events when
// --events is given. The returned function waits for the last event to be
// written and closes the file.
func (a *app) writeEvents(run *session.Run, path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	w := a.io.Stderr
	var f *os.File
	if path != "-" {
		var err error
		if f, err = os.Create(path); err != nil {
			return nil, configErr("--events %s: %v", path, err)
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	sub := run.Subscribe(eventsBuffer)
	done := make(chan error, 1)
	go func() {
		enc := event.NewEncoder(bw)
		var err error
		forEachBatched(sub.Events(), func(e event.Event) {
			if err == nil {
				err = enc.Encode(e)
			}
		})
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		done <- err
	}()
	return func() {
		if err := <-done; err != nil {
			fmt.Fprintf(a.io.Stderr, "warning: --events %s: %v\n", path, err)
		}
		if n := sub.Dropped(); n > 0 {
			fmt.Fprintf(a.io.Stderr, "warning: --events %s: %d events were dropped because the writer fell behind\n", path, n)
		}
	}, nil
}
