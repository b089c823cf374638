package httpjson

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func BenchmarkGenerate(b *testing.B) {
	resp := replay.Load(b, "TestOpenAICommon/openai-gpt-4o-mini/simple.yaml").Interactions[0].Response
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, resp.Body)
	}))
	b.Cleanup(srv.Close)
	c := newClient(b, srv.URL, "gpt-4o-mini", openAIOptions())
	req := provider.Request{Messages: hello, Sampling: provider.Sampling{MaxTokens: ptr(4000)}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Generate(b.Context(), req, discard); err != nil {
			b.Fatalf("Generate: %v", err)
		}
	}
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
