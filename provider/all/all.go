// Package all registers every built-in provider vendor. The binary imports it
// for its side effect:
//
//	import _ "github.com/llm-test-bench/llm-test-bench/provider/all"
package all

import (
	// Each vendor package registers itself in init.
	_ "github.com/llm-test-bench/llm-test-bench/provider/anthropic"
	_ "github.com/llm-test-bench/llm-test-bench/provider/azure"
	_ "github.com/llm-test-bench/llm-test-bench/provider/bedrock"
	_ "github.com/llm-test-bench/llm-test-bench/provider/cohere"
	_ "github.com/llm-test-bench/llm-test-bench/provider/compat"
	_ "github.com/llm-test-bench/llm-test-bench/provider/echo"
	_ "github.com/llm-test-bench/llm-test-bench/provider/exec"
	_ "github.com/llm-test-bench/llm-test-bench/provider/gemini"
	_ "github.com/llm-test-bench/llm-test-bench/provider/httpjson"
	_ "github.com/llm-test-bench/llm-test-bench/provider/llamacpp"
	_ "github.com/llm-test-bench/llm-test-bench/provider/mistral"
	_ "github.com/llm-test-bench/llm-test-bench/provider/ollama"
	_ "github.com/llm-test-bench/llm-test-bench/provider/openai"
)
