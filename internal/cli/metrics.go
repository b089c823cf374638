package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/score"
)

func (a *app) metricsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "metrics", Short: "Reference-accurate text metrics for scripting"}
	cmd.AddCommand(&cobra.Command{
		Use:   "score",
		Short: "Score JSON lines from stdin: {\"metric\":..,\"options\":{..},\"prediction\":..,\"references\":[..]}",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bad, err := score.Run(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout())
			if err != nil {
				return err
			}
			if bad > 0 {
				return inputErr(fmt.Errorf("%d input lines could not be scored (see their \"error\" fields)", bad))
			}
			return nil
		},
	})
	return cmd
}
