package distributed

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

func TestRunOnTwoWorkers(t *testing.T) {
	t.Parallel()
	srv, nc := startServer(t)
	p1, p2 := &fakeProvider{delay: 5 * time.Millisecond}, &fakeProvider{delay: 5 * time.Millisecond}
	startWorker(t, srv.URL(), "w1", p1, 4)
	startWorker(t, srv.URL(), "w2", p2, 4)
	const n = 120
	ctx := context.Background()
	got, sum := coordinate(ctx, t, nc, Settings{}, "run-two", n)
	if len(got) != n || sum.Results != n {
		t.Fatalf("%d results stored (summary %d), want %d", len(got), sum.Results, n)
	}
	for id, c := range byCase(got) {
		if c != 1 {
			t.Errorf("case %s: %d results", id, c)
		}
	}
	for _, r := range got {
		if r.Status != bench.StatusSuccess || !r.Passed || !strings.HasPrefix(r.Response, "echo: say ") {
			t.Fatalf("result %+v", r)
		}
	}
	if sum.Passed != n {
		t.Errorf("passed %d, want %d (scored on the workers)", sum.Passed, n)
	}
	c1, c2 := p1.calls.Load(), p2.calls.Load()
	if c1+c2 != n || c1 == 0 || c2 == 0 {
		t.Errorf("calls per worker %d + %d, want both working and %d in all", c1, c2, n)
	}
	js, _ := jetstream.New(nc)
	s, _ := js.Stream(ctx, TasksStream)
	if info, _ := s.Info(ctx); info.State.Msgs != 0 {
		t.Errorf("%d jobs left in the work queue", info.State.Msgs)
	}
	kv, _ := js.KeyValue(ctx, RunsBucket)
	if _, err := kv.Get(ctx, "run-two"); err == nil {
		t.Error("the run's manifest outlived the run")
	}
}

// A worker that takes a job and dies (never acknowledges it) loses
// nothing: the job goes to another worker after the ack wait.
func TestJobOfDeadWorkerIsRedelivered(t *testing.T) {
	t.Parallel()
	srv, nc := startServer(t)
	ctx := context.Background()
	js, _ := jetstream.New(nc)
	// The consumer exists before the dead worker pulls from it.
	if _, err := NewCoordinator(ctx, nc, Settings{AckWait: 400 * time.Millisecond}, nil); err != nil {
		t.Fatal(err)
	}
	// The "dead worker" takes the first job and never answers.
	taken := make(chan uint64, 1)
	go func() {
		cons, err := js.Consumer(ctx, TasksStream, Consumer)
		if err != nil {
			t.Error(err)
			return
		}
		for {
			b, err := cons.Fetch(1, jetstream.FetchMaxWait(2*time.Second))
			if err != nil {
				continue
			}
			for m := range b.Messages() {
				md, _ := m.Metadata()
				taken <- md.Sequence.Stream
				return
			}
		}
	}()
	done := make(chan []bench.Result)
	go func() {
		got, _ := coordinate(ctx, t, nc, Settings{AckWait: 400 * time.Millisecond}, "run-dead", 10)
		done <- got
	}()
	<-taken
	p := &fakeProvider{}
	startWorker(t, srv.URL(), "alive", p, 2)
	select {
	case got := <-done:
		counts := byCase(got)
		if len(got) != 10 || len(counts) != 10 {
			t.Fatalf("%d results for %d cases, want 10 and 10", len(got), len(counts))
		}
		for _, r := range got {
			if r.Status != bench.StatusSuccess {
				t.Errorf("%s: %s %+v", r.CaseID, r.Status, r.Error)
			}
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the dead worker's job was never redelivered")
	}
}

// A job no worker ever finishes becomes an error result after MaxDeliver
// deliveries: recorded, never dropped, and gone from the work queue.
func TestJobBeyondMaxDeliverIsAnErrorResult(t *testing.T) {
	t.Parallel()
	_, nc := startServer(t)
	// Without the dead-letter path the run would wait for ever: bound it.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	js, _ := jetstream.New(nc)
	s := Settings{AckWait: 200 * time.Millisecond, MaxDeliver: 2}
	if _, err := NewCoordinator(ctx, nc, s, nil); err != nil {
		t.Fatal(err)
	}
	// Workers that take every job and die with it, and keep pulling (the
	// server notices MaxDeliver only when it next tries to deliver).
	go func() {
		cons, err := js.Consumer(ctx, TasksStream, Consumer)
		if err != nil {
			t.Error(err)
			return
		}
		for ctx.Err() == nil {
			b, err := cons.Fetch(10, jetstream.FetchMaxWait(300*time.Millisecond))
			if err != nil {
				continue
			}
			for range b.Messages() {
			}
		}
	}()
	got, sum := coordinate(ctx, t, nc, s, "run-lost", 3)
	if len(got) != 3 || sum.Errored != 3 {
		t.Fatalf("%d results, %d errored; want 3 and 3", len(got), sum.Errored)
	}
	for _, r := range got {
		if r.Status != bench.StatusError || r.Error == nil || r.Error.Kind != KindWorkerLost {
			t.Errorf("%s: %s %+v, want an error of kind %s", r.CaseID, r.Status, r.Error, KindWorkerLost)
		}
	}
	st, _ := js.Stream(ctx, TasksStream)
	if info, _ := st.Info(ctx); info.State.Msgs != 0 {
		t.Errorf("%d dead jobs left in the work queue", info.State.Msgs)
	}
}

// Publishing a job or a result twice (a coordinator that repeats itself, a
// worker whose ack was lost) stores it once.
func TestDuplicatesAreDropped(t *testing.T) {
	t.Parallel()
	_, nc := startServer(t)
	ctx := context.Background()
	js, _ := jetstream.New(nc)
	if _, err := NewCoordinator(ctx, nc, Settings{}, nil); err != nil {
		t.Fatal(err)
	}
	k := bench.Key{CaseID: "c1", PromptID: "default", Provider: "fake"}
	job := runner.Job{RunID: "run-dup", Key: k, Case: &bench.Case{ID: "c1"}}
	body, _ := json.Marshal(job)
	var dups []bool
	for range 2 {
		ack, err := js.Publish(ctx, taskSubject("run-dup"), body, jetstream.WithMsgID(msgID("run-dup.0", k)))
		if err != nil {
			t.Fatal(err)
		}
		dups = append(dups, ack.Duplicate)
	}
	if dups[0] || !dups[1] {
		t.Errorf("duplicate flags %v, want [false true]", dups)
	}
	res := runner.ErrorResult(&job, bench.StatusError, &bench.ErrorInfo{Kind: "x"})
	for range 2 {
		if err := publishResult(ctx, js, "run-dup.0", &res); err != nil {
			t.Fatal(err)
		}
	}
	for name, subj := range map[string]string{TasksStream: taskSubject("run-dup"), ResultsStream: resultSubject("run-dup.0", k)} {
		s, _ := js.Stream(ctx, name)
		info, err := s.Info(ctx, jetstream.WithSubjectFilter(subj))
		if err != nil {
			t.Fatal(err)
		}
		if n := info.State.Subjects[subj]; n != 1 {
			t.Errorf("%s holds %d messages for %s, want 1", name, n, subj)
		}
	}
}

// A result with no job waiting (a redelivered job that finished twice) is
// not handed to anyone a second time.
func TestSecondResultOfAJobIsIgnored(t *testing.T) {
	t.Parallel()
	d := &dispatch{runID: "r", scope: "r.0", waiters: map[string]chan bench.Result{}}
	k := bench.Key{CaseID: "c", PromptID: "p", Provider: "x"}
	ch := make(chan bench.Result, 1)
	d.waiters[msgID("r.0", k)] = ch
	res := bench.Result{RunID: "r", CaseID: "c", PromptID: "p", Provider: "x", Response: "first"}
	b, _ := json.Marshal(res)
	d.onResult(fakeMsg{data: b})
	second := make(chan struct{})
	go func() { d.onResult(fakeMsg{data: b}); close(second) }()
	select {
	case <-second:
	case <-time.After(2 * time.Second):
		t.Fatal("the second result was handed to the job again")
	}
	if got := <-ch; got.Response != "first" {
		t.Errorf("got %+v", got)
	}
}

type fakeMsg struct {
	jetstream.Msg
	data []byte
}

func (m fakeMsg) Data() []byte { return m.data }

// Cancelling the run stops the calls workers have in flight.
func TestCancelReachesWorkers(t *testing.T) {
	t.Parallel()
	srv, nc := startServer(t)
	p := &fakeProvider{block: true, started: make(chan struct{}, 1)}
	startWorker(t, srv.URL(), "w", p, 3)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-p.started
		cancel()
	}()
	got, sum := coordinate(ctx, t, nc, Settings{}, "run-cancel", 6)
	if sum.StoppedBy != runner.StopCancelled {
		t.Errorf("stopped by %q, want cancelled", sum.StoppedBy)
	}
	for _, r := range got {
		if r.Status != bench.StatusCancelled {
			t.Errorf("%s: %s", r.CaseID, r.Status)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for p.cancelled.Load() == 0 || p.cancelled.Load() < p.calls.Load() {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d calls on the worker were cancelled", p.cancelled.Load(), p.calls.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestWorkersRegisterAndExpire(t *testing.T) {
	t.Parallel()
	srv, nc := startServer(t)
	ctx := context.Background()
	stop := startWorker(t, srv.URL(), "gpu-1", &fakeProvider{}, 7)
	var ws []WorkerInfo
	for deadline := time.Now().Add(5 * time.Second); len(ws) == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var err error
		if ws, err = ListWorkers(ctx, nc); err != nil {
			t.Fatal(err)
		}
	}
	if len(ws) != 1 || ws[0].ID != "gpu-1" || ws[0].MaxConcurrentTasks != 7 || !ws[0].HasGPU || len(ws[0].Providers) != 1 || ws[0].PID == 0 {
		t.Fatalf("workers %+v", ws)
	}
	stop()
	ws, err := ListWorkers(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 0 {
		t.Errorf("a stopped worker is still listed: %+v", ws)
	}
}

func TestListWorkersWithoutBucket(t *testing.T) {
	t.Parallel()
	_, nc := startServer(t)
	ws, err := ListWorkers(context.Background(), nc)
	if err != nil || len(ws) != 0 {
		t.Errorf("ListWorkers = %v, %v; want none", ws, err)
	}
}

// A call longer than the ack wait is kept alive (InProgress), so it is
// not handed to a second worker and made twice.
func TestLongCallIsNotRedelivered(t *testing.T) {
	t.Parallel()
	srv, nc := startServer(t)
	p1, p2 := &fakeProvider{delay: 1200 * time.Millisecond}, &fakeProvider{delay: 1200 * time.Millisecond}
	ctx := context.Background()
	s := Settings{AckWait: 300 * time.Millisecond}
	if _, err := NewCoordinator(ctx, nc, s, nil); err != nil {
		t.Fatal(err)
	}
	// Free slots on both workers: a job whose ack wait lapsed would be
	// taken again at once.
	startWorker(t, srv.URL(), "w1", p1, 8)
	startWorker(t, srv.URL(), "w2", p2, 8)
	got, _ := coordinate(ctx, t, nc, s, "run-long", 4)
	if len(got) != 4 {
		t.Fatalf("%d results, want 4", len(got))
	}
	if c := p1.calls.Load() + p2.calls.Load(); c != 4 {
		t.Errorf("%d calls for 4 jobs: a job in progress was redelivered", c)
	}
}

// The installed nats-server (.ci/run starts it) runs a distributed run
// as the embedded one does. LTB_TEST_NATS_URL overrides where it is.
func TestOnInstalledServer(t *testing.T) {
	t.Parallel()
	url := cmp.Or(os.Getenv("LTB_TEST_NATS_URL"), "nats://127.0.0.1:4222")
	nc, err := nats.Connect(url, nats.Timeout(3*time.Second))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("NATS unreachable on CI at %s: %v", url, err)
		}
		t.Skipf("NATS unreachable at %s, skipping: %v", url, err)
	}
	t.Cleanup(nc.Close)
	startWorker(t, url, "installed-1", &fakeProvider{delay: time.Millisecond}, 4)
	startWorker(t, url, "installed-2", &fakeProvider{delay: time.Millisecond}, 4)
	runID := "test-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	got, _ := coordinate(context.Background(), t, nc, Settings{}, runID, 40)
	if counts := byCase(got); len(got) != 40 || len(counts) != 40 {
		t.Fatalf("%d results for %d cases, want 40 and 40", len(got), len(counts))
	}
}

// failingSource cannot build runners (a worker without the run's key).
type failingSource struct{}

func (failingSource) WorkerRunner(context.Context, session.Manifest, int) (*runner.Runner, func() error, error) {
	return nil, nil, errors.New("provider \"x\": no API key")
}

// A worker that cannot build a run's providers leaves its jobs to workers
// that can; when none can, each job ends as an error result naming why.
func TestWorkerWithoutProviderLeavesJobs(t *testing.T) {
	t.Parallel()
	t.Run("another worker can", func(t *testing.T) {
		t.Parallel()
		srv, nc := startServer(t)
		s := Settings{AckWait: 200 * time.Millisecond}
		if _, err := NewCoordinator(context.Background(), nc, s, nil); err != nil {
			t.Fatal(err)
		}
		startSourceWorker(t, srv.URL(), "keyless", failingSource{})
		startWorker(t, srv.URL(), "able", &fakeProvider{}, 2)
		got, sum := coordinate(context.Background(), t, nc, s, "run-mixed", 12)
		if len(got) != 12 || sum.Succeeded != 12 {
			t.Fatalf("%d results, %d succeeded; want 12 and 12", len(got), sum.Succeeded)
		}
	})
	t.Run("none can", func(t *testing.T) {
		t.Parallel()
		srv, nc := startServer(t)
		s := Settings{AckWait: 100 * time.Millisecond, MaxDeliver: 2}
		if _, err := NewCoordinator(context.Background(), nc, s, nil); err != nil {
			t.Fatal(err)
		}
		startSourceWorker(t, srv.URL(), "keyless", failingSource{})
		got, _ := coordinate(context.Background(), t, nc, s, "run-keyless", 3)
		for _, r := range got {
			if r.Status != bench.StatusError || r.Error == nil || r.Error.Kind != "worker_config" || !strings.Contains(r.Error.Message, "no API key") {
				t.Errorf("%s: %s %+v", r.CaseID, r.Status, r.Error)
			}
		}
		if len(got) != 3 {
			t.Fatalf("%d results, want 3", len(got))
		}
	})
}

// A coordinator that continues a run takes the results workers stored
// after its predecessor died, instead of running those jobs again: found
// before publishing for a resumed run, and after a publish that JetStream
// reports as a duplicate (the predecessor had published the job).
func TestStoredResultsAreReadBack(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name              string
		resumed, prevJobs bool
	}{
		{"resumed run", true, false},
		{"job published before", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, nc := startServer(t)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			js, _ := jetstream.New(nc)
			co, err := NewCoordinator(ctx, nc, Settings{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			k := bench.Key{CaseID: "c1", PromptID: "default", Provider: "fake"}
			job := runner.Job{RunID: "run-back", Key: k, Case: &bench.Case{ID: "c1"}}
			scope := scopeOf("run-back", "0")
			if tc.prevJobs {
				body, _ := json.Marshal(job)
				if _, err := js.Publish(ctx, taskSubject("run-back"), body, jetstream.WithMsgID(msgID(scope, k))); err != nil {
					t.Fatal(err)
				}
				// A worker took it and finished it.
				cons, _ := js.Consumer(ctx, TasksStream, Consumer)
				b, err := cons.Fetch(1)
				if err != nil {
					t.Fatal(err)
				}
				for m := range b.Messages() {
					_ = m.DoubleAck(ctx)
				}
			}
			res := runner.ErrorResult(&job, bench.StatusSuccess, nil)
			res.Response = "stored before"
			if err := publishResult(ctx, js, scope, &res); err != nil {
				t.Fatal(err)
			}
			d, err := co.Begin(ctx, session.Manifest{RunID: "run-back", Resumed: tc.resumed})
			if err != nil {
				t.Fatal(err)
			}
			defer d.End(context.Background())
			time.Sleep(200 * time.Millisecond) // the replayed result finds no waiter
			if got := d.Execute(ctx, job); got.Response != "stored before" {
				t.Errorf("got %s %q %+v, want the stored result", got.Status, got.Response, got.Error)
			}
		})
	}
}

// --max-cost holds across workers: the coordinator adds each result's
// cost to the run's budget and stops dispatching once it is reached.
func TestBudgetHoldsAcrossWorkers(t *testing.T) {
	t.Parallel()
	srv, nc := startServer(t)
	ctx := context.Background()
	for _, id := range []string{"w1", "w2"} {
		runWorker(t, srv.URL(), &Worker{Info: WorkerInfo{ID: id, MaxConcurrentTasks: 1}, Runners: fakeSource{p: &fakeProvider{delay: 10 * time.Millisecond}, usd: 1}})
	}
	co, err := NewCoordinator(ctx, nc, Settings{InFlight: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := co.Begin(ctx, session.Manifest{RunID: "run-budget"})
	if err != nil {
		t.Fatal(err)
	}
	rn := &runner.Runner{Targets: []*runner.Target{{ID: "fake", Provider: &fakeProvider{}}}, Remote: d, Concurrency: d.InFlight(), MaxCost: 5}
	out := &sink{}
	mx := runner.Matrix{Cases: cases(100), Render: render, Targets: []string{"fake"}}
	sum, err := rn.RunJobs(ctx, "run-budget", mx.Jobs("run-budget"), out)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.End(ctx); err != nil {
		t.Fatal(err)
	}
	// The jobs in flight when the cap is reached finish: at most InFlight more.
	if sum.StoppedBy != runner.StopMaxCost || sum.CostUSD < 5 || sum.CostUSD > 7 || len(out.results()) > 7 {
		t.Errorf("stopped by %q after $%.0f and %d results; want max_cost after $5-7", sum.StoppedBy, sum.CostUSD, len(out.results()))
	}
}
