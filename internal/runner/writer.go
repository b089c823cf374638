package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ResultSink receives finished results in batches. The store is one; tests
// use fakes.
type ResultSink interface {
	WriteResults(ctx context.Context, results []bench.Result) error
}

// batcher is the run's one writer: it collects results and hands them to the
// sink by size or by time, so a slow stream of results is still saved promptly
// and a fast one is saved in few transactions.
type batcher struct {
	sink     ResultSink
	in       chan bench.Result
	size     int
	interval time.Duration
	// onFail is told of a failed write at once, before the rest of the
	// input is drained, so the run can stop dispatching work.
	onFail func(error)
	// onSaved sees every batch once it is stored, from this one goroutine.
	onSaved func([]bench.Result)
}

// newBatcher's input holds at least one batch, so the workers keep going
// while a full batch is being written instead of stalling on the channel.
func newBatcher(sink ResultSink, size int, interval time.Duration, buffer int, onFail func(error)) *batcher {
	return &batcher{sink: sink, in: make(chan bench.Result, max(buffer, size)), size: size, interval: interval, onFail: onFail}
}

// run drains the input until it is closed. It writes with a context that is
// not cancelled by Ctrl-C, so results already received are always kept.
func (b *batcher) run(ctx context.Context) error {
	wctx := context.WithoutCancel(ctx)
	batch := make([]bench.Result, 0, b.size)
	tick := time.NewTicker(b.interval)
	defer tick.Stop()
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := b.sink.WriteResults(wctx, batch); err != nil {
			err = fmt.Errorf("save %d results: %w", len(batch), err)
			if b.onFail != nil {
				b.onFail(err)
			}
			return err
		}
		if b.onSaved != nil {
			b.onSaved(batch)
		}
		batch = batch[:0]
		return nil
	}
	for {
		select {
		case r, ok := <-b.in:
			if !ok {
				return flush()
			}
			batch = append(batch, r)
			if len(batch) >= b.size {
				if err := flush(); err != nil {
					b.drain()
					return err
				}
			}
		case <-tick.C:
			if err := flush(); err != nil {
				b.drain()
				return err
			}
		}
	}
}

// drain discards the rest of the input after a failed write so producers
// never block on a dead writer.
func (b *batcher) drain() {
	for range b.in {
	}
}
