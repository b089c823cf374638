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
	for _, name := range []string{"chat.json", "chat_stream.ndjson"} {
		f.Add([]byte(mustRead(name)), true)
		f.Add([]byte(mustRead(name)), false)
	}
	f.Add([]byte(firstLine+`{"error":"the input length exceeds the context length"}`+"\n"), true)
	f.Add([]byte(firstLine+`{"error":{"message":"x"}}`+"\n"), true)
	f.Add([]byte(line("A", `,"tool_calls":[]},"logprobs":[{"logprob":-1}],"done":true,"done_reason":"stop","prompt_eval_count":-3}`)), false)
	f.Add([]byte("\uFEFF"+firstLine+"\r\n\r\n{\"done\":true}"), true)
	f.Fuzz(func(t *testing.T, body []byte, stream bool) {
		ct := "application/json"
		if stream {
			ct = "application/x-ndjson"
		}
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: providertest.BodyTransport{Body: body, ContentType: ct}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if resp, ok := providertest.CheckGenerate(t, c, provider.Request{Messages: hello, Stream: stream}, ""); ok && resp.Model == "" {
			t.Fatal("response without a model")
		}
	})
}
