package cli

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func (a *app) configCommand() *cobra.Command {
	// refused holds the problems Load found. Unlike the other commands, the
	// config commands go on with what did load, so that validate reports
	// everything at once, show shows the rest and init works at all.
	var refused config.Problems
	cmd := &cobra.Command{
		Use: "config", Short: "Create, show and validate configuration",
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			err := a.setup(cmd)
			var le *config.LoadError
			if errors.As(err, &le) {
				a.cfg, refused = le.Config, le.Problems
				return nil
			}
			return err
		},
	}
	var force bool
	initCmd := &cobra.Command{
		Use: "init [FILE]", Short: "Write a commented starter " + config.ProjectFile, Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := config.ProjectFile
			if a.io.WorkDir != "" {
				path = filepath.Join(a.io.WorkDir, path)
			}
			if len(args) == 1 {
				path = args[0]
			}
			if _, err := os.Stat(path); err == nil && !force {
				return configErr("%s already exists; pass --force to overwrite", path)
			}
			if err := os.WriteFile(path, config.InitTemplate(), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s\n", path)
			return nil
		},
	}
	initCmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	show := &cobra.Command{
		Use: "show", Short: "Print the merged configuration, secrets redacted", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := a.cfg.ShowTOML()
			if err != nil {
				return err
			}
			if _, err := cmd.OutOrStdout().Write(b); err != nil {
				return err
			}
			if len(refused) > 0 {
				return withCode(ExitConfig, fmt.Errorf("the configuration above is invalid; refused values are shown at their defaults:\n%w", refused))
			}
			return nil
		},
	}
	validate := &cobra.Command{
		Use:   "validate",
		Short: "Check the merged configuration and report every problem with its key",
		Long: "Check every configuration file, LTB_ variable and flag: unknown keys, values of the wrong type, " +
			"out-of-range values, and each [providers.NAME] built as a run builds it (options included, no network call). " +
			"Every problem is reported at once. Keys that are set but that this version does not read yet are " +
			"warnings on stderr, naming the capability that will use them.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			warnReserved(cmd.ErrOrStderr(), a.cfg.ReservedSet())
			ps := append(append(config.Problems{}, refused...), providerProblems(a.cfg)...)
			if len(ps) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "Configuration is valid.")
				return nil
			}
			return withCode(ExitConfig, fmt.Errorf("invalid configuration (problems: %d):\n%w", len(ps), ps))
		},
	}
	cmd.AddCommand(initCmd, show, validate)
	return cmd
}

// warnReserved tells, for each key that is set but not read by this
// version, where it was set and what will use it.
func warnReserved(w io.Writer, rs []config.Reserved) {
	for _, r := range rs {
		src := ""
		if r.Source != "" {
			src = r.Source + ": "
		}
		fmt.Fprintf(w, "warning: %s%s is not used by this version; it is reserved for %s\n", src, r.Key, r.Capability)
	}
}

// providerProblems builds every configured provider as a run would, without
// a network call, and reports what a run would refuse under the provider's
// key: unknown options, bad option values, a missing base URL.
func providerProblems(cfg *config.Config) config.Problems {
	var out config.Problems
	for _, n := range slices.Sorted(maps.Keys(cfg.Providers)) {
		key := "providers." + n
		pc := cfg.Provider(n)
		if err := checkProvider(n, pc); err != nil {
			out = append(out, config.Problem{Source: cfg.SourceOf(key), Key: key, Msg: err.Error()})
		}
		// Price overrides as a run reads them (cache-write and tier prices included).
		for _, model := range slices.Sorted(maps.Keys(pc.Pricing)) {
			if _, err := pricing.FromConfig(pc.Pricing[model]); err != nil {
				pkey := fmt.Sprintf("%s.pricing.%q", key, model)
				out = append(out, config.Problem{Source: cfg.SourceOf(pkey), Key: pkey, Msg: err.Error()})
			}
		}
	}
	return out
}

// checkProvider builds one provider. The simulator's options are its own
// (session.SimulatorConfig, as `bench` reads them); a vendor's go through its
// factory. Without a configured model (a run names it: vendor:model) only
// the failures that do not depend on the model count.
func checkProvider(name string, pc config.ProviderConfig) error {
	model := pc.DefaultModel
	if model == "" && len(pc.Models) > 0 {
		model = pc.Models[0]
	}
	if pc.Type == session.SimulatorVendor {
		scfg, err := session.SimulatorConfig(pc.Options, model)
		if err != nil {
			return err
		}
		srv, err := simulator.New(scfg)
		if err != nil {
			return err
		}
		return srv.Close()
	}
	if _, ok := provider.Lookup(pc.Type); !ok {
		known := strings.Join(append(provider.Vendors(), session.SimulatorVendor), ", ")
		if pc.Type == name {
			return fmt.Errorf("%q is not a vendor; set type to one (known: %s)", name, known)
		}
		return fmt.Errorf("type %q is not a vendor (known: %s)", pc.Type, known)
	}
	build := func(model string, opts map[string]any) error {
		_, err := provider.New(provider.Config{
			ID: pc.Type + ":" + model, Vendor: pc.Type, Model: model, BaseURL: pc.BaseURL,
			Headers: pc.Headers, Timeout: pc.Timeout, Options: opts,
		})
		if inner := errors.Unwrap(err); inner != nil {
			return inner
		}
		return err
	}
	err := build(model, pc.Options)
	if err == nil || model != "" {
		return err
	}
	if bare := build("", nil); bare == nil || bare.Error() != err.Error() {
		return err // the options are at fault
	}
	if other := build("any-model", nil); other == nil || other.Error() != err.Error() {
		return nil // the missing model is at fault, and a run gives one
	}
	return err
}
