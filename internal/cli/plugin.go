package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/plugin"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

func (a *app) pluginCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "plugin", Short: "Install, list, validate, reload and remove WebAssembly plugins ([plugins] plugin_directory)"}
	list := &cobra.Command{
		Use: "list", Short: "List the plugins installed in plugin_directory", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.pluginList(cmd) },
	}
	validate := &cobra.Command{
		Use: "validate DIR|DIR/plugin.toml", Short: "Check a plugin: manifest, grants, config schema, module imports and exports, ABI version", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, stop, err := a.loadPlugin(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer stop()
			m := p.Manifest
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s: ok (%s, %s, sha256 %s)\n", m.Package.Name, m.Package.Version, m.Plugin.Type, m.Plugin.EntryPoint, p.Hash[:12])
			return nil
		},
	}
	var force bool
	install := &cobra.Command{
		Use: "install DIR", Short: "Validate a plugin, copy it into plugin_directory and record it in the plugins table", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withPlugins(cmd.Context(), true, func(m *plugin.Manager) error {
				p, err := m.InstallDir(cmd.Context(), pluginDir(args[0]), force)
				if err != nil {
					return inputErr(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "installed %s %s in %s\n", p.Name(), p.Manifest.Package.Version, p.Dir)
				if !a.cfg.Plugins.EnablePlugins {
					fmt.Fprintln(cmd.ErrOrStderr(), "note: [plugins] enable_plugins is false; set it to use plugin:"+p.Name()+" in suites")
				}
				return nil
			})
		},
	}
	install.Flags().BoolVar(&force, "force", false, "replace an installed plugin of the same name")
	remove := &cobra.Command{
		Use: "remove NAME", Short: "Delete an installed plugin's directory and its record", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withPlugins(cmd.Context(), true, func(m *plugin.Manager) error {
				if err := m.Remove(cmd.Context(), args[0]); err != nil {
					return inputErr(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", args[0])
				return nil
			})
		},
	}
	reload := &cobra.Command{
		Use:   "reload [NAME]",
		Short: "Load installed plugins anew and check them (every plugin without NAME)",
		Long: `Compile and check an installed plugin (or all of them) as a run would
load it, and report what failed. A running server reloads through
POST /api/v1/plugins/NAME/reload, or by itself with [plugins] auto_reload.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withPlugins(cmd.Context(), false, func(m *plugin.Manager) error {
				if len(args) == 1 {
					p, err := m.Reload(cmd.Context(), args[0])
					if err != nil {
						return inputErr(err)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "reloaded %s %s (sha256 %s)\n", p.Name(), p.Manifest.Package.Version, p.Hash[:12])
					return nil
				}
				err := m.ReloadAll(cmd.Context())
				for _, p := range m.Plugins() {
					fmt.Fprintf(cmd.OutOrStdout(), "reloaded %s %s (sha256 %s)\n", p.Name(), p.Manifest.Package.Version, p.Hash[:12])
				}
				if err != nil {
					return inputErr(err)
				}
				return nil
			})
		},
	}
	var tail int
	logs := &cobra.Command{
		Use:   "logs NAME",
		Short: "Print a plugin's log: its log lines and failed calls, newest last",
		Long: `Print what a plugin logged (through the ltb log import) and its failed
calls, from plugin_directory/.logs/NAME.log and the rotated NAME.log.1
(each at most 1 MiB). Every process that runs the plugin appends there.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lines, err := plugin.ReadLog(filepath.Join(a.cfg.Plugins.PluginDirectory, plugin.LogDirName), args[0], tail)
			if err != nil {
				return inputErr(err)
			}
			if len(lines) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "no log lines for plugin %s\n", args[0])
				return nil
			}
			fmt.Fprintln(cmd.OutOrStdout(), strings.Join(lines, "\n"))
			return nil
		},
	}
	logs.Flags().IntVarP(&tail, "tail", "n", 100, "print the last N lines (0 prints all)")
	cmd.AddCommand(list, validate, install, remove, reload, logs)
	return cmd
}

// pluginDir is the directory of a path given as DIR or DIR/plugin.toml.
func pluginDir(path string) string {
	if filepath.Base(path) == plugin.ManifestFile {
		return filepath.Dir(path)
	}
	return path
}

// withPlugins runs f with a plugin manager over plugin_directory, with
// the plugins table when record is set, and closes both.
func (a *app) withPlugins(ctx context.Context, record bool, f func(*plugin.Manager) error) error {
	h, err := plugin.NewHost(ctx, session.PluginOptions(a.cfg, a.log))
	if err != nil {
		return configErr("[plugins]: %v", err)
	}
	defer func() { _ = h.Close(context.WithoutCancel(ctx)) }()
	o := plugin.ManagerOptions{Dir: a.cfg.Plugins.PluginDirectory, Logger: a.log}
	if record {
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		o.Recorder = st
	}
	m := plugin.NewManager(h, o)
	defer m.Close(context.WithoutCancel(ctx))
	return f(m)
}

// loadPlugin loads a plugin directory with the configured limits and
// grants; stop closes its host.
func (a *app) loadPlugin(ctx context.Context, path string) (*plugin.Plugin, func(), error) {
	h, err := plugin.NewHost(ctx, session.PluginOptions(a.cfg, a.log))
	if err != nil {
		return nil, nil, configErr("[plugins]: %v", err)
	}
	stop := func() { _ = h.Close(context.WithoutCancel(ctx)) }
	p, err := h.Load(ctx, pluginDir(path))
	if err != nil {
		stop()
		return nil, nil, inputErr(err)
	}
	return p, stop, nil
}

// pluginList prints the installed plugins from their manifests and the
// plugins table; a directory whose manifest is broken is listed with its
// problem.
func (a *app) pluginList(cmd *cobra.Command) error {
	root := a.cfg.Plugins.PluginDirectory
	var infos []plugin.Info
	err := a.withPlugins(cmd.Context(), true, func(m *plugin.Manager) error {
		var err error
		infos, err = m.List(cmd.Context())
		return err
	})
	if err != nil {
		return inputErr(err)
	}
	if len(infos) == 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "no plugins in %s\n", root)
		return nil
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tTYPE\tASSERTION\tINSTALLED\tDESCRIPTION")
	for _, in := range infos {
		if in.Problem != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\tinvalid: %s\n", in.Name, oneLine(in.Problem))
			continue
		}
		assertion, installed := "-", "by hand"
		if in.Assertion != "" {
			assertion = in.Assertion
		}
		if in.InstalledAt != nil {
			installed = in.InstalledAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", in.Name, in.Version, in.Type, assertion, installed, in.Description)
	}
	if !a.cfg.Plugins.EnablePlugins {
		defer fmt.Fprintln(cmd.ErrOrStderr(), "note: [plugins] enable_plugins is false: runs do not load these")
	}
	return tw.Flush()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
