package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
)

func (a *app) datasetsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "datasets", Short: "List built-in datasets, show and validate suites"}
	list := &cobra.Command{
		Use: "list", Short: "List the built-in datasets", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tCASES\tDESCRIPTION")
			for _, b := range dataset.Builtins() {
				fmt.Fprintf(tw, "%s\t%d\t%s\n", b.Path, b.Cases, b.Description)
			}
			return tw.Flush()
		},
	}
	var limit int
	show := &cobra.Command{
		Use: "show DATASET", Short: "Show a suite's header and its first cases", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := dataset.Load(args[0])
			if err != nil {
				return inputErr(err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Name:        %s\nVersion:     %s\nDescription: %s\nSource:      %s\n", s.Name, s.Version, s.Description, s.Path)
			for _, p := range s.Prompts {
				fmt.Fprintf(w, "Prompt:      %s\n", p.ID)
			}
			for _, p := range s.Providers {
				fmt.Fprintf(w, "Provider:    %s\n", p.ID)
			}
			fmt.Fprintln(w)
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tCATEGORY\tASSERTIONS\tPROMPT")
			n := 0
			for c, err := range s.Cases() {
				if err != nil {
					_ = tw.Flush()
					return inputErr(err)
				}
				if n == limit {
					fmt.Fprintln(tw, "...\t\t\t")
					break
				}
				n++
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", c.ID, c.Category, len(c.Assert), truncate(c.Prompt, 60))
			}
			return tw.Flush()
		},
	}
	show.Flags().IntVar(&limit, "limit", 20, "most cases to show")
	validate := &cobra.Command{
		Use: "validate FILE...", Short: "Check suites: syntax, templates, assertions; every problem at once", Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.session(nil).LoadPlugins(cmd.Context()); err != nil { // plugin:NAME assertion types
				return a.sessionErr(err)
			}
			var bad []error
			for _, path := range args {
				s, err := dataset.Load(path)
				if err == nil {
					s.SetMediaLimits(a.mediaLimits())
					err = s.Validate(cmd.Context())
				}
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "%v\n", err)
					bad = append(bad, err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", path)
			}
			if len(bad) > 0 {
				return inputErr(fmt.Errorf("%d of %d files are invalid", len(bad), len(args)))
			}
			return nil
		},
	}
	cmd.AddCommand(list, show, validate)
	return cmd
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
