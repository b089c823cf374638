package distributed

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
)

// maxDeliveries is the JetStream advisory sent when a job has been
// delivered MaxDeliver times without an acknowledgement.
type maxDeliveries struct {
	Stream     string `json:"stream"`
	Consumer   string `json:"consumer"`
	StreamSeq  uint64 `json:"stream_seq"`
	Deliveries uint64 `json:"deliveries"`
}

// onMaxDeliveries turns a job no worker finished into an error result.
// JetStream keeps such a message in the work queue but never delivers it
// again, so the coordinator reads it, publishes the error result through
// the results stream (with the job's result id: a real result that comes
// late is then a duplicate) and only then deletes the job. Advisories of
// other runs' jobs are left to their own coordinators.
func (d *dispatch) onMaxDeliveries(m *nats.Msg) {
	var adv maxDeliveries
	if err := json.Unmarshal(m.Data, &adv); err != nil {
		d.c.log.Error("undecodable max-deliveries advisory", "error", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.deadLetter(ctx, adv); err != nil {
		d.c.log.Error("record a lost job", "run", d.runID, "seq", adv.StreamSeq, "error", err)
	}
}

func (d *dispatch) deadLetter(ctx context.Context, adv maxDeliveries) error {
	s, err := d.c.js.Stream(ctx, TasksStream)
	if err != nil {
		return err
	}
	raw, err := s.GetMsg(ctx, adv.StreamSeq)
	if err != nil {
		return fmt.Errorf("read job %d: %w", adv.StreamSeq, err)
	}
	if raw.Subject != taskSubject(d.runID) || raw.Header.Get(scopeHeader) != d.scope {
		return nil // another coordinator's
	}
	var j runner.Job
	if err := json.Unmarshal(raw.Data, &j); err != nil {
		return fmt.Errorf("decode job %d: %w", adv.StreamSeq, err)
	}
	res := runner.ErrorResult(&j, bench.StatusError, &bench.ErrorInfo{
		Kind:    KindWorkerLost,
		Message: fmt.Sprintf("no worker finished this job in %d deliveries (each worker died or stalled past the ack wait)", adv.Deliveries),
	})
	if err := publishResult(ctx, d.c.js, d.scope, &res); err != nil {
		return err
	}
	if err := s.DeleteMsg(ctx, adv.StreamSeq); err != nil {
		return fmt.Errorf("delete job %d: %w", adv.StreamSeq, err)
	}
	return nil
}

// publishResult stores a result in the results stream and waits for
// JetStream to confirm it; the id makes a repeat a no-op.
func publishResult(ctx context.Context, js jetstream.JetStream, scope string, res *bench.Result) error {
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	if _, err := js.Publish(ctx, resultSubject(scope, res.Key()), b, jetstream.WithMsgID(msgID(scope, res.Key()))); err != nil {
		return fmt.Errorf("publish result of %s: %w", res.CaseID, err)
	}
	return nil
}
