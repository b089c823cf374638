package compare

import (
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// EstimateCalls is two calls (both orders) per group, counted here as
// one per answer of a group of two; the judged text is every answer.
func (SelectBest) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1, PromptTokens: 400, ReplyTokens: 120}
}

// EstimateCalls is two calls (both orders) per answer compared.
func (Pairwise) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 2, PromptTokens: 450, ReplyTokens: 250}
}
