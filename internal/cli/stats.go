package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/stats/inference"
)

func (a *app) statsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "stats",
		Short: "Comparison statistics for scripting: JSON lines {\"kind\":..,\"inputs\":{..}} on stdin",
		Long: `Reads one JSON object per line from stdin, {"kind": K, "inputs": {...}}, and writes
one line per input line, {"kind": K, "result": {...}}, in order. The numbers
match scipy 1.10 and statsmodels 0.13. A line that cannot be computed gets
{"error": "..."} naming the bad field, and the command exits 4 at the end.

Kinds: mcnemar, wilcoxon, paired_t, non_inferiority, multipletests,
proportion_ci, clustered_se, t_quantile, z_quantile, and the seeded
paired_bootstrap and permutation. See the inference package docs
(go doc ./internal/stats/inference) for each kind's inputs and outputs.

Example:
  echo '{"kind":"mcnemar","inputs":{"a":[1,1,0,1],"b":[0,1,0,0]}}' | llm-test-bench stats`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bad, err := inference.Run(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout())
			if err != nil {
				return err
			}
			if bad > 0 {
				return inputErr(fmt.Errorf("%d input lines could not be computed (see their \"error\" fields)", bad))
			}
			return nil
		},
	}
}
