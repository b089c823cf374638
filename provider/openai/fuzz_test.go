package openai

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// bodyTransport answers every request with a 200 and a fixed body, without a network.
type bodyTransport struct{ body []byte }

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(b.body)), Request: r}, nil
}

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
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: bodyTransport{body}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		var emitted strings.Builder
		resp, err := c.Generate(t.Context(), provider.Request{Messages: hello, Stream: stream}, func(ch provider.Chunk) error {
			emitted.WriteString(ch.Text)
			return nil
		})
		if err != nil {
			if provider.AsError(err) == nil {
				t.Fatalf("error is not a *provider.Error: %v", err)
			}
			return
		}
		if emitted.String() != resp.Text {
			t.Fatalf("emitted %q but response text is %q", emitted.String(), resp.Text)
		}
		if resp.FinishReason != "" && resp.RawFinishReason == "" {
			t.Fatalf("mapped finish %q without a raw one", resp.FinishReason)
		}
	})
}
