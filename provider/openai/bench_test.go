package openai

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

func benchGenerate(b *testing.B, name string, stream bool) {
	srv := providertest.RecordingServer(b, name)
	c, err := New(provider.Config{Model: "gpt-4o-mini", BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	providertest.BenchGenerate(b, c, provider.Request{Messages: hello, Stream: stream})
}

func BenchmarkGenerate(b *testing.B) {
	benchGenerate(b, "TestOpenAICommon/openai-gpt-4o-mini/simple.yaml", false)
}

func BenchmarkGenerateStream(b *testing.B) {
	benchGenerate(b, "TestOpenAICommon/openai-gpt-4o-mini/simple_streaming.yaml", true)
}

// BenchmarkBareRoundTrip is the floor: the same exchange with plain net/http
// and no decoding.
func BenchmarkBareRoundTrip(b *testing.B) {
	srv := providertest.RecordingServer(b, "TestOpenAICommon/openai-gpt-4o-mini/simple.yaml")
	providertest.BenchBare(b, srv.URL+"/chat/completions", []byte(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hi in Portuguese"}]}`))
}

// BenchmarkOverhead alternates client calls and bare round trips against the
// same server and reports the p50 and p99 of each and their difference: the
// client's per-call overhead.
func BenchmarkOverhead(b *testing.B) {
	srv := providertest.RecordingServer(b, "TestOpenAICommon/openai-gpt-4o-mini/simple_streaming.yaml")
	c, err := New(provider.Config{Model: "gpt-4o-mini", BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	body := []byte(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hi in Portuguese"}],"stream":true}`)
	providertest.BenchOverhead(b, c, provider.Request{Messages: hello, Stream: true}, srv.URL+"/chat/completions", body)
}
