// Package all registers every built-in assertion family with the eval
// registry. The dataset package imports it, so whatever loads and validates
// suites has the built-in types without doing anything; a program that
// calls eval.Check on assertions it did not load from a suite blank-imports
// it:
//
//	import _ "github.com/llm-test-bench/llm-test-bench/eval/all"
package all

import (
	// Each family registers its assertion types in init.
	_ "github.com/llm-test-bench/llm-test-bench/eval/callmeta"
	_ "github.com/llm-test-bench/llm-test-bench/eval/compare"
	_ "github.com/llm-test-bench/llm-test-bench/eval/graded"
	_ "github.com/llm-test-bench/llm-test-bench/eval/javascript"
	_ "github.com/llm-test-bench/llm-test-bench/eval/markup"
	_ "github.com/llm-test-bench/llm-test-bench/eval/rag"
	_ "github.com/llm-test-bench/llm-test-bench/eval/reference"
	_ "github.com/llm-test-bench/llm-test-bench/eval/refusal"
	_ "github.com/llm-test-bench/llm-test-bench/eval/similar"
	_ "github.com/llm-test-bench/llm-test-bench/eval/sqlcheck"
	_ "github.com/llm-test-bench/llm-test-bench/eval/structure"
	_ "github.com/llm-test-bench/llm-test-bench/eval/text"
	_ "github.com/llm-test-bench/llm-test-bench/eval/tools"
	_ "github.com/llm-test-bench/llm-test-bench/eval/webhook"
)
