package ollama

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

// benchServer answers with a documented fixture over keep-alive, as a
// local Ollama would.
func benchServer(b *testing.B, name string) string {
	b.Helper()
	ct := "application/json; charset=utf-8"
	if strings.HasSuffix(name, ".ndjson") {
		ct = "application/x-ndjson"
	}
	return providertest.Server(b, ct, mustRead(name)).URL
}

func benchGenerate(b *testing.B, name string, stream bool) {
	c := newClient(b, benchServer(b, name), "")
	providertest.BenchGenerate(b, c, provider.Request{Messages: hello, Stream: stream})
}

func BenchmarkGenerate(b *testing.B) { benchGenerate(b, "chat.json", false) }

func BenchmarkGenerateStream(b *testing.B) { benchGenerate(b, "chat_stream.ndjson", true) }

// BenchmarkBareRoundTrip is the floor: the same exchange with plain
// net/http and no decoding.
func BenchmarkBareRoundTrip(b *testing.B) {
	url := benchServer(b, "chat.json")
	providertest.BenchBare(b, url+"/api/chat", []byte(`{"model":"llama3.2","messages":[{"role":"user","content":"Why is the sky blue?"}],"stream":false}`))
}

// BenchmarkOverhead alternates client calls and bare round trips against
// the same streaming server and reports the p50 and p99 of each and their
// difference: the client's per-call overhead.
func BenchmarkOverhead(b *testing.B) {
	url := benchServer(b, "chat_stream.ndjson")
	body := []byte(`{"model":"llama3.2","messages":[{"role":"user","content":"Why is the sky blue?"}],"stream":true}`)
	providertest.BenchOverhead(b, newClient(b, url, ""), provider.Request{Messages: hello, Stream: true}, url+"/api/chat", body)
}
