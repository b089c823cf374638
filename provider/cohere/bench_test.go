package cohere

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

func benchGenerate(b *testing.B, contentType, body string, stream bool) {
	srv := providertest.Server(b, contentType, body)
	providertest.BenchGenerate(b, newClient(b, srv.URL), provider.Request{Messages: hello, Stream: stream})
}

func BenchmarkGenerate(b *testing.B) {
	benchGenerate(b, "application/json", chatBody, false)
}

func BenchmarkGenerateStream(b *testing.B) {
	benchGenerate(b, "text/event-stream", streamBody, true)
}
