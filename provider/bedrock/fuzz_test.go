package bedrock

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// bodyTransport answers every request with a 200 and a fixed body, without a network.
type bodyTransport struct{ body []byte }

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(b.body)), Request: r}, nil
}

// recordedBody is the response body of a one-exchange recording; for the
// streamed Bedrock recordings it is the binary event stream (go-vcr stored
// it as YAML !!binary, which the loader decodes back to bytes).
func recordedBody(t testing.TB, rel string) string {
	t.Helper()
	return replay.Load(t, rel).Interactions[0].Response.Body
}

// FuzzGenerate feeds arbitrary bodies to every decoding path: the Converse
// JSON answer, the ConverseStream event stream, and the InvokeModel answer
// and stream. It must never panic, must fail only with a *provider.Error,
// and on success must have emitted exactly the response text.
func FuzzGenerate(f *testing.F) {
	recordedStream := recordedBody(f, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple_streaming.yaml")
	recorded := recordedBody(f, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple.yaml")
	converseStream := eventStream(f, converseStreamFrames()...)
	for _, api := range []string{APIConverse, APIInvoke} {
		f.Add([]byte(converseDoc), api, false)
		f.Add([]byte(converseStream), api, true)
		f.Add([]byte(recorded), api, false)
		f.Add([]byte(recordedStream), api, true)
	}
	f.Add([]byte(eventStream(f, ev("contentBlockDelta", `{"delta":{"text":"x"}}`), frame{"exception", "throttlingException", `{"message":"slow"}`})), APIConverse, true)
	f.Add([]byte(eventStream(f, ev("chunk", `{"bytes":"bm90IGpzb24="}`))), APIInvoke, true)
	f.Add([]byte(converseStream[:len(converseStream)/2]), APIConverse, true)
	f.Fuzz(func(t *testing.T, body []byte, api string, stream bool) {
		if api != APIInvoke {
			api = APIConverse
		}
		c, err := New(provider.Config{Model: testModel, BaseURL: "http://fuzz.invalid", APIKey: testKey,
			Options: map[string]any{"region": testRegion, "api": api}, HTTPClient: &http.Client{Transport: bodyTransport{body}}})
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
			if strings.Contains(err.Error(), testKey) {
				t.Fatalf("error leaks the key: %v", err)
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
