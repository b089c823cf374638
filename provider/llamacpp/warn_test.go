package llamacpp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// Long prompts and their token counts under cl100k_base and o200k_base
// (js-tiktoken 1.0.21): English 1,601 and 1,601; Chinese 3,150 and 1,800.
var (
	longEnglish = strings.Repeat("The harbour town woke slowly that morning. ", 200)
	longChinese = strings.Repeat("清晨的港口小镇慢慢醒来。", 150)
)

// answers are llama-server's non-streamed and streamed answers (shapes of
// the llama-cpp-gpt-oss recordings) with usage.prompt_tokens set to
// prompt.
func answers(prompt int) (body, stream string) {
	usage := fmt.Sprintf(`"usage":{"completion_tokens":2,"prompt_tokens":%d,"total_tokens":%d},"timings":{"cache_n":0,"prompt_n":%d,"predicted_n":2}`, prompt, prompt+2, prompt)
	body = `{"choices":[{"finish_reason":"stop","index":0,"message":{"role":"assistant","content":"Olá!"}}],"model":"gpt-oss","object":"chat.completion",` + usage + `}`
	stream = `data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"model":"gpt-oss","object":"chat.completion.chunk"}` + "\n\n" +
		`data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Olá!"}}],"model":"gpt-oss","object":"chat.completion.chunk"}` + "\n\n" +
		`data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"model":"gpt-oss","object":"chat.completion.chunk"}` + "\n\n" +
		`data: {"choices":[],"model":"gpt-oss","object":"chat.completion.chunk",` + usage + `}` + "\n\n" +
		"data: [DONE]\n\n"
	return body, stream
}

// TestTruncationWarning: llama-server with default flags cuts a prompt
// longer than its context and reports only what it kept (192 prompt tokens
// for a 1,728-token prompt, as recorded): the response then carries a
// warning. Counts near the true ones, short prompts and missing counts do
// not warn.
func TestTruncationWarning(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		prompt   string
		reported int
		warn     bool
	}{
		{"English cut", longEnglish, 192, true},
		{"English whole", longEnglish, 1601 + 70, false},
		{"Chinese cut", longChinese, 192, true},
		{"Chinese whole, o200k count", longChinese, 1800 + 70, false},
		{"Chinese whole, cl100k count", longChinese, 3150 + 70, false},
		{"no count", longEnglish, 0, false},
		{"short prompt", "Say hi in Portuguese", 1, false},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", tt.name, stream), func(t *testing.T) {
				t.Parallel()
				body, sse := answers(tt.reported)
				if stream {
					body = sse
				}
				srv := replay.Serve(t, []replay.Response{{Body: body}})
				msgs := []bench.Message{{Role: bench.RoleSystem, Content: "You are a helpful assistant"}, {Role: bench.RoleUser, Content: tt.prompt}}
				resp, err := newClient(t, srv.URL, "").Generate(t.Context(), provider.Request{Messages: msgs, Stream: stream}, discard)
				if err != nil {
					t.Fatalf("Generate: %v", err)
				}
				if resp.Text != "Olá!" || resp.Usage.Prompt != tt.reported {
					t.Errorf("response %q with %d prompt tokens", resp.Text, resp.Usage.Prompt)
				}
				if !tt.warn {
					if resp.Warnings != nil {
						t.Errorf("warnings %q, want none", resp.Warnings)
					}
					return
				}
				if len(resp.Warnings) != 1 {
					t.Fatalf("warnings %q, want one", resp.Warnings)
				}
				for _, want := range []string{"llamacpp", fmt.Sprintf("counted %d prompt tokens", tt.reported), "--no-context-shift"} {
					if !strings.Contains(resp.Warnings[0], want) {
						t.Errorf("warning %q does not say %q", resp.Warnings[0], want)
					}
				}
			})
		}
	}
}
