package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// simulatedVendors are run by TestSimulateEveryVendor: one model of each.
var simulatedVendors = []string{
	"openai:gpt-4o-mini",
	"anthropic:claude-haiku-4-5",
	"gemini:gemini-2.5-flash",
	"ollama:llama3.2",
	"mistral:mistral-small-latest",
	"groq:llama-3.1-8b-instant",
	"deepseek:deepseek-chat",
	"openrouter:openai/gpt-4o-mini",
	"xai:grok-3-mini",
	"together:meta-llama/Llama-3.3-70B-Instruct-Turbo",
	"perplexity:sonar",
	"huggingface:meta-llama/Llama-3.3-70B-Instruct",
	"vllm:qwen",
	"lmstudio:qwen",
	"llamacpp:gpt-oss",
	"azure:gpt-4o-mini",
	"cohere:command-r",
}

// unpriced are the vendors whose calls cost nothing (local servers) or have
// no list price (Hugging Face's router).
var unpriced = map[string]bool{"ollama": true, "vllm": true, "lmstudio": true, "llamacpp": true, "huggingface": true}

func TestSimulateEveryVendor(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // no API key anywhere: --simulate needs none
	suite := e.write("suite.yaml", `name: every-vendor
test_cases:
  - id: capital
    prompt: What is the capital of France?
    expected: Paris
    assert: [{type: icontains, value: paris}]
  - id: sum
    prompt: What is 2+2?
    expected: "4"
    assert: [{type: equals, value: "4"}]
`)
	out := filepath.Join(e.dir, "out.jsonl")
	args := []string{"bench", "--dataset", suite, "--simulate", "--output", out}
	for _, p := range simulatedVendors {
		args = append(args, "--providers", p)
	}
	code, stdout, stderr := e.run(context.Background(), args...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	results := readJSONL(t, out)
	if len(results) != 2*len(simulatedVendors) {
		t.Fatalf("%d results, want %d", len(results), 2*len(simulatedVendors))
	}
	for _, r := range results {
		if r.Status != bench.StatusSuccess || !r.Passed || r.Tokens.Total == 0 || r.TTFTMs <= 0 || r.FinishReason != "stop" || (r.Cost.Total > 0) == unpriced[strings.SplitN(r.Provider, ":", 2)[0]] {
			t.Errorf("%s %s: status %s pass %v usage %+v response %q", r.Provider, r.CaseID, r.Status, r.Passed, r.Tokens, r.Response)
		}
	}
}
