package graded

import (
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// The dry run's estimates: the calls each type makes per answer, the
// tokens its template adds around the judged text, and a typical reply
// (JSON verdicts are short; step-by-step ones longer).

// EstimateCalls is one call with a JSON verdict.
func (Rubric) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1, PromptTokens: 350, ReplyTokens: 120}
}

// EstimateCalls is one call with a JSON verdict.
func (Factuality) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1, PromptTokens: 400, ReplyTokens: 120}
}

// EstimateCalls is one call with a JSON verdict.
func (Metric) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1, PromptTokens: 400, ReplyTokens: 150}
}

// EstimateCalls is one call that reasons before its verdict.
func (ClosedQA) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1, PromptTokens: 250, ReplyTokens: 250}
}

// EstimateCalls is one call that reasons before its grade.
func (QA) EstimateCalls(bench.Assertion) eval.CallEstimate {
	return eval.CallEstimate{Calls: 1, PromptTokens: 300, ReplyTokens: 250}
}

// EstimateCalls is, per criterion, the steps call (unless config.steps
// gives them) and the rating call.
func (GEval) EstimateCalls(a bench.Assertion) eval.CallEstimate {
	n := 1
	if list, ok := a.Value.([]any); ok && len(list) > 0 {
		n = len(list)
	}
	calls := 2 * n
	if a.Config["steps"] != nil {
		calls = n
	}
	return eval.CallEstimate{Calls: calls, PromptTokens: 300, ReplyTokens: 150}
}
