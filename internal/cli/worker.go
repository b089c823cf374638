package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/distributed"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

type workerFlags struct {
	natsURL     string
	coordinator string
	concurrency int
	id          string
	heartbeat   time.Duration
}

func (a *app) workerCommand() *cobra.Command {
	f := &workerFlags{}
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run the jobs of distributed benchmarks (bench --distributed) until SIGINT or SIGTERM",
		Long: `Take jobs from the NATS JetStream work queue that bench --distributed fills,
call each provider with this machine's configuration (its API keys, limits,
cache and prices), and store every result before acknowledging its job. A
job this worker was running when it died goes to another worker.`,
		Example: `  llm-test-bench worker --nats-url nats://127.0.0.1:4222 --concurrency 16
  LTB_API_KEY=ltb_... llm-test-bench worker --coordinator-url http://bench-server:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runWorker(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.natsURL, "nats-url", "", "NATS server with JetStream (default: [distributed] nats_url)")
	fl.StringVar(&f.coordinator, "coordinator-url", "", "instead of --nats-url: the API server (serve --distributed) to ask for its NATS server, with the API key in LTB_API_KEY (default: [distributed] coordinator_url)")
	fl.IntVar(&f.concurrency, "concurrency", 0, "jobs this worker runs at once (default: [distributed] worker_capabilities.max_concurrent_tasks, 10)")
	fl.StringVar(&f.id, "id", "", "name of this worker in `workers list` (default: host-pid-random)")
	fl.DurationVar(&f.heartbeat, "heartbeat", 5*time.Second, "how often the worker renews its entry in the workers list")
	return cmd
}

func (a *app) runWorker(cmd *cobra.Command, f *workerFlags) error {
	ctx := cmd.Context()
	url, err := a.workerNATSURL(ctx, f)
	if err != nil {
		return err
	}
	caps := a.cfg.Distributed.WorkerCapabilities
	conc := f.concurrency
	if conc <= 0 {
		conc = max(caps.MaxConcurrentTasks, 1)
	}
	host, _ := os.Hostname()
	id := f.id
	if id == "" {
		id = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), uuid.NewString()[:8])
	}
	nc, err := nats.Connect(url, nats.Name("llm-test-bench worker "+id), nats.MaxReconnects(-1))
	if err != nil {
		return withCode(ExitConfig, fmt.Errorf("worker: connect to %s: %w", url, err))
	}
	defer nc.Close()
	w := &distributed.Worker{
		Info: distributed.WorkerInfo{
			ID: id, Host: host, Version: Version, MaxConcurrentTasks: conc, HasGPU: caps.HasGPU,
			Providers: a.reachableProviders(),
		},
		Runners:   session.New(a.cfg, nil, a.log),
		Logger:    a.log.With("component", "worker", "worker", id),
		Heartbeat: f.heartbeat,
	}
	if err := w.Run(ctx, nc); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	return nil
}

// APIKeyEnv holds the API key a worker shows the API server it asks for
// the NATS server (--coordinator-url); a variable keeps it off the command
// line.
const APIKeyEnv = "LTB_API_KEY"

// workerNATSURL is the NATS server a worker serves: --nats-url, else the
// one --coordinator-url's server names, else the configuration's
// nats_url, else the one its coordinator_url's server names.
func (a *app) workerNATSURL(ctx context.Context, f *workerFlags) (string, error) {
	dc := a.cfg.Distributed
	ask := func(base string) (string, error) {
		key := ""
		for _, kv := range a.environ() {
			if v, ok := strings.CutPrefix(kv, APIKeyEnv+"="); ok {
				key = v
			}
		}
		actx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		url, err := distributed.AskNATSURL(actx, http.DefaultClient, base, key)
		if err != nil {
			return "", withCode(ExitConfig, fmt.Errorf("worker: %w", err))
		}
		a.log.Info("worker: NATS server named by the coordinator", "coordinator", base, "nats", url)
		return url, nil
	}
	switch {
	case f.natsURL != "":
		return f.natsURL, nil
	case f.coordinator != "":
		return ask(f.coordinator)
	case dc.NATSURL != "":
		return dc.NATSURL, nil
	case dc.CoordinatorURL != "":
		return ask(dc.CoordinatorURL)
	}
	return "", configErr("worker: no NATS server: pass --nats-url nats://HOST:4222 or --coordinator-url http://API-SERVER:8080, or set [distributed] nats_url or coordinator_url")
}

// reachableProviders are the vendors and configured providers this
// worker can call: those whose key it has or that need none, as a run
// resolves keys (exec providers never: workers do not run local
// commands).
func (a *app) reachableProviders() []string {
	names := append([]string{session.SimulatorVendor}, provider.Vendors()...)
	for n := range a.cfg.Providers {
		names = append(names, n)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	svc := session.New(a.cfg, nil, nil)
	out := names[:0]
	for _, n := range names {
		if a.cfg.Provider(n).Type == "exec" {
			continue // workers refuse local commands
		}
		if svc.HasKey(n) {
			out = append(out, n)
		}
	}
	return out
}
