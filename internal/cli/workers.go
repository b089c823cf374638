package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/distributed"
)

func (a *app) workersCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "workers",
		Short: "Inspect the workers of distributed benchmarks",
		Args:  cobra.NoArgs,
	}
	var url string
	var asJSON bool
	list := &cobra.Command{
		Use:     "list",
		Short:   "List live workers: capabilities, jobs in flight and done, last heartbeat",
		Example: `  llm-test-bench workers list --nats-url nats://127.0.0.1:4222`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				url = a.cfg.Distributed.NATSURL
			}
			if url == "" {
				return configErr("workers list: no NATS server: pass --nats-url nats://HOST:4222 or set [distributed] nats_url")
			}
			nc, err := nats.Connect(url, nats.Name("llm-test-bench workers list"))
			if err != nil {
				return withCode(ExitConfig, fmt.Errorf("workers list: connect to %s: %w", url, err))
			}
			defer nc.Close()
			ws, err := distributed.ListWorkers(cmd.Context(), nc)
			if err != nil {
				return fmt.Errorf("workers list: %w", err)
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if ws == nil {
					ws = []distributed.WorkerInfo{}
				}
				return enc.Encode(ws)
			}
			if len(ws) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no live workers")
				return nil
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tHOST\tPID\tMAX TASKS\tIN FLIGHT\tDONE\tGPU\tPROVIDERS\tLAST SEEN")
			for _, w := range ws {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%t\t%s\t%s ago\n", w.ID, w.Host, w.PID, w.MaxConcurrentTasks, w.InFlight, w.Done, w.HasGPU,
					strings.Join(w.Providers, ","), time.Since(w.Seen).Round(time.Second))
			}
			return tw.Flush()
		},
	}
	list.Flags().StringVar(&url, "nats-url", "", "NATS server with JetStream (default: [distributed] nats_url)")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(list)
	return cmd
}
