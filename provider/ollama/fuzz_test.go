package ollama

import (
	"net/http"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

// FuzzGenerate feeds arbitrary answers to the NDJSON stream reader and the
// body reader: every outcome is an answer whose emitted text is its text,
// or a *provider.Error.
func FuzzGenerate(f *testing.F) {
	for _, name := range []string{"chat.json", "chat_stream.ndjson", "chat_tools.json", "chat_tools_stream.ndjson"} {
		f.Add([]byte(mustRead(name)), true, false)
		f.Add([]byte(mustRead(name)), false, false)
	}
	f.Add([]byte(firstLine+`{"error":"the input length exceeds the context length"}`+"\n"), true, false)
	f.Add([]byte(firstLine+`{"error":{"message":"x"}}`+"\n"), true, false)
	f.Add([]byte(line("A", `,"tool_calls":[]},"logprobs":[{"logprob":-1}],"done":true,"done_reason":"stop","prompt_eval_count":-3}`)), false, true)
	f.Add([]byte("\uFEFF"+firstLine+"\r\n\r\n{\"done\":true}"), true, false)
	f.Add([]byte(logprobsChat), false, true)
	f.Add([]byte(logprobsStream), true, true)
	f.Add([]byte(line("A", `},"logprobs":[null,{"token":null,"top_logprobs":[null,{"token":"\ud800"}]}],"done":true}`)), false, true)
	f.Fuzz(func(t *testing.T, body []byte, stream, top bool) {
		ct := "application/json"
		if stream {
			ct = "application/x-ndjson"
		}
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: providertest.BodyTransport{Body: body, ContentType: ct}}})
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
