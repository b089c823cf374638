package javascript

import "github.com/llm-test-bench/llm-test-bench/eval"

func init() {
	eval.Register("javascript", New(NewPool(DefaultPoolSize()), DefaultLimits))
}
