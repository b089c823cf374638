package distributed

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// Coordinator opens runs to workers over one NATS connection. It
// implements session.Distributor.
type Coordinator struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	s   Settings
	log *slog.Logger
}

var _ session.Distributor = (*Coordinator)(nil)

// NewCoordinator makes sure the streams, buckets and the workers'
// consumer exist, the consumer with s's AckWait and MaxDeliver.
func NewCoordinator(ctx context.Context, nc *nats.Conn, s Settings, log *slog.Logger) (*Coordinator, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	s = s.withDefaults()
	if err := ensureStreams(ctx, js, s.Replicas); err != nil {
		return nil, err
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, TasksStream, consumerConfig(s)); err != nil {
		return nil, fmt.Errorf("create consumer %s: %w", Consumer, err)
	}
	return &Coordinator{nc: nc, js: js, s: s, log: log.With("component", "coordinator")}, nil
}

// Begin stores the run's manifest for the workers, then listens for the
// run's results and for jobs that ran out of deliveries.
func (c *Coordinator) Begin(ctx context.Context, m session.Manifest) (session.Dispatch, error) {
	kv, err := c.js.KeyValue(ctx, RunsBucket)
	if err != nil {
		return nil, fmt.Errorf("open bucket %s: %w", RunsBucket, err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	if _, err := kv.Put(ctx, m.RunID, b); err != nil {
		return nil, fmt.Errorf("store manifest of run %s: %w", m.RunID, err)
	}
	rs, err := c.js.Stream(ctx, ResultsStream)
	if err != nil {
		return nil, fmt.Errorf("open stream %s: %w", ResultsStream, err)
	}
	d := &dispatch{c: c, runID: m.RunID, scope: scopeOf(m.RunID, cmp.Or(m.Attempt, "0")), kv: kv, stored: rs, resumed: m.Resumed, pace: newPacer(m), waiters: map[string]chan bench.Result{}}
	if err := d.listen(ctx); err != nil {
		_ = d.End(context.WithoutCancel(ctx))
		return nil, err
	}
	return d, nil
}

// dispatch is one run open to workers.
type dispatch struct {
	c     *Coordinator
	runID string
	scope string
	kv    jetstream.KeyValue
	// stored is the results stream, read back for jobs an earlier
	// coordinator of a resumed run had already published.
	stored  jetstream.Stream
	resumed bool
	// pace holds the targets' rate limits for the run as a whole.
	pace pacer

	mu      sync.Mutex
	waiters map[string]chan bench.Result

	results  jetstream.ConsumeContext
	deadSub  *nats.Subscription
	stopOnce sync.Once
}

var _ session.Dispatch = (*dispatch)(nil)

func (d *dispatch) InFlight() int { return d.c.s.InFlight }

// listen consumes the run's results (an ordered, ephemeral consumer: the
// coordinator reads every result once) and the advisories of jobs that hit
// MaxDeliver.
func (d *dispatch) listen(ctx context.Context) error {
	cons, err := d.c.js.OrderedConsumer(ctx, ResultsStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{resultsOf(d.scope)}})
	if err != nil {
		return fmt.Errorf("consume results of run %s: %w", d.runID, err)
	}
	cc, err := cons.Consume(d.onResult)
	if err != nil {
		return fmt.Errorf("consume results of run %s: %w", d.runID, err)
	}
	d.results = cc
	adv := "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + TasksStream + "." + Consumer
	sub, err := d.c.nc.Subscribe(adv, d.onMaxDeliveries)
	if err != nil {
		return fmt.Errorf("subscribe to %s: %w", adv, err)
	}
	d.deadSub = sub
	return d.c.nc.Flush()
}

// onResult hands a result to the job waiting for it. A result with no
// waiter is a duplicate (a redelivered job finished twice) or late (its
// run was cancelled): it is dropped, so each job has exactly one result.
func (d *dispatch) onResult(msg jetstream.Msg) {
	var res bench.Result
	if err := json.Unmarshal(msg.Data(), &res); err != nil {
		d.c.log.Error("undecodable result", "run", d.runID, "error", err)
		return
	}
	id := msgID(d.scope, res.Key())
	d.mu.Lock()
	ch, ok := d.waiters[id]
	delete(d.waiters, id)
	d.mu.Unlock()
	if ok {
		ch <- res
	}
}

// Execute publishes the job and waits for its result.
func (d *dispatch) Execute(ctx context.Context, j runner.Job) bench.Result {
	id := msgID(d.scope, j.Key)
	ch := make(chan bench.Result, 1)
	d.mu.Lock()
	d.waiters[id] = ch
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		delete(d.waiters, id)
		d.mu.Unlock()
	}()
	if d.resumed {
		// A resumed run's job may have finished after its first
		// coordinator stopped: take that result instead of calling again.
		if res, ok := d.lookup(ctx, j.Key); ok {
			return res
		}
	}
	if err := d.pace.wait(ctx, j.Key); err != nil {
		return cancelled(ctx, &j)
	}
	body, err := json.Marshal(j)
	if err != nil {
		return runner.ErrorResult(&j, bench.StatusError, &bench.ErrorInfo{Kind: "dispatch", Message: fmt.Sprintf("encode job: %v", err)})
	}
	msg := &nats.Msg{Subject: taskSubject(d.runID), Data: body, Header: nats.Header{}}
	msg.Header.Set(jetstream.MsgIDHeader, id)
	msg.Header.Set(scopeHeader, d.scope)
	ack, err := d.publish(ctx, msg)
	switch {
	case ctx.Err() != nil:
		return cancelled(ctx, &j)
	case err != nil:
		return runner.ErrorResult(&j, bench.StatusError, &bench.ErrorInfo{Kind: "dispatch", Message: fmt.Sprintf("publish job: %v", err)})
	case ack.Duplicate:
		// An earlier coordinator of the run published it: its result
		// may be stored already, before this waiter was.
		if res, ok := d.lookup(ctx, j.Key); ok {
			return res
		}
	}
	select {
	case res := <-ch:
		d.pace.spent(&res)
		return res
	case <-ctx.Done():
		return cancelled(ctx, &j)
	}
}

// publishRetries bounds the tries of one job's publish; with the message
// id a retry after a lost acknowledgement is stored once.
const publishRetries = 20

// publish sends a job asynchronously (every waiting job's message travels
// at once; each waits only for its own acknowledgement), trying again
// while the stream has no leader (a cluster electing one).
func (d *dispatch) publish(ctx context.Context, msg *nats.Msg) (*jetstream.PubAck, error) {
	var err error
	for try := range publishRetries {
		if try > 0 {
			select {
			case <-time.After(250 * time.Millisecond):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		var fut jetstream.PubAckFuture
		if fut, err = d.c.js.PublishMsgAsync(msg); err == nil {
			select {
			case ack := <-fut.Ok():
				return ack, nil
			case err = <-fut.Err():
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		d.c.log.Warn("publish job: trying again", "run", d.runID, "try", try+1, "error", err)
	}
	return nil, err
}

// lookup reads the stored result of a job, if there is one.
func (d *dispatch) lookup(ctx context.Context, k bench.Key) (bench.Result, bool) {
	raw, err := d.stored.GetLastMsgForSubject(ctx, resultSubject(d.scope, k))
	if err != nil {
		if !errors.Is(err, jetstream.ErrMsgNotFound) {
			d.c.log.Warn("read a stored result", "run", d.runID, "case", k.CaseID, "error", err)
		}
		return bench.Result{}, false
	}
	var res bench.Result
	if err := json.Unmarshal(raw.Data, &res); err != nil {
		d.c.log.Error("undecodable stored result", "run", d.runID, "case", k.CaseID, "error", err)
		return bench.Result{}, false
	}
	return res, true
}

func cancelled(ctx context.Context, j *runner.Job) bench.Result {
	return runner.ErrorResult(j, bench.StatusCancelled, &bench.ErrorInfo{Kind: "cancelled", Message: context.Cause(ctx).Error()})
}

// End tells the workers the run is over (they stop its calls in flight),
// removes whatever of its jobs is still queued, and its manifest.
func (d *dispatch) End(ctx context.Context) error {
	var errs []error
	d.stopOnce.Do(func() {
		if d.results != nil {
			d.results.Stop()
		}
		if d.deadSub != nil {
			errs = append(errs, d.deadSub.Unsubscribe())
		}
		// The manifest goes first: a worker that takes one of the run's jobs
		// afterwards drops it instead of running it.
		if err := d.kv.Delete(ctx, d.runID); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			errs = append(errs, err)
		}
		if s, err := d.c.js.Stream(ctx, TasksStream); err == nil {
			errs = append(errs, s.Purge(ctx, jetstream.WithPurgeSubject(taskSubject(d.runID))))
		} else {
			errs = append(errs, err)
		}
		errs = append(errs, d.c.nc.Publish(controlSubject(d.runID), []byte("end")))
		if s, err := d.c.js.Stream(ctx, ResultsStream); err == nil {
			errs = append(errs, s.Purge(ctx, jetstream.WithPurgeSubject(resultPrefix+d.runID+".>")))
		} else {
			errs = append(errs, err)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close distributed run %s: %w", d.runID, err)
	}
	return nil
}
