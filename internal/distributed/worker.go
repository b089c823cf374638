package distributed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// RunnerSource builds the runner a worker executes one run's jobs with
// (session.Service.WorkerRunner).
type RunnerSource interface {
	WorkerRunner(ctx context.Context, m session.Manifest, concurrency int) (*runner.Runner, func() error, error)
}

// Worker takes jobs from the shared consumer and runs them. Set the
// fields, then call Run.
type Worker struct {
	Info    WorkerInfo
	Runners RunnerSource
	Logger  *slog.Logger
	// Heartbeat is how often the worker renews its entry; 0 means 5s.
	Heartbeat time.Duration

	js       jetstream.JetStream
	cons     jetstream.Consumer
	kvRuns   jetstream.KeyValue
	ackWait  atomic.Int64 // the consumer's, in nanoseconds
	maxDeliv atomic.Int64 // the consumer's MaxDeliver
	inFlight atomic.Int64
	done     atomic.Int64

	mu   sync.Mutex
	runs map[string]*workerRun
	// retired are runners of replaced manifests still finishing calls.
	retired map[string][]*workerRun
}

// workerRun is a run this worker has taken jobs of.
type workerRun struct {
	rn     *runner.Runner
	stop   func() error
	err    error // building the runner failed: every job becomes an error result
	ctx    context.Context
	cancel context.CancelFunc
	// active counts the run's jobs this worker is running.
	active sync.WaitGroup
	// revision is the manifest's in the runs bucket.
	revision uint64
}

// maxRuns bounds the runs a worker keeps runners for.
const maxRuns = 32

// Run serves jobs until ctx ends. Jobs in flight when ctx ends are not
// acknowledged: JetStream hands them to another worker.
func (w *Worker) Run(ctx context.Context, nc *nats.Conn) error {
	if w.Logger == nil {
		w.Logger = slog.New(slog.DiscardHandler)
	}
	w.Info.MaxConcurrentTasks = max(w.Info.MaxConcurrentTasks, 1)
	w.runs, w.retired = map[string]*workerRun{}, map[string][]*workerRun{}
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	w.js = js
	if err := ensureStreams(ctx, js, 1); err != nil {
		return err
	}
	cons, err := js.Consumer(ctx, TasksStream, Consumer)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		cons, err = js.CreateConsumer(ctx, TasksStream, consumerConfig(Settings{}.withDefaults()))
	}
	if err != nil {
		return fmt.Errorf("open consumer %s: %w", Consumer, err)
	}
	w.cons = cons
	w.consumerSettings(cons.CachedInfo())
	if w.kvRuns, err = js.KeyValue(ctx, RunsBucket); err != nil {
		return fmt.Errorf("open bucket %s: %w", RunsBucket, err)
	}
	sub, err := nc.Subscribe(controlPrefix+"*", func(m *nats.Msg) { w.endRun(m.Subject[len(controlPrefix):]) })
	if err != nil {
		return fmt.Errorf("subscribe to control: %w", err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	// A manifest replaced (a coordinator that restarted and resumed its
	// run) or deleted makes the run's runner stale.
	watch, err := w.kvRuns.WatchAll(ctx, jetstream.UpdatesOnly())
	if err != nil {
		return fmt.Errorf("watch run manifests: %w", err)
	}
	defer func() { _ = watch.Stop() }()
	go func() {
		for e := range watch.Updates() {
			switch {
			case e == nil:
			case e.Operation() == jetstream.KeyValuePut:
				w.forget(e.Key(), e.Revision())
			default:
				w.endRun(e.Key())
			}
		}
	}()
	stopBeat, err := w.heartbeat(ctx)
	if err != nil {
		return err
	}
	defer stopBeat()
	w.Logger.Info("worker ready", "id", w.Info.ID, "concurrency", w.Info.MaxConcurrentTasks)
	return w.pull(ctx, cons)
}

// pull fetches exactly as many jobs as there are free slots, so no job
// waits in a client buffer while its ack timer runs.
func (w *Worker) pull(ctx context.Context, cons jetstream.Consumer) error {
	slots := make(chan struct{}, w.Info.MaxConcurrentTasks)
	var wg sync.WaitGroup
	defer wg.Wait()
	for ctx.Err() == nil {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		free := 1
	more:
		for free < cap(slots) {
			select {
			case slots <- struct{}{}:
				free++
			default:
				break more
			}
		}
		batch, err := cons.Fetch(free, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			for range free {
				<-slots
			}
			if ctx.Err() != nil {
				return nil
			}
			w.Logger.Warn("fetch jobs", "error", err)
			time.Sleep(200 * time.Millisecond)
			continue
		}
		got := 0
		for msg := range batch.Messages() {
			got++
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				w.handle(ctx, msg)
			}()
		}
		for range free - got {
			<-slots
		}
	}
	return nil
}

// handle runs one job, stores its result, then acknowledges the job.
func (w *Worker) handle(ctx context.Context, msg jetstream.Msg) {
	w.inFlight.Add(1)
	defer w.inFlight.Add(-1)
	var j runner.Job
	if err := json.Unmarshal(msg.Data(), &j); err != nil || j.Case == nil {
		w.Logger.Error("undecodable job: dropped", "subject", msg.Subject(), "error", err)
		_ = msg.TermWithReason("undecodable job")
		return
	}
	wr, ok := w.run(ctx, j.RunID)
	if !ok {
		_ = msg.Ack() // the run is over: its coordinator wants nothing more
		return
	}
	defer wr.active.Done()
	jctx, cancel := context.WithCancel(wr.ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	keep := w.keepAlive(jctx, msg)
	var res bench.Result
	if wr.err != nil {
		// Another worker may have what this one lacks (a key): leave the
		// job to it, and record the error only on the last delivery.
		if md, err := msg.Metadata(); err == nil && int64(md.NumDelivered) < w.maxDeliv.Load() {
			w.Logger.Warn("cannot run this run's jobs: left to other workers", "run", j.RunID, "error", wr.err)
			wait := time.Duration(w.ackWait.Load())
			_ = msg.NakWithDelay(wait)
			// Keep the slot a while, so this worker does not pull the job
			// straight back while able workers are busy.
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
			return
		}
		res = runner.ErrorResult(&j, bench.StatusError, &bench.ErrorInfo{Kind: "worker_config", Message: fmt.Sprintf("worker %s: %v", w.Info.ID, wr.err)})
	} else {
		var err error
		if res, err = wr.rn.Execute(jctx, j); err != nil {
			res = runner.ErrorResult(&j, bench.StatusError, &bench.ErrorInfo{Kind: "worker_config", Message: fmt.Sprintf("worker %s: %v", w.Info.ID, err)})
		}
	}
	keep()
	if ctx.Err() != nil {
		return // this worker stops: leave the job to another one
	}
	if wr.ctx.Err() != nil {
		_ = msg.Ack() // the run ended meanwhile
		return
	}
	pctx, pcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer pcancel()
	if err := publishResult(pctx, w.js, msg.Headers().Get(scopeHeader), &res); err != nil {
		w.Logger.Error("store result: job left for redelivery", "case", j.Key.CaseID, "error", err)
		_ = msg.Nak()
		return
	}
	if err := msg.DoubleAck(pctx); err != nil {
		// The result is stored; a redelivery only repeats it, and the
		// coordinator keeps the first.
		w.Logger.Warn("acknowledge job", "case", j.Key.CaseID, "error", err)
	}
	w.done.Add(1)
}

// consumerSettings keeps what the worker needs of the consumer's config.
func (w *Worker) consumerSettings(info *jetstream.ConsumerInfo) {
	w.ackWait.Store(int64(info.Config.AckWait))
	md := int64(info.Config.MaxDeliver)
	if md <= 0 {
		md = 1 << 62 // unlimited
	}
	w.maxDeliv.Store(md)
}

// keepAlive tells JetStream the job is still being worked on, every third
// of the ack wait, until the returned function is called.
func (w *Worker) keepAlive(ctx context.Context, msg jetstream.Msg) func() {
	every := max(time.Duration(w.ackWait.Load())/3, 50*time.Millisecond)
	return tick(ctx, every, func(context.Context) {
		if err := msg.InProgress(); err != nil {
			w.Logger.Warn("keep job alive", "error", err)
		}
	})
}

// tick calls f every d until the returned function is called (which waits
// for a call in progress) or ctx ends.
func tick(ctx context.Context, d time.Duration, f func(ctx context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				f(ctx)
			}
		}
	}()
	return func() { cancel(); <-done }
}

// run returns the worker's state for runID, building its runner from the
// run's manifest on first use; false when the run has no manifest (over).
func (w *Worker) run(ctx context.Context, runID string) (*workerRun, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if wr, ok := w.runs[runID]; ok {
		wr.active.Add(1)
		return wr, true
	}
	e, err := w.kvRuns.Get(ctx, runID)
	if err != nil {
		if !errors.Is(err, jetstream.ErrKeyNotFound) && !errors.Is(err, jetstream.ErrKeyDeleted) {
			w.Logger.Error("read run manifest", "run", runID, "error", err)
		}
		return nil, false
	}
	// A coordinator may have changed the consumer's settings for its run.
	if info, err := w.cons.Info(ctx); err == nil {
		w.consumerSettings(info)
	}
	var m session.Manifest
	wr := &workerRun{revision: e.Revision()}
	if err := json.Unmarshal(e.Value(), &m); err != nil {
		wr.err = fmt.Errorf("decode manifest: %w", err)
	} else {
		wr.rn, wr.stop, wr.err = w.Runners.WorkerRunner(ctx, m, w.Info.MaxConcurrentTasks)
	}
	wr.ctx, wr.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if len(w.runs) >= maxRuns {
		for id, old := range w.runs { // evict one; its jobs rebuild it
			old.close()
			delete(w.runs, id)
			break
		}
	}
	w.runs[runID] = wr
	wr.active.Add(1)
	return wr, true
}

// endRun stops the calls of a run its coordinator has ended.
func (w *Worker) endRun(runID string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if wr, ok := w.runs[runID]; ok {
		wr.close()
		delete(w.runs, runID)
	}
	for _, wr := range w.retired[runID] {
		wr.cancel()
	}
}

// forget drops the runner of a run whose manifest was replaced (its
// coordinator restarted): the run's next jobs get a runner of the new
// manifest, and the calls in flight finish on the old one.
func (w *Worker) forget(runID string, revision uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	wr, ok := w.runs[runID]
	if !ok || wr.revision >= revision {
		return // the manifest this runner was built from, or none
	}
	delete(w.runs, runID)
	w.retired[runID] = append(w.retired[runID], wr)
	go func() {
		wr.active.Wait()
		wr.close()
		w.mu.Lock()
		defer w.mu.Unlock()
		w.retired[runID] = slices.DeleteFunc(w.retired[runID], func(o *workerRun) bool { return o == wr })
		if len(w.retired[runID]) == 0 {
			delete(w.retired, runID)
		}
	}()
}

// close stops the run's calls in flight and what its runner started.
func (wr *workerRun) close() {
	wr.cancel()
	if wr.stop != nil {
		_ = wr.stop()
	}
}

// heartbeat puts the worker's entry now and every Heartbeat; the returned
// function stops it and removes the entry.
func (w *Worker) heartbeat(ctx context.Context) (func(), error) {
	kv, err := w.js.KeyValue(ctx, WorkersBucket)
	if err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", WorkersBucket, err)
	}
	if w.Info.Started.IsZero() {
		w.Info.Started = time.Now().UTC()
	}
	if w.Info.PID == 0 {
		w.Info.PID = os.Getpid()
	}
	put := func(ctx context.Context) error {
		info := w.Info
		info.InFlight, info.Done, info.Seen = int(w.inFlight.Load()), w.done.Load(), time.Now().UTC()
		b, _ := json.Marshal(info) // plain fields cannot fail
		_, err := kv.Put(ctx, w.Info.ID, b)
		return err
	}
	if err := put(ctx); err != nil {
		return nil, fmt.Errorf("register worker: %w", err)
	}
	every := w.Heartbeat
	if every <= 0 {
		every = 5 * time.Second
	}
	stop := tick(context.WithoutCancel(ctx), every, func(ctx context.Context) {
		if err := put(ctx); err != nil {
			w.Logger.Warn("worker heartbeat", "error", err)
		}
	})
	return func() {
		stop()
		dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = kv.Delete(dctx, w.Info.ID)
	}, nil
}
