package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

func (a *app) configCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Create, show and validate configuration"}
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
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
	validate := &cobra.Command{
		Use: "validate", Short: "Check the merged configuration and report every problem with its key", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ps := a.cfg.Validate()
			if len(ps) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "Configuration is valid.")
				return nil
			}
			return withCode(ExitConfig, errors.New("invalid configuration:\n"+ps.Error()))
		},
	}
	cmd.AddCommand(initCmd, show, validate)
	return cmd
}
