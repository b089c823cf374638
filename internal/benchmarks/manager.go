// Package benchmarks is the API server's asynchronous benchmark queue:
// benchmarks submitted through the API are checked (datasets only from
// built-ins, inline suites and a configured directory; only providers the
// server configures; no commands, hosts, credentials or local files of the
// submitter's choosing), stored as queued runs, and executed through
// session.Service, a configurable number at once, with live progress and
// cancellation. A server that stops checkpoints its runs; the next one
// resumes them (or marks them failed, as configured). See
// docs/ARCHITECTURE.md.
package benchmarks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Origin is the origin the queue saves in its runs' options
// (Config["bench"]["origin"]); recovery takes only runs of this origin.
const Origin = "server"

// On-restart policies.
const (
	OnRestartResume = "resume"
	OnRestartFail   = "fail"
)

// Options configure a Manager.
type Options struct {
	// MaxRunning is how many benchmarks execute at once (default 2);
	// QueueSize how many more may wait (default 100).
	MaxRunning, QueueSize int
	// DatasetsDir is the only directory requests may name files in; ""
	// allows built-ins and inline suites only.
	DatasetsDir string
	// DataDir keeps inline suites (DataDir/suites/<run id>.json), so that
	// a queued or interrupted run can be resumed. Required for inline suites.
	DataDir string
	// OnRestart is "resume" (default) or "fail": what Start does with the
	// server runs a stopped process left queued or running.
	OnRestart string
	// RecoverAfter is how long a server run may go without a sign of life
	// before it is taken as abandoned; 0 means store.StaleAfter.
	RecoverAfter time.Duration
	// Simulate runs every benchmark against the built-in simulator (demo, tests).
	Simulate bool
	// AllowMediaURLs and AllowMediaFiles accept a suite's inputs by
	// http(s) URL or file:// path; data: URLs are always accepted.
	AllowMediaURLs, AllowMediaFiles bool
	// Distributor runs the calls of benchmarks submitted with
	// "distributed": true on worker processes; nil refuses them.
	Distributor session.Distributor
	Logger      *slog.Logger
}

// OptionsFromConfig reads the queue's settings from [server].
func OptionsFromConfig(s config.Server) Options {
	return Options{
		MaxRunning: s.MaxRunning, QueueSize: s.QueueSize, DatasetsDir: s.DatasetsDir, DataDir: s.DataDir,
		OnRestart: s.OnRestart, RecoverAfter: s.RecoverAfter, AllowMediaURLs: s.AllowMediaURLs, AllowMediaFiles: s.AllowMediaFiles,
	}
}

// Manager queues and runs the API's benchmarks. Its methods are safe for
// concurrent use.
type Manager struct {
	svc   *session.Service
	st    store.Store
	pub   live.Publisher
	cfg   *config.Config
	o     Options
	log   *slog.Logger
	check suiteChecker

	mu         sync.Mutex
	maxRunning int
	queueSize  int
	queue      []*job          // waiting, oldest first
	jobs       map[string]*job // queued and running, by run id
	running    int
	reserved   int // submissions past the queue check, not yet queued
	started    bool
	closing    bool
	stop       chan struct{} // closed by Shutdown
	wake       chan struct{}
	bg         sync.WaitGroup // dispatcher, heartbeat, scanner
	runs       sync.WaitGroup // executing jobs
}

// New returns a manager; Start begins its work.
func New(svc *session.Service, st store.Store, pub live.Publisher, cfg *config.Config, o Options) *Manager {
	if o.MaxRunning <= 0 {
		o.MaxRunning = 2
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 100
	}
	if o.OnRestart == "" {
		o.OnRestart = OnRestartResume
	}
	if o.RecoverAfter <= 0 {
		o.RecoverAfter = store.StaleAfter
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if pub == nil {
		pub = discard{}
	}
	return &Manager{
		svc: svc, st: st, pub: pub, cfg: cfg, o: o, log: o.Logger.With("component", "benchmarks"),
		check:      suiteChecker{cfg: cfg, allowURLs: o.AllowMediaURLs, allowFiles: o.AllowMediaFiles},
		maxRunning: o.MaxRunning, queueSize: o.QueueSize,
		jobs: map[string]*job{}, stop: make(chan struct{}), wake: make(chan struct{}, 1),
	}
}

type discard struct{}

func (discard) Publish(live.Message) {}

// Start recovers the server runs a stopped process left queued or running
// (resumed or marked failed, as Options.OnRestart says), then starts the
// queue's work in the background and returns: runs execute until
// Shutdown, and runs that become abandoned later (another process died)
// are picked up by a periodic scan. ctx bounds the recovery only.
func (m *Manager) Start(ctx context.Context) error {
	if m.o.OnRestart != OnRestartResume && m.o.OnRestart != OnRestartFail {
		return fmt.Errorf("start benchmark queue: on_restart must be %q or %q, got %q", OnRestartResume, OnRestartFail, m.o.OnRestart)
	}
	m.mu.Lock()
	if m.started || m.closing {
		m.mu.Unlock()
		return errors.New("start benchmark queue: already started")
	}
	m.started = true
	m.mu.Unlock()
	if err := m.recover(ctx); err != nil {
		return fmt.Errorf("start benchmark queue: %w", err)
	}
	m.bg.Add(3)
	go m.dispatch()
	go m.heartbeat()
	go m.scan()
	return nil
}

// Limits returns how many benchmarks run at once and how many may wait.
func (m *Manager) Limits() (maxRunning, queueSize int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.maxRunning, m.queueSize
}

// SetLimits changes the limits at once. Runs already executing or waiting
// are kept when the new limits are lower; they only bound what comes next.
func (m *Manager) SetLimits(maxRunning, queueSize int) error {
	if maxRunning < 1 {
		return badField("max_running", "must be at least 1, got %d", maxRunning)
	}
	if queueSize < 1 {
		return badField("queue_size", "must be at least 1, got %d", queueSize)
	}
	m.mu.Lock()
	m.maxRunning, m.queueSize = maxRunning, queueSize
	m.mu.Unlock()
	m.signal()
	return nil
}

// Shutdown stops taking work, lets running benchmarks finish until ctx
// ends, then interrupts them: every finished result is kept and each
// interrupted run, like each waiting one, is left queued for the next
// Start to resume, never cancelled. It returns ctx's error when it had to
// interrupt runs, nil when they all finished.
func (m *Manager) Shutdown(ctx context.Context) error {
	m.mu.Lock()
	if m.closing {
		m.mu.Unlock()
		return nil
	}
	m.closing = true
	close(m.stop)
	waiting := m.queue
	m.queue = nil
	for _, j := range waiting {
		delete(m.jobs, j.id)
	}
	m.mu.Unlock()
	m.bg.Wait()
	for _, j := range waiting {
		m.release(context.WithoutCancel(ctx), j.id)
	}

	done := make(chan struct{})
	go func() { m.runs.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	m.mu.Lock()
	for _, j := range m.jobs {
		j.interrupt()
	}
	m.mu.Unlock()
	<-done
	return ctx.Err()
}

// release marks a run this process holds as free for the next Start: still
// queued, with nobody executing it.
func (m *Manager) release(ctx context.Context, id string) {
	run, err := m.st.GetRun(ctx, id)
	if err != nil {
		m.log.Error("release benchmark", "run", id, "error", err)
		return
	}
	if run.Status != bench.RunQueued && run.Status != bench.RunRunning && run.Status != bench.RunInterrupted {
		return // it ended meanwhile
	}
	run.Status = bench.RunQueued
	if run.Config == nil {
		run.Config = map[string]any{}
	}
	run.Config[releasedKey] = store.Now().Format(time.RFC3339Nano)
	run.UpdatedAt = store.Now()
	if err := m.st.UpdateRun(ctx, run); err != nil {
		m.log.Error("release benchmark", "run", id, "error", err)
		return
	}
	m.publish(run, live.Progress{Status: string(bench.RunQueued), Done: run.Totals.Results, Total: run.Total,
		Passed: run.Totals.Passed, Failed: run.Totals.Failed, Errors: run.Totals.Errored, CostUSD: run.Totals.CostUSD})
}

// releasedKey marks, in a run's Config, a queued run that the process
// holding it let go of at shutdown: the next Start resumes it at once.
const releasedKey = "released_at"

// signal wakes the dispatcher without blocking.
func (m *Manager) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// dispatch starts waiting jobs while there is room.
func (m *Manager) dispatch() {
	defer m.bg.Done()
	for {
		m.mu.Lock()
		for !m.closing && m.running < m.maxRunning && len(m.queue) > 0 {
			j := m.queue[0]
			m.queue = m.queue[1:]
			j.state = bench.RunRunning
			m.running++
			m.runs.Add(1)
			go m.execute(j)
		}
		m.mu.Unlock()
		select {
		case <-m.stop:
			return
		case <-m.wake:
		}
	}
}

// heartbeat tells the store that this process holds its waiting runs, so
// another process can tell them from abandoned ones (running runs beat
// through the session).
func (m *Manager) heartbeat() {
	defer m.bg.Done()
	every := m.svc.HeartbeatEvery
	if every <= 0 {
		every = store.HeartbeatInterval
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
		}
		m.mu.Lock()
		ids := make([]string, len(m.queue))
		for i, j := range m.queue {
			ids[i] = j.id
		}
		m.mu.Unlock()
		for _, id := range ids {
			if err := m.st.Heartbeat(context.Background(), id, store.Now()); err != nil {
				m.log.Warn("heartbeat of a queued benchmark failed", "run", id, "error", err)
			}
		}
	}
}

// scan looks for abandoned server runs now and then.
func (m *Manager) scan() {
	defer m.bg.Done()
	t := time.NewTicker(max(m.o.RecoverAfter/2, 50*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
		}
		if err := m.recover(context.Background()); err != nil {
			m.log.Error("scan for abandoned benchmarks", "error", err)
		}
	}
}

// publish sends a progress message for run without blocking the caller
// for longer than the publisher takes (live.Publisher must not block).
func (m *Manager) publish(run *bench.Run, p live.Progress) {
	p.BenchmarkID = run.ID
	m.pub.Publish(live.Message{Topic: "benchmark.progress", Owner: run.UserID, RunID: run.ID, Time: time.Now(), Payload: p})
}
