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
	"bedrock:anthropic.claude-haiku-4-5-20251001-v1:0",
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

func TestSimulateImageAndAudioInputs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.write("cat.png", tinyPNG(t))
	e.write("hello.wav", tinyWAV(t))
	image := e.write("image.yaml", `name: vision
test_cases:
  - id: look
    prompt: What is in the picture?
    inputs: [file://cat.png]
    expected: a cat
    assert: [{type: icontains, value: cat}]
`)
	audio := e.write("audio.yaml", `name: listen
test_cases:
  - id: hear
    prompt: What is said?
    inputs: [file://hello.wav]
    expected: hello
    assert: [{type: icontains, value: hello}]
`)
	vision := "openai:gpt-4o-mini,anthropic:claude-haiku-4-5,gemini:gemini-2.5-flash,ollama:llava,cohere:command-a,mistral:pixtral-large-latest"
	code, stdout, stderr := e.run(context.Background(), "bench", "--dataset", image, "--simulate", "--providers", vision)
	if code != 0 || !strings.Contains(stdout, "6 results, 6 passed, 0 failed, 0 errors") {
		t.Fatalf("images: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = e.run(context.Background(), "bench", "--dataset", audio, "--simulate", "--providers", "openai:gpt-4o-audio-preview,gemini:gemini-2.5-flash")
	if code != 0 {
		t.Fatalf("audio: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// Anthropic takes no audio: said before any call, naming provider, case and file.
	code, _, stderr = e.run(context.Background(), "bench", "--dataset", audio, "--simulate", "--providers", "anthropic:claude-haiku-4-5")
	if code != 3 || !strings.Contains(stderr, `"anthropic:claude-haiku-4-5"`) || !strings.Contains(stderr, `"hear"`) || !strings.Contains(stderr, "audio.yaml:3") {
		t.Errorf("anthropic with audio: exit %d\n%s", code, stderr)
	}
}
