package bedrock

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

func benchGenerate(b *testing.B, c *Client, stream bool) {
	providertest.BenchGenerate(b, c, provider.Request{Messages: hello, Stream: stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}})
}

func BenchmarkGenerateConverse(b *testing.B) {
	srv := providertest.Server(b, "application/json", converseDoc)
	benchGenerate(b, newClient(b, srv.URL, nil), false)
}

func BenchmarkGenerateConverseStream(b *testing.B) {
	srv := providertest.Server(b, eventStreamType, eventStream(b, converseStreamFrames()...))
	benchGenerate(b, newClient(b, srv.URL, nil), true)
}

// BenchmarkGenerateConverseSigV4 is the streamed call signed with SigV4
// (credentials from the environment, cached after the first call): the
// signing cost per call.
func BenchmarkGenerateConverseSigV4(b *testing.B) {
	isolateAWS(b)
	b.Setenv("AWS_ACCESS_KEY_ID", akid)
	b.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	srv := providertest.Server(b, eventStreamType, eventStream(b, converseStreamFrames()...))
	c, err := New(provider.Config{Vendor: Vendor, Model: novaModel, BaseURL: srv.URL})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	benchGenerate(b, c, true)
}

func BenchmarkGenerateInvoke(b *testing.B) {
	srv := providertest.Server(b, "application/json", recordedBody(b, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple.yaml"))
	c := newClient(b, srv.URL, map[string]any{"api": APIInvoke})
	c.model = testModel
	benchGenerate(b, c, false)
}

func BenchmarkGenerateInvokeStream(b *testing.B) {
	srv := providertest.Server(b, eventStreamType, recordedBody(b, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple_streaming.yaml"))
	c := newClient(b, srv.URL, map[string]any{"api": APIInvoke})
	c.model = testModel
	benchGenerate(b, c, true)
}
