package runner

import (
	"context"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ResultSink receives finished results in batches. The store is one; tests
// use fakes.
type ResultSink interface {
	WriteResults(ctx context.Context, results []bench.Result) error
}

// writer is the run's one writer, with group commit: it writes whatever is
// waiting as soon as the previous write ends. Under load results pile up
// while a write is in progress, so batches grow by themselves; when results
// trickle in, each is stored at once. A crash loses at most the results of
// one write in progress (paid calls that a resume would repeat), never the
// results that merely waited for a timer.
type writer struct {
	sink ResultSink
	in   chan bench.Result
	size int
	// onFail is told of a failed write at once, before the rest of the
	// input is drained, so the run can stop dispatching work.
	onFail func(error)
	// onSaved sees every batch once it is stored, from this one goroutine.
	onSaved func([]bench.Result)
}

// newWriter's input holds at least one batch, so the workers keep going
// while a full batch is being written instead of stalling on the channel.
func newWriter(sink ResultSink, size, buffer int, onFail func(error)) *writer {
	return &writer{sink: sink, in: make(chan bench.Result, max(buffer, size)), size: size, onFail: onFail}
}

// run drains the input until it is closed. It writes with a context that is
// not cancelled by Ctrl-C, so results already received are always kept.
func (w *writer) run(ctx context.Context) error {
	wctx := context.WithoutCancel(ctx)
	batch := make([]bench.Result, 0, w.size)
	for r := range w.in {
		batch = append(batch[:0], r)
	gather:
		for len(batch) < w.size {
			select {
			case r, ok := <-w.in:
				if !ok {
					break gather
				}
				batch = append(batch, r)
			default:
				break gather
			}
		}
		if err := w.sink.WriteResults(wctx, batch); err != nil {
			err = fmt.Errorf("save %d results: %w", len(batch), err)
			if w.onFail != nil {
				w.onFail(err)
			}
			w.drain()
			return err
		}
		if w.onSaved != nil {
			w.onSaved(batch)
		}
	}
	return nil
}

// drain discards the rest of the input after a failed write so producers
// never block on a dead writer.
func (w *writer) drain() {
	for range w.in {
	}
}
