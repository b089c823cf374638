package openai

import (
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

func FuzzGenerate(f *testing.F) {
	for _, name := range []string{
		"TestOpenAICommon/openai-gpt-4o-mini/simple_streaming.yaml",
		"TestAzureCommon/azure-gpt-5-mini/simple_streaming.yaml",
		"TestOpenRouterCommon/openai/simple_streaming.yaml",
		"TestOpenAICommon/openai-gpt-5/simple.yaml",
		"TestOpenAICommon/openai-gpt-4o-mini/multi_tool_streaming.yaml",
		"TestOpenAICommon/openai-gpt-4o-mini/multi_tool.yaml",
	} {
		f.Add([]byte(recordedBody(f, name)), strings.Contains(name, "streaming"), false)
	}
	f.Add([]byte("data: {\"error\":{\"code\":429}}\n\n"), true, false)
	f.Add([]byte(`{"choices":[{"index":0,"logprobs":{"content":[{"logprob":-1}]}}],"usage":{"prompt_tokens":-3}}`), false, true)
	f.Add([]byte(logprobBody), false, true)
	f.Add([]byte(logprobStream()), true, true)
	f.Fuzz(func(t *testing.T, body []byte, stream, top bool) {
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: providertest.BodyTransport{Body: body}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		req := provider.Request{Messages: hello, Stream: stream}
		if top {
			req.Sampling.TopLogprobs = 2
		}
		resp, ok := providertest.CheckGenerate(t, c, req, "")
		if !ok {
			return
		}
		for i, tc := range resp.ToolCalls {
			if tc == (bench.ToolCall{}) {
				t.Fatalf("tool call %d is empty", i)
			}
		}
		if !top && resp.TopLogprobs != nil {
			t.Fatalf("tokens kept although not asked for: %v", resp.TopLogprobs)
		}
		if top && resp.TopLogprobs != nil {
			// Both lists come from the same entries, one per token.
			if len(resp.TopLogprobs) != len(resp.Logprobs) {
				t.Fatalf("%d tokens for %d logprobs", len(resp.TopLogprobs), len(resp.Logprobs))
			}
			for i, tl := range resp.TopLogprobs {
				if tl.Logprob != resp.Logprobs[i] && !math.IsNaN(tl.Logprob) {
					t.Fatalf("token %d: logprob %v, Logprobs has %v", i, tl.Logprob, resp.Logprobs[i])
				}
			}
		}
	})
}
