package openai

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

func FuzzGenerate(f *testing.F) {
	for _, name := range []string{
		"TestOpenAICommon/openai-gpt-4o-mini/simple_streaming.yaml",
		"TestAzureCommon/azure-gpt-5-mini/simple_streaming.yaml",
		"TestOpenRouterCommon/openai/simple_streaming.yaml",
		"TestOpenAICommon/openai-gpt-5/simple.yaml",
	} {
		f.Add([]byte(recordedBody(f, name)), strings.Contains(name, "streaming"))
	}
	f.Add([]byte("data: {\"error\":{\"code\":429}}\n\n"), true)
	f.Add([]byte(`{"choices":[{"index":0,"logprobs":{"content":[{"logprob":-1}]}}],"usage":{"prompt_tokens":-3}}`), false)
	f.Fuzz(func(t *testing.T, body []byte, stream bool) {
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: providertest.BodyTransport{Body: body}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		providertest.CheckGenerate(t, c, provider.Request{Messages: hello, Stream: stream}, "")
	})
}
