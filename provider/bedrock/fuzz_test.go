package bedrock

import (
	"net/http"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

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
	f.Add([]byte(converseUse), APIConverse, false)
	f.Add([]byte(eventStream(f, converseToolFrames()...)), APIConverse, true)
	f.Add([]byte(recordedBody(f, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/tool.yaml")), APIInvoke, false)
	f.Add([]byte(recordedBody(f, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/tool_streaming.yaml")), APIInvoke, true)
	f.Add([]byte(converseStream[:len(converseStream)/2]), APIConverse, true)
	f.Add([]byte(`{"output":{"message":{"content":[{"text":"x"}]}},"usage":{"inputTokens":1,"cacheWriteInputTokens":5,"cacheDetails":[{"inputTokens":9,"ttl":"1h"}]}}`), APIConverse, false)
	f.Fuzz(func(t *testing.T, body []byte, api string, stream bool) {
		if api != APIInvoke {
			api = APIConverse
		}
		c, err := New(provider.Config{Model: testModel, BaseURL: "http://fuzz.invalid", APIKey: testKey,
			Options: map[string]any{"region": testRegion, "api": api}, HTTPClient: &http.Client{Transport: providertest.BodyTransport{Body: body}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		resp, ok := providertest.CheckGenerate(t, c, provider.Request{Messages: hello, Stream: stream}, testKey)
		providertest.CheckCalls(t, resp, !stream)
		if u := resp.Usage; ok && (u.CacheWrite1h > u.CacheWrite || u.Total != u.Prompt+u.Completion) {
			t.Fatalf("usage %+v: one-hour writes above the writes, or total not prompt plus completion", u)
		}
	})
}
