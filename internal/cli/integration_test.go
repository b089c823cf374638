//go:build integration

package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// liveVendors are called for real by TestLiveVendors, each only when its
// key variable is set: go test -tags integration ./internal/cli -run Live
var liveVendors = []struct{ id, keyEnv string }{
	{"openai:gpt-4o-mini", "OPENAI_API_KEY"},
	{"anthropic:claude-haiku-4-5", "ANTHROPIC_API_KEY"},
	{"gemini:gemini-2.5-flash", "GEMINI_API_KEY"},
	{"cohere:command-r7b-12-2024", "COHERE_API_KEY"},
	{"mistral:mistral-small-latest", "MISTRAL_API_KEY"},
	{"groq:llama-3.1-8b-instant", "GROQ_API_KEY"},
	{"deepseek:deepseek-chat", "DEEPSEEK_API_KEY"},
	{"xai:grok-3-mini", "XAI_API_KEY"},
	{"bedrock:us.anthropic.claude-haiku-4-5-20251001-v1:0", "AWS_BEARER_TOKEN_BEDROCK"},
}

func TestLiveVendors(t *testing.T) {
	for _, v := range liveVendors {
		t.Run(v.id, func(t *testing.T) {
			key := os.Getenv(v.keyEnv)
			if key == "" {
				t.Skipf("%s is not set", v.keyEnv)
			}
			e := newEnv(t, v.keyEnv+"="+key)
			suite := e.write("suite.yaml", `name: live
test_cases:
  - id: capital
    prompt: What is the capital of France? Answer with one word.
    assert: [{type: icontains, value: paris}]
`)
			out := filepath.Join(e.dir, "out.jsonl")
			code, stdout, stderr := e.run(context.Background(), "bench", "--dataset", suite, "--providers", v.id, "--output", out, "--no-cache")
			if code != 0 {
				t.Fatalf("exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
			}
			for _, r := range readJSONL(t, out) {
				if r.Status != bench.StatusSuccess || r.Tokens.Prompt == 0 || r.Tokens.Completion == 0 || r.TTFTMs <= 0 {
					t.Errorf("%+v", r)
				}
			}
		})
	}
}
