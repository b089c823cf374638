package rag

import (
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// The dry run's estimates: calls per answer, the tokens a template adds
// around the judged text, and a typical JSON reply.

// EstimateCalls is the statements call and the verification call.
func (Faithfulness) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 2, PromptTokens: 350, ReplyTokens: 300}
}

// EstimateCalls is one classification call.
func (Recall) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1, PromptTokens: 350, ReplyTokens: 300}
}

// EstimateCalls is one call listing the relevant units.
func (Relevance) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1, PromptTokens: 300, ReplyTokens: 100}
}

// EstimateCalls is the questions call and one embedding call.
func (AnswerRelevance) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1, PromptTokens: 300, ReplyTokens: 120, Embeds: 1}
}
