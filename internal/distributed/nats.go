// Package distributed runs a benchmark's jobs on worker processes through
// NATS JetStream. The coordinator (a bench or serve process) publishes each
// job to a work-queue stream and waits for its result on a results stream;
// workers share one durable pull consumer, run each job with the same
// runner and call policy as a local run, publish the result, and only then
// acknowledge the job. A job whose worker died is redelivered after the
// consumer's AckWait; after MaxDeliver deliveries it becomes an error
// result (kind worker_lost), never a lost case. See docs/DISTRIBUTED.md.
package distributed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Stream, consumer, bucket and subject names.
const (
	TasksStream   = "LTB_TASKS"
	ResultsStream = "LTB_RESULTS"
	Consumer      = "ltb-workers"
	RunsBucket    = "ltb_runs"
	WorkersBucket = "ltb_workers"

	taskPrefix    = "ltb.task."
	resultPrefix  = "ltb.result."
	controlPrefix = "ltb.control."
)

// Defaults of Settings.
const (
	DefaultAckWait    = 30 * time.Second
	DefaultMaxDeliver = 5
	DefaultInFlight   = 256
	// dedupWindow is how long JetStream remembers a message id.
	dedupWindow = 10 * time.Minute
	// WorkerTTL is how long a worker stays listed after its last heartbeat.
	WorkerTTL = 15 * time.Second
)

// KindWorkerLost is the error kind of a job no worker finished within
// MaxDeliver deliveries.
const KindWorkerLost = "worker_lost"

// Settings are the coordinator's knobs; zero values mean the defaults.
type Settings struct {
	// AckWait is how long a job may go without an acknowledgement or a
	// keep-alive before JetStream hands it to another worker.
	AckWait time.Duration
	// MaxDeliver is how many deliveries a job gets before it is recorded as
	// an error result.
	MaxDeliver int
	// InFlight is how many jobs per target wait for workers at once.
	InFlight int
	// Replicas is how many servers of a cluster keep each stream and
	// bucket the coordinator creates; 0 means 1.
	Replicas int
}

func (s Settings) withDefaults() Settings {
	if s.AckWait <= 0 {
		s.AckWait = DefaultAckWait
	}
	if s.MaxDeliver <= 0 {
		s.MaxDeliver = DefaultMaxDeliver
	}
	if s.InFlight <= 0 {
		s.InFlight = DefaultInFlight
	}
	s.Replicas = max(s.Replicas, 1)
	return s
}

func taskSubject(runID string) string    { return taskPrefix + runID }
func resultsOf(scope string) string      { return resultPrefix + scope + ".>" }
func controlSubject(runID string) string { return controlPrefix + runID }

// keyHash names a key in subjects and message ids, since case ids may
// hold any character.
func keyHash(k bench.Key) string {
	b, _ := json.Marshal(k) // a struct of strings and an int cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// scopeHeader carries a job's scope: its run and attempt, "RUN.ATTEMPT".
// A run and its resumes share attempt "0"; each --retry-errors gets its
// own, so its jobs and results never meet an earlier attempt's.
const scopeHeader = "Ltb-Scope"

func scopeOf(runID, attempt string) string { return runID + "." + attempt }

// msgID identifies a job (and its result) for JetStream's deduplication.
func msgID(scope string, k bench.Key) string { return scope + "/" + keyHash(k) }

// resultSubject is where the result of one job goes: one subject per key,
// so a coordinator can read a given job's result back.
func resultSubject(scope string, k bench.Key) string {
	return resultPrefix + scope + "." + keyHash(k)
}

// ensureStreams creates the streams and buckets when they do not exist,
// each kept by replicas servers. Existing ones are left as they are, so
// several processes may call it.
func ensureStreams(ctx context.Context, js jetstream.JetStream, replicas int) error {
	replicas = max(replicas, 1)
	streams := []jetstream.StreamConfig{
		{Name: TasksStream, Subjects: []string{taskPrefix + ">"}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage, Duplicates: dedupWindow, MaxMsgSize: 8 << 20, Replicas: replicas},
		{Name: ResultsStream, Subjects: []string{resultPrefix + ">"}, Retention: jetstream.LimitsPolicy, Storage: jetstream.FileStorage, Duplicates: dedupWindow, MaxAge: 24 * time.Hour, MaxMsgSize: 8 << 20, Replicas: replicas},
	}
	for _, sc := range streams {
		if _, err := js.CreateStream(ctx, sc); err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return fmt.Errorf("create stream %s: %w", sc.Name, err)
		}
	}
	kvs := []jetstream.KeyValueConfig{
		{Bucket: RunsBucket, Description: "manifests of distributed runs", Storage: jetstream.FileStorage, Replicas: replicas},
		{Bucket: WorkersBucket, Description: "live workers and their capabilities", TTL: WorkerTTL, Storage: jetstream.MemoryStorage, Replicas: replicas},
	}
	for _, kc := range kvs {
		if _, err := js.CreateKeyValue(ctx, kc); err != nil && !errors.Is(err, jetstream.ErrBucketExists) {
			return fmt.Errorf("create bucket %s: %w", kc.Bucket, err)
		}
	}
	return nil
}

// consumerConfig is the one durable pull consumer every worker shares.
func consumerConfig(s Settings) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable: Consumer, AckPolicy: jetstream.AckExplicitPolicy, DeliverPolicy: jetstream.DeliverAllPolicy,
		AckWait: s.AckWait, MaxDeliver: s.MaxDeliver, MaxAckPending: 10000, FilterSubject: taskPrefix + ">",
	}
}
