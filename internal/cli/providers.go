package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func (a *app) providersCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "providers", Short: "List vendors, their models, and check they answer"}
	list := &cobra.Command{
		Use: "list", Short: "List the vendors this build speaks", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "VENDOR\tKEY VARIABLE\tKEY\tDEFAULT BASE URL")
			for _, name := range provider.Vendors() {
				v, _ := provider.Lookup(name)
				_, src := a.cfg.APIKey(name)
				keyVar, have := v.KeyEnv, "-"
				switch {
				case v.KeyEnv != "" && src != "":
					have = "set (" + src + ")"
				case v.KeyEnv != "":
					have = "missing"
				case len(config.KeyEnvNames(name)) > 0:
					// Optional: the vendor has another way in (Bedrock: AWS credentials).
					keyVar = strings.Join(config.KeyEnvNames(name), " or ")
					have = "optional"
					if src != "" {
						have = "set (" + src + ")"
					}
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, keyVar, have, v.DefaultBaseURL)
			}
			fmt.Fprintf(tw, "%s\t\t-\tbuilt in (offline)\n", session.SimulatorVendor)
			return tw.Flush()
		},
	}
	models := &cobra.Command{
		Use: "models NAME", Short: "List a provider's models", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, stop, err := a.oneProvider(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer stop()
			l, ok := provider.As[provider.Lister](p)
			if !ok {
				return configErr("provider %s cannot list models", args[0])
			}
			ms, err := l.Models(cmd.Context())
			if err != nil {
				return withCode(ExitProvider, err)
			}
			for _, m := range ms {
				fmt.Fprintln(cmd.OutOrStdout(), m)
			}
			return nil
		},
	}
	health := &cobra.Command{
		Use: "health NAME", Short: "Check a provider answers with the configured key", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, stop, err := a.oneProvider(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer stop()
			h, ok := provider.As[provider.HealthChecker](p)
			if !ok {
				return configErr("provider %s has no health check", args[0])
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Second)
			defer cancel()
			start := time.Now()
			if err := h.Health(ctx); err != nil {
				return withCode(ExitProvider, fmt.Errorf("%s: unhealthy: %w", args[0], err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: healthy (%s)\n", args[0], time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.AddCommand(list, models, health)
	return cmd
}

// oneProvider builds a single provider by name (vendor or vendor:model).
func (a *app) oneProvider(ctx context.Context, name string) (provider.Provider, func(), error) {
	p, stop, err := a.session(nil).Provider(ctx, name)
	return p, stop, a.sessionErr(err)
}
