package cohere

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

// FuzzGenerate feeds arbitrary bodies to the stream decoder and the body
// decoder: they must never panic, must fail only with a *provider.Error,
// and what they emit must be the response text.
func FuzzGenerate(f *testing.F) {
	f.Add([]byte(streamBody), true)
	f.Add([]byte(strings.ReplaceAll(streamBody, "\n", "\r\n")), true)
	f.Add([]byte(sseStart+sseContentStart+sseDelta), true)
	f.Add([]byte("event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"error\":{\"message\":\"x\"},\"finish_reason\":\"ERROR\"}}\n\n"), true)
	f.Add([]byte("event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":[]}},\"logprobs\":[{\"logprobs\":[-1,-2]}]}\n\n"), true)
	f.Add([]byte(chatBody), false)
	f.Add([]byte(toolBody), false)
	f.Add([]byte(toolStream()), true)
	f.Add([]byte(internalBody), false)
	f.Add([]byte(`{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":-3,"output_tokens":1e300},"cached_tokens":1e9}}`), false)
	f.Fuzz(func(t *testing.T, body []byte, stream bool) {
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: providertest.BodyTransport{Body: body}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		resp, ok := providertest.CheckGenerate(t, c, provider.Request{Messages: hello, Stream: stream}, "")
		providertest.CheckCalls(t, resp, false)
		if !ok {
			return
		}
		u := resp.Usage
		if u.Prompt < 0 || u.Completion < 0 || u.Cached > u.Prompt || u.Total != u.Prompt+u.Completion {
			t.Fatalf("inconsistent usage %+v", u)
		}
	})
}
