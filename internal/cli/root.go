// Package cli implements the llm-test-bench command line: one file per
// command. It is the only place exit codes are chosen (the README's "Exit codes").
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=...".
var Version = "dev"

// IO is the process's standard streams and environment, injected so the
// whole CLI can be driven in memory by tests.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Environ is the environment (nil means os.Environ()).
	Environ []string
	// WorkDir and HomeConfigDir override where config files are looked for ("" = the real ones).
	WorkDir, HomeConfigDir string
	// IsTerminal reports whether Stderr is an interactive terminal (progress line).
	IsTerminal bool
}

// app holds what every command shares: global flags and the loaded config.
type app struct {
	io       IO
	cfgFile  string
	dbURL    string
	logLevel string
	noColor  bool
	quiet    bool
	cfg      *config.Config
	log      *slog.Logger
}

// Run executes the command line args (without the program name) and returns
// the process exit code.
func Run(ctx context.Context, args []string, stdio IO) int {
	a := &app{io: stdio}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdio.Stdin)
	root.SetOut(stdio.Stdout)
	root.SetErr(stdio.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var s silentExit
	if errors.As(err, &s) {
		return int(s)
	}
	fmt.Fprintf(stdio.Stderr, "Error: %v\n", err)
	code := codeOf(err)
	if code == ExitError && isUsageError(err) {
		code = ExitConfig
	}
	return code
}

// isUsageError recognises cobra's own flag and argument errors.
func isUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "invalid argument", "flag needs an argument", "accepts ", "requires at least", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "llm-test-bench",
		Short:         "Benchmark, test and evaluate large language models across providers",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.setup(cmd)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.cfgFile, "config", "", "configuration file (TOML)")
	pf.StringVar(&a.dbURL, "db", "", "result store: sqlite:PATH or postgres://... (default: a SQLite file in the user's data directory)")
	pf.StringVar(&a.logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	pf.BoolVar(&a.noColor, "no-color", false, "disable colour output")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print only errors and the final summary")
	root.AddCommand(
		a.benchCommand(),
		a.runsCommand(),
		a.resultsCommand(),
		a.datasetsCommand(),
		a.configCommand(),
		a.simulateCommand(),
		a.metricsCommand(),
		a.statsCommand(),
		a.migrateCommand(),
		a.providersCommand(),
		a.versionCommand(),
		a.authCommand(),
		a.serveCommand(),
		a.judgeCommand(),
		a.analyzeCommand(),
		a.compareCommand(),
		a.evalCommand(),
		a.optimizeCommand(),
		a.reportCommand(),
		a.alertsCommand(),
		a.workerCommand(),
		a.workersCommand(),
		a.pluginCommand(),
	)
	return root
}

// setup loads configuration and the logger before any command runs.
func (a *app) setup(cmd *cobra.Command) error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(a.logLevel)); err != nil {
		return configErr("--log-level %q: want debug, info, warn or error", a.logLevel)
	}
	a.log = slog.New(slog.NewTextHandler(a.io.Stderr, &slog.HandlerOptions{Level: lvl}))
	cfg, err := config.Load(config.LoadOptions{
		File: a.cfgFile, WorkDir: a.io.WorkDir, HomeConfigDir: a.io.HomeConfigDir,
		Environ: a.environ(), Flags: a.flagOverrides(cmd),
	})
	if err != nil {
		return withCode(ExitConfig, err)
	}
	a.cfg = cfg
	return nil
}

func (a *app) environ() []string {
	if a.io.Environ != nil {
		return a.io.Environ
	}
	return os.Environ()
}

// flagOverrides maps the flags the user set to config keys, the top layer
// of configuration precedence.
func (a *app) flagOverrides(cmd *cobra.Command) map[string]any {
	out := map[string]any{}
	if a.dbURL != "" {
		out["storage.database_url"] = a.dbURL
	}
	for flag, key := range map[string]string{"concurrency": "benchmarks.concurrency", "repeat": "benchmarks.repeat", "timeout": "benchmarks.timeout"} {
		f := cmd.Flags().Lookup(flag)
		if f != nil && f.Changed {
			out[key] = f.Value.String()
		}
	}
	return out
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "llm-test-bench %s\n", Version)
			return nil
		},
	}
}
