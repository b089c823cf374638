package httpjson

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func BenchmarkGenerate(b *testing.B) {
	resp := replay.Load(b, "TestOpenAICommon/openai-gpt-4o-mini/simple.yaml").Interactions[0].Response
	srv := providertest.Server(b, "application/json", resp.Body)
	c := newClient(b, srv.URL, "gpt-4o-mini", openAIOptions())
	providertest.BenchGenerate(b, c, provider.Request{Messages: hello, Sampling: provider.Sampling{MaxTokens: ptr(4000)}})
}

func BenchmarkRender(b *testing.B) {
	tp, err := compileBody(`{"model":"{{model}}","messages":"{{messages}}","max_tokens":"{{max_tokens}}","prompt":"Q: {{prompt}}"}`)
	if err != nil {
		b.Fatal(err)
	}
	v, err := newValues(provider.Request{Messages: hello, Sampling: provider.Sampling{MaxTokens: ptr(4000)}}, "gpt-4o-mini")
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = tp.render(buf[:0], v)
	}
}
