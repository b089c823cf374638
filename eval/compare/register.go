package compare

import "github.com/llm-test-bench/llm-test-bench/eval"

func init() {
	eval.Register("select-best", SelectBest{})
	eval.Register("pairwise", Pairwise{})
	eval.Register("max-score", MaxScore{})
}
