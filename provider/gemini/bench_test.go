package gemini

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

func benchGenerate(b *testing.B, name, model string, stream bool) {
	srv := providertest.RecordingServer(b, name)
	c, err := New(provider.Config{Model: model, BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	providertest.BenchGenerate(b, c, provider.Request{Messages: hello, Stream: stream})
}

func BenchmarkGenerate(b *testing.B) {
	benchGenerate(b, "TestGoogleCommon/gemini-2.5-flash/simple.yaml", "gemini-2.5-flash", false)
}

func BenchmarkGenerateStream(b *testing.B) {
	benchGenerate(b, "TestGoogleCommon/gemini-2.5-flash/simple_streaming.yaml", "gemini-2.5-flash", true)
}

// BenchmarkGenerateStreamLong decodes the eight-event image description stream.
func BenchmarkGenerateStreamLong(b *testing.B) {
	benchGenerate(b, "TestImageUploadAgentStreaming/gemini-2.5-pro-stream.yaml", "gemini-2.5-pro", true)
}

// BenchmarkRequestBody encodes the image request of the recordings (wish.png inline).
func BenchmarkRequestBody(b *testing.B) {
	c, err := New(provider.Config{Model: "gemini-2.5-pro"})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	max := 4000
	req := provider.Request{Messages: providertest.WishMessages(b), Sampling: provider.Sampling{MaxTokens: &max}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.body(req); err != nil {
			b.Fatal(err)
		}
	}
}
