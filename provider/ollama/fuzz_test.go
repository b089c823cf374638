package ollama

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// bodyTransport answers every request with a 200 and a fixed body, without a network.
type bodyTransport struct {
	body        []byte
	contentType string
}

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{"Content-Type": {b.contentType}}
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(bytes.NewReader(b.body)), Request: r}, nil
}

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
		c, err := New(provider.Config{Model: "m", BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: bodyTransport{body, ct}}})
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
		if resp.Model == "" {
			t.Fatal("response without a model")
		}
	})
}
