package cli

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/spf13/pflag"

	"github.com/llm-test-bench/llm-test-bench/internal/distributed"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// distFlags are bench's --distributed flags.
type distFlags struct {
	on         bool
	workers    int
	natsURL    string
	natsPort   int
	workerConc int
	ackWait    time.Duration
	maxDeliver int
	replicas   int
}

func (f *distFlags) register(fl *pflag.FlagSet, what string) {
	fl.BoolVar(&f.on, "distributed", false, what+" (default: [distributed] enable_distributed)")
	fl.IntVar(&f.workers, "workers", 0, "with --distributed: start N local worker processes (default: [distributed] worker_count when the server is embedded, else 0)")
	fl.StringVar(&f.natsURL, "nats-url", "", "with --distributed: the NATS server (default: [distributed] nats_url, else one embedded in this process)")
	fl.IntVar(&f.natsPort, "nats-port", 0, "with --distributed and no --nats-url: the embedded server's port on 127.0.0.1 (default: a free one)")
	fl.IntVar(&f.workerConc, "worker-concurrency", 0, "with --workers: jobs each local worker runs at once (default: [distributed] worker_capabilities.max_concurrent_tasks)")
	fl.DurationVar(&f.ackWait, "ack-wait", distributed.DefaultAckWait, "with --distributed: how long a silent worker keeps a job before another gets it")
	fl.IntVar(&f.maxDeliver, "max-deliver", distributed.DefaultMaxDeliver, "with --distributed: deliveries of a job before it is recorded as a worker_lost error")
	fl.IntVar(&f.replicas, "nats-replicas", 1, "with --distributed: servers of a NATS cluster that keep each stream this process creates (3 on a 3-node cluster)")
}

// enabled says whether the flags or [distributed] enable_distributed ask
// for workers.
func (a *app) distEnabled(f *distFlags) bool { return f.on || a.cfg.Distributed.EnableDistributed }

// distribute sets the plan up to run on workers when asked; stop tears
// down what it started (local workers, the embedded server) after the run.
func (a *app) distribute(ctx context.Context, p *session.Plan, f *distFlags, workersSet bool) (stop func(), err error) {
	if !a.distEnabled(f) {
		return func() {}, nil
	}
	d, err := a.startDistributed(ctx, f, workersSet)
	if err != nil {
		return nil, err
	}
	p.Distribute(d.co)
	return d.stop, nil
}

// distStack is what a coordinator process runs for its workers: the NATS
// connection (and the embedded server when no URL was given), the
// coordinator, and local worker processes.
type distStack struct {
	co *distributed.Coordinator
	// url is the NATS server's.
	url  string
	stop func()
}

// startDistributed connects to the NATS server of the flags or the
// configuration, else starts one in this process, opens the coordinator,
// and starts the local workers asked for.
func (a *app) startDistributed(ctx context.Context, f *distFlags, workersSet bool) (d *distStack, err error) {
	dc := a.cfg.Distributed
	var closers []func()
	stop := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	url := cmp.Or(f.natsURL, dc.NATSURL)
	workers := f.workers
	if url == "" {
		dir, err := os.MkdirTemp("", "ltb-nats-")
		if err != nil {
			return nil, fmt.Errorf("embedded nats server: %w", err)
		}
		closers = append(closers, func() { _ = os.RemoveAll(dir) })
		srv, err := distributed.StartEmbedded(dir, f.natsPort)
		if err != nil {
			return nil, err
		}
		closers = append(closers, srv.Close)
		url = srv.URL()
		if !workersSet {
			workers = dc.WorkerCount
		}
	}
	nc, err := nats.Connect(url, nats.Name("llm-test-bench coordinator"), nats.MaxReconnects(-1))
	if err != nil {
		return nil, withCode(ExitConfig, fmt.Errorf("--distributed: connect to %s: %w", url, err))
	}
	closers = append(closers, nc.Close)
	co, err := distributed.NewCoordinator(ctx, nc, distributed.Settings{AckWait: f.ackWait, MaxDeliver: f.maxDeliver, Replicas: f.replicas}, a.log)
	if err != nil {
		return nil, fmt.Errorf("--distributed: %w", err)
	}
	for i := range workers {
		w, err := a.startLocalWorker(ctx, url, i, f.workerConc)
		if err != nil {
			return nil, err
		}
		closers = append(closers, w)
	}
	a.log.Info("distributed runs", "nats", url, "local_workers", workers)
	return &distStack{co: co, url: url, stop: stop}, nil
}

// startLocalWorker starts this binary's worker command against url; the
// returned function stops it (SIGINT, then a kill after 5s).
func (a *app) startLocalWorker(ctx context.Context, url string, i, conc int) (func(), error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("--workers: find this program: %w", err)
	}
	args := []string{"--log-level", a.logLevel}
	if a.cfgFile != "" {
		args = append(args, "--config", a.cfgFile)
	}
	args = append(args, "worker", "--nats-url", url, "--id", "local-"+strconv.Itoa(os.Getpid())+"-"+strconv.Itoa(i+1))
	if conc > 0 {
		args = append(args, "--concurrency", strconv.Itoa(conc))
	}
	// Ctrl-C reaches the workers too; they leave their jobs unacknowledged.
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.Env, cmd.Dir = a.environ(), a.io.WorkDir
	// The worker's log lines go through this process's logger, which
	// serialises them with its own writes to standard error.
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("--workers: start worker %d: %w", i+1, err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("--workers: start worker %d: %w", i+1, err)
	}
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			a.log.Warn("local worker", "worker", i+1, "line", sc.Text())
		}
		_, _ = io.Copy(io.Discard, out) // after an overlong line
		_ = cmd.Wait()                  // after the output is read, as StdoutPipe requires
		close(exited)
	}()
	return func() {
		if err := cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
			_ = cmd.Process.Kill()
		}
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}, nil
}
