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
	cmd := &cobra.Command{Use: "plugin", Short: "List, validate and install WebAssembly plugins ([plugins] plugin_directory)"}
	list := &cobra.Command{
		Use: "list", Short: "List the plugins installed in plugin_directory", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.pluginList(cmd) },
	}
	validate := &cobra.Command{
		Use: "validate DIR|DIR/plugin.toml", Short: "Check a plugin: manifest, config schema, module imports and exports, ABI version", Args: cobra.ExactArgs(1),
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
		Use: "install DIR", Short: "Validate a plugin and copy it into plugin_directory", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, stop, err := a.loadPlugin(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer stop()
			dest, err := plugin.Install(p, a.cfg.Plugins.PluginDirectory, force)
			if err != nil {
				return inputErr(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "installed %s %s in %s\n", p.Name(), p.Manifest.Package.Version, dest)
			if !a.cfg.Plugins.EnablePlugins {
				fmt.Fprintln(cmd.ErrOrStderr(), "note: [plugins] enable_plugins is false; set it to use plugin:"+p.Name()+" in suites")
			}
			return nil
		},
	}
	install.Flags().BoolVar(&force, "force", false, "replace an installed plugin of the same name")
	cmd.AddCommand(list, validate, install)
	return cmd
}

// loadPlugin loads a plugin directory with the configured limits; stop
// closes its host.
func (a *app) loadPlugin(ctx context.Context, path string) (*plugin.Plugin, func(), error) {
	dir := path
	if filepath.Base(path) == plugin.ManifestFile {
		dir = filepath.Dir(path)
	}
	h, err := plugin.NewHost(ctx, session.PluginOptions(a.cfg, a.log))
	if err != nil {
		return nil, nil, configErr("[plugins]: %v", err)
	}
	stop := func() { _ = h.Close(context.WithoutCancel(ctx)) }
	p, err := h.Load(ctx, dir)
	if err != nil {
		stop()
		return nil, nil, inputErr(err)
	}
	return p, stop, nil
}

// pluginList prints the installed plugins from their manifests; a
// directory whose manifest is broken is listed with its problem.
func (a *app) pluginList(cmd *cobra.Command) error {
	root := a.cfg.Plugins.PluginDirectory
	dirs, err := plugin.PluginDirs(root)
	if err != nil {
		return inputErr(err)
	}
	if len(dirs) == 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "no plugins in %s\n", root)
		return nil
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tTYPE\tASSERTION\tDESCRIPTION")
	for _, d := range dirs {
		m, err := plugin.ReadManifest(d)
		if err != nil {
			fmt.Fprintf(tw, "%s\t-\t-\t-\tinvalid: %s\n", filepath.Base(d), oneLine(err.Error()))
			continue
		}
		assertion := "-"
		if m.Plugin.Type == plugin.TypeEvaluator {
			assertion = plugin.TypePrefix + m.Package.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Package.Name, m.Package.Version, m.Plugin.Type, assertion, m.Package.Description)
	}
	if !a.cfg.Plugins.EnablePlugins {
		defer fmt.Fprintln(cmd.ErrOrStderr(), "note: [plugins] enable_plugins is false: runs do not load these")
	}
	return tw.Flush()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
