package rag

import "github.com/llm-test-bench/llm-test-bench/eval"

func init() {
	eval.Register("context-faithfulness", Faithfulness{})
	eval.Register("context-recall", Recall{})
	eval.Register("context-relevance", Relevance{})
	eval.Register("answer-relevance", AnswerRelevance{})
}
