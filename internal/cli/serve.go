package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/serve"
	"github.com/llm-test-bench/llm-test-bench/internal/server"
)

func (a *app) serveCommand() *cobra.Command {
	var addr string
	var simulate bool
	var dist distFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the API server: REST under /api/v1, GraphQL at /graphql, WebSocket at /ws",
		Long: `Run the API server until SIGINT or SIGTERM. Benchmarks submitted to it
are queued and run in the background; on shutdown, running ones are
checkpointed and resumed at the next start.

With --distributed, benchmarks submitted with "distributed": true run their
calls on worker processes: through --nats-url (or [distributed] nats_url),
else a NATS server embedded in this process on 127.0.0.1, with --workers N
local worker processes (default [distributed] worker_count) stopped with
the server. Workers elsewhere find the NATS server with
  llm-test-bench worker --coordinator-url http://THIS-SERVER:8080

The signing secret comes from JWT_SECRET (at least 32 bytes). No account
exists after a fresh install: create the first one with
  llm-test-bench auth create-user --username admin --role admin --password-stdin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			log := a.log
			if log == nil {
				log = slog.New(slog.DiscardHandler)
			}
			dataDir := ""
			if j := a.journalDir(); j != "" {
				dataDir = filepath.Join(filepath.Dir(j), "server")
			}
			o := serve.Options{Config: a.cfg, Store: st, DataDir: dataDir, Simulate: simulate, Logger: log, Version: Version}
			if a.distEnabled(&dist) {
				// Started before the server and stopped after it: the
				// manager's shutdown checkpoints the runs on workers first.
				d, err := a.startDistributed(ctx, &dist, cmd.Flags().Changed("workers"))
				if err != nil {
					return err
				}
				defer d.stop()
				o.Distributor, o.NATSURL = d.co, d.url
			}
			srv, err := serve.Build(ctx, o)
			var ce *serve.ConfigError
			if errors.As(err, &ce) {
				return withCode(ExitConfig, err)
			}
			if err != nil {
				return err
			}
			if addr == "" {
				addr = server.ListenAddr(a.cfg)
			}
			fmt.Fprintf(a.io.Stderr, "llm-test-bench API server on http://%s (Ctrl-C stops it)\n", addr)
			return srv.Run(ctx, addr)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen address host:port (default: [server] host and port, 127.0.0.1:8080)")
	cmd.Flags().BoolVar(&simulate, "simulate", false, "run every benchmark against the built-in simulator (no keys, no network; for demos and tests)")
	dist.register(cmd.Flags(), `accept benchmarks submitted with "distributed": true and run their calls on worker processes through NATS JetStream`)
	return cmd
}
