package gemini

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// FuzzGenerate feeds arbitrary bodies and streams to the decoders: they
// must never panic, must fail only with a *provider.Error, and must emit
// exactly the text they return.
func FuzzGenerate(f *testing.F) {
	for _, name := range []string{
		"TestGoogleCommon/gemini-2.5-flash/simple.yaml",
		"TestGoogleCommon/gemini-2.5-flash/simple_streaming.yaml",
		"TestImageUploadAgent/gemini-2.5-pro.yaml",
		"TestImageUploadAgentStreaming/gemini-2.5-pro-stream.yaml",
		"TestGoogleCommon/gemini-2.5-flash/tool.yaml",
		"TestGoogleCommon/gemini-2.5-flash/multi_tool_streaming.yaml",
	} {
		rec := replay.Load(f, name).Interactions[0]
		f.Add([]byte(rec.Response.Body), strings.Contains(rec.Request.URL, "alt=sse"), false)
	}
	f.Add([]byte("data: "+rateBody+"\r\n\r\n"), true, false)
	f.Add([]byte(`{"promptFeedback":{"blockReason":"SAFETY"}}`), false, false)
	f.Add([]byte(logprobsBody), false, true)
	f.Add([]byte("data: "+strings.Join(logprobsEvents, "\r\n\r\ndata: ")+"\r\n\r\n"), true, true)
	f.Add([]byte("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\",\"thought\":true},{\"text\":\"b\"}]},\"finishReason\":\"STOP\",\"logprobsResult\":{\"chosenCandidates\":[{\"logProbability\":-1}]}}],\"usageMetadata\":{\"promptTokenCount\":-3}}\n\n"), true, true)
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
		providertest.CheckCalls(t, resp, true)
		if ok && resp.Model == "" {
			t.Fatal("response without a model")
		}
		if ok && ((!top && resp.TopLogprobs != nil) || (top && resp.TopLogprobs != nil && len(resp.TopLogprobs) != len(resp.Logprobs))) {
			t.Fatalf("%d tokens for %d logprobs (alternatives asked for: %v)", len(resp.TopLogprobs), len(resp.Logprobs), top)
		}
	})
}
