package anthropic

import (
	"bytes"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

func benchGenerate(b *testing.B, name string, stream bool) {
	srv := providertest.RecordingServer(b, name)
	c, err := New(provider.Config{Model: "claude-sonnet-4-20250514", BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	providertest.BenchGenerate(b, c, provider.Request{Messages: recordedPrompt, Stream: stream})
}

func BenchmarkGenerate(b *testing.B) {
	benchGenerate(b, "TestAnthropicCommon/claude-sonnet-4/simple.yaml", false)
}

func BenchmarkGenerateStream(b *testing.B) {
	benchGenerate(b, "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml", true)
}

// BenchmarkStreamEvents is the decoding alone: the recorded image stream's
// 50 events through a Stream.
func BenchmarkStreamEvents(b *testing.B) {
	var events [][]byte
	for _, l := range bytes.Split([]byte(recordedBody(b, "TestImageUploadAgentStreaming/anthropic-claude-sonnet-4-stream.yaml")), []byte("\n")) {
		if d, ok := bytes.CutPrefix(l, []byte("data: ")); ok {
			events = append(events, d)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		var s Stream
		for _, ev := range events {
			if _, _, err := s.Event(ev); err != nil {
				b.Fatal(err)
			}
		}
		_ = s.Response()
	}
}

// BenchmarkBareRoundTrip is the floor: the same exchange with plain net/http
// and no decoding.
func BenchmarkBareRoundTrip(b *testing.B) {
	srv := providertest.RecordingServer(b, "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml")
	providertest.BenchBare(b, srv.URL+"/v1/messages", []byte(`{"model":"claude-sonnet-4-20250514","max_tokens":4096,"messages":[{"role":"user","content":"Say hi in Portuguese"}],"stream":true}`))
}
