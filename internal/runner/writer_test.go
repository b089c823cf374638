package runner

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// gateSink blocks its first write until released and records every batch.
type gateSink struct {
	entered chan struct{} // closed when the first write begins
	release chan struct{} // closing it lets the first write end
	once    sync.Once
	mu      sync.Mutex
	batches [][]string // case ids of each batch written
	written chan []string
}

func newGateSink() *gateSink {
	return &gateSink{entered: make(chan struct{}), release: make(chan struct{}), written: make(chan []string, 1024)}
}

func (s *gateSink) WriteResults(_ context.Context, rs []bench.Result) error {
	first := false
	s.once.Do(func() { first = true })
	if first {
		close(s.entered)
		<-s.release
	}
	ids := make([]string, len(rs))
	for i := range rs {
		ids[i] = rs[i].CaseID
	}
	s.mu.Lock()
	s.batches = append(s.batches, ids)
	s.mu.Unlock()
	s.written <- ids
	return nil
}

func (s *gateSink) sizes() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int, len(s.batches))
	for i, b := range s.batches {
		out[i] = len(b)
	}
	return out
}

func resultN(i int) bench.Result { return bench.Result{CaseID: fmt.Sprintf("c%03d", i)} }

// startWriter runs a writer over sink until its input is closed.
func startWriter(t *testing.T, sink ResultSink, size int) (*writer, func() error) {
	t.Helper()
	w := newWriter(sink, size, 4096, nil)
	done := make(chan error, 1)
	go func() { done <- w.run(context.Background()) }()
	return w, func() error {
		close(w.in)
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("writer did not stop")
			return nil
		}
	}
}

// TestGroupCommitBatchesWhatArrivesDuringAWrite: results that arrive while
// a write is in progress are stored together by the next write (split only
// by the batch size), so batches grow with the load.
func TestGroupCommitBatchesWhatArrivesDuringAWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		size      int
		waiting   int
		wantSizes []int
	}{
		{"one write takes everything waiting", 1024, 49, []int{1, 49}},
		{"the batch size splits a pile", 10, 25, []int{1, 10, 10, 5}},
		{"nothing waiting", 1024, 0, []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sink := newGateSink()
			w, stop := startWriter(t, sink, tc.size)
			w.in <- resultN(0)
			<-sink.entered // the first write holds result 0 alone
			for i := 1; i <= tc.waiting; i++ {
				w.in <- resultN(i)
			}
			close(sink.release)
			// Wait until everything is stored before closing the input, so
			// the close cannot be what ends a batch.
			got := 0
			for got < tc.waiting+1 {
				select {
				case b := <-sink.written:
					got += len(b)
				case <-time.After(10 * time.Second):
					t.Fatalf("stored %d of %d results; batches %v", got, tc.waiting+1, sink.sizes())
				}
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(sink.sizes(), tc.wantSizes) {
				t.Errorf("batches %v, want %v", sink.sizes(), tc.wantSizes)
			}
			var all []string
			for _, b := range sink.batches {
				all = append(all, b...)
			}
			for i, id := range all {
				if id != resultN(i).CaseID {
					t.Fatalf("results stored out of order or twice: %v", all)
				}
			}
		})
	}
}

// TestGroupCommitStoresATrickleAtOnce: with results arriving slower than a
// write takes, each one is written alone and at once. A writer that waited
// for a timer or a fuller batch would hold them back.
func TestGroupCommitStoresATrickleAtOnce(t *testing.T) {
	t.Parallel()
	sink := newGateSink()
	close(sink.release)
	w, stop := startWriter(t, sink, 1024)
	const n = 10
	delays := make([]time.Duration, n)
	for i := range n {
		sent := time.Now()
		w.in <- resultN(i)
		select {
		case b := <-sink.written:
			delays[i] = time.Since(sent)
			if len(b) != 1 || b[0] != resultN(i).CaseID {
				t.Fatalf("result %d was written as %v, want alone", i, b)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("result %d was not written", i)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(delays)
	// The old writer held a lone result for 200ms. Scheduling on a busy
	// machine may delay one write; the typical one must be immediate.
	if median, worst := delays[n/2], delays[n-1]; median > 50*time.Millisecond || worst > 150*time.Millisecond {
		t.Errorf("results waited %s (median) and %s (worst) before their write began", median, worst)
	}
}

// TestRunnerBatchesGrowUnderLoad drives the whole runner: while the store
// is stuck on its first write, the workers keep finishing calls, and the
// next write stores all of them at once.
func TestRunnerBatchesGrowUnderLoad(t *testing.T) {
	t.Parallel()
	sink := newGateSink()
	// One call answers at once; the rest wait until the first write has
	// begun, so that on a loaded machine they cannot all finish before it
	// (and then go in one write, which proves nothing).
	var calls atomic.Int64
	p := &fakeProvider{GenerateFn: func(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
		if calls.Add(1) > 1 {
			<-sink.entered
		}
		return echoFn(ctx, req, emit)
	}}
	counters := &Counters{}
	r := &Runner{Targets: []*Target{{ID: "a:m", Provider: p}}, Render: render, Concurrency: 4, Counters: counters}
	const n = 60
	var sizes []int
	r.Saved = func(batch []bench.Result) { sizes = append(sizes, len(batch)) }
	done := make(chan error, 1)
	go func() {
		_, err := r.Run(context.Background(), "run", casesOf(n, ""), sink)
		done <- err
	}()
	<-sink.entered
	// The writer's input holds a whole batch: every call finishes while
	// the first write is stuck.
	deadline := time.Now().Add(10 * time.Second)
	for counters.Summary().Results < n {
		if time.Now().After(deadline) {
			t.Fatalf("workers stalled behind a slow write: %d of %d results made", counters.Summary().Results, n)
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the last results reach the writer's input
	close(sink.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := sink.sizes()
	if len(got) != 2 || got[0]+got[1] != n {
		t.Errorf("batches %v: want the results finished during the first write stored together by the second", got)
	}
	if !slices.Equal(sizes, got) {
		t.Errorf("Saved saw batches %v, the store %v", sizes, got)
	}
	total := 0
	for _, s := range got {
		total += s
	}
	if total != n {
		t.Errorf("%d results stored, want %d", total, n)
	}
}
