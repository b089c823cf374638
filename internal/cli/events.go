package cli

import (
	"bufio"
	"fmt"
	"os"

	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

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
	sub := run.Subscribe(event.WatchBuffer)
	done := make(chan error, 1)
	go func() {
		enc := event.NewEncoder(bw)
		var err error
		event.Drain(sub.Events(), func(e event.Event) {
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
