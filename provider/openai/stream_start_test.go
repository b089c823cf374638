package openai

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
)

// llama-server's stream for an empty answer: the role delta, the finish
// chunk, the usage chunk with timings, [DONE] (shapes as in the
// llama-cpp-gpt-oss recording).
const emptyAnswerStream = `data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"model":"gpt-oss","object":"chat.completion.chunk"}` + "\n\n" +
	`data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"model":"gpt-oss","object":"chat.completion.chunk"}` + "\n\n" +
	`data: {"choices":[],"model":"gpt-oss","object":"chat.completion.chunk","usage":{"completion_tokens":1,"prompt_tokens":84,"total_tokens":85},"timings":{"cache_n":80,"prompt_n":4,"prompt_ms":9.1,"predicted_n":1,"predicted_ms":8.5}}` + "\n\n" +
	"data: [DONE]\n\n"

// TestStreamStartEmitted checks that the first delta of a stream is emitted
// even without text, so the caller can time the first token of an empty
// answer, and that no other empty chunk is emitted.
func TestStreamStartEmitted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       []string
	}{
		{"empty answer", emptyAnswerStream, []string{""}},
		{"role then text", `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{"reasoning_content":"hmm"}}]}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{"content":"Oi"}}]}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n" + "data: [DONE]\n\n",
			[]string{"", "Oi"}},
		{"text first", `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Oi"}}]}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n" + "data: [DONE]\n\n",
			[]string{"Oi"}},
		{"no delta for choice 0", `data: {"choices":[{"index":1,"delta":{"role":"assistant"}}]}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":null,"finish_reason":"stop"}]}` + "\n\n" + "data: [DONE]\n\n",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fixed(t, 200, map[string]string{"Content-Type": "text/event-stream"}, tt.body)
			_, chunks := providertest.GenerateChunks(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: true})
			if diff := cmp.Diff(tt.want, chunks); diff != "" {
				t.Errorf("emitted (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTimingsCached checks that llama.cpp's timings give the cached prompt
// tokens (prompt tokens minus timings.prompt_n) when usage does not.
func TestTimingsCached(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		stream     bool
		want       bench.Usage
	}{
		{"streamed", emptyAnswerStream, true, bench.Usage{Prompt: 84, Completion: 1, Cached: 80, Total: 85}},
		{"timings before usage", `data: {"choices":[{"index":0,"delta":{"content":"a"}}],"timings":{"prompt_n":2}}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":1}}` + "\n\n", true,
			bench.Usage{Prompt: 9, Completion: 1, Cached: 7, Total: 10}},
		{"not streamed", `{"choices":[{"index":0,"message":{"content":"a"},"finish_reason":"stop"}],"usage":{"prompt_tokens":84,"completion_tokens":1},"timings":{"cache_n":83,"prompt_n":1}}`, false,
			bench.Usage{Prompt: 84, Completion: 1, Cached: 83, Total: 85}},
		{"cache not used", `{"choices":[{"index":0,"message":{"content":"a"},"finish_reason":"stop"}],"usage":{"prompt_tokens":84,"completion_tokens":1},"timings":{"cache_n":0,"prompt_n":84}}`, false,
			bench.Usage{Prompt: 84, Completion: 1, Total: 85}},
		{"vendor count wins", `{"choices":[{"index":0,"message":{"content":"a"},"finish_reason":"stop"}],"usage":{"prompt_tokens":84,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":50}},"timings":{"prompt_n":1}}`, false,
			bench.Usage{Prompt: 84, Completion: 1, Cached: 50, Total: 85}},
		{"prompt_n above prompt tokens", `{"choices":[{"index":0,"message":{"content":"a"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1},"timings":{"prompt_n":9}}`, false,
			bench.Usage{Prompt: 5, Completion: 1, Total: 6}},
		{"negative prompt_n", `{"choices":[{"index":0,"message":{"content":"a"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1},"timings":{"prompt_n":-3}}`, false,
			bench.Usage{Prompt: 5, Completion: 1, Total: 6}},
		{"no usage", `{"choices":[{"index":0,"message":{"content":"a"},"finish_reason":"stop"}],"timings":{"prompt_n":1}}`, false,
			bench.Usage{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fixed(t, 200, nil, tt.body)
			got, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: tt.stream}, discard)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Usage); diff != "" {
				t.Errorf("usage (-want +got):\n%s", diff)
			}
		})
	}
}
