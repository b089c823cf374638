package ollama

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// line builds one /api/chat answer line in the documented shape.
func line(content, extra string) string {
	return `{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":"` + content + `"` + extra
}

func TestGenerateAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		ndjson bool // sent as application/x-ndjson
		stream bool
		want   provider.Response
		chunks []string
	}{
		{"length", line("The sky", `},"done":true,"done_reason":"length","prompt_eval_count":26,"eval_count":2}`), false, false,
			provider.Response{Text: "The sky", Model: "llama3.2", FinishReason: provider.FinishLength, RawFinishReason: "length", Usage: bench.Usage{Prompt: 26, Completion: 2, Total: 28}},
			[]string{"The sky"}},
		{"load request", line("", `},"done":true,"done_reason":"load"}`), false, false,
			provider.Response{Model: "llama3.2", RawFinishReason: "load"}, []string{""}},
		{"old server without done_reason or prompt count (kv cached)", line("Hi", `},"done":true,"eval_count":2}`), false, false,
			provider.Response{Text: "Hi", Model: "llama3.2", Usage: bench.Usage{Completion: 2, Total: 2}}, []string{"Hi"}},
		{"thinking is not text", line("", `,"thinking":"Rayleigh..."},"done":false}`) + "\n" + line("Blue.", `},"done":false}`) + "\n" + line("", `},"done":true,"done_reason":"stop","prompt_eval_count":5,"eval_count":9}`) + "\n", true, true,
			provider.Response{Text: "Blue.", Model: "llama3.2", FinishReason: provider.FinishStop, RawFinishReason: "stop", Usage: bench.Usage{Prompt: 5, Completion: 9, Total: 14}},
			[]string{"Blue."}},
		{"tool calls", line("", `,"tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},"done":false}`) + "\n" + line("", `},"done":true,"done_reason":"stop","prompt_eval_count":5,"eval_count":9}`) + "\n", true, true,
			provider.Response{Model: "llama3.2", FinishReason: provider.FinishToolCalls, RawFinishReason: "stop", Usage: bench.Usage{Prompt: 5, Completion: 9, Total: 14},
				ToolCalls: []bench.ToolCall{{Name: "get_weather", Arguments: `{"city":"Paris"}`}}},
			nil},
		{"logprobs streamed", line("The", `},"logprobs":[{"token":"The","logprob":-0.1,"bytes":[84,104,101],"top_logprobs":[{"token":"The","logprob":-0.1,"bytes":[84,104,101]}]}],"done":false}`) + "\n" +
			line(" sky", `},"logprobs":[{"token":" sky","logprob":-0.5}],"done":false}`) + "\n" + line("", `},"done":true,"done_reason":"stop"}`) + "\n", true, true,
			provider.Response{Text: "The sky", Model: "llama3.2", FinishReason: provider.FinishStop, RawFinishReason: "stop", Logprobs: []float64{-0.1, -0.5}},
			[]string{"The", " sky"}},
		{"text on the done line", line("Hi", `},"done":false}`) + "\n" + line("!", `},"done":true,"done_reason":"stop"}`), true, true,
			provider.Response{Text: "Hi!", Model: "llama3.2", FinishReason: provider.FinishStop, RawFinishReason: "stop"}, []string{"Hi", "!"}},
		{"crlf and keep-alive lines", "\r\n" + line("Hi", `},"done":false}`) + "\r\n\r\n" + line("", `},"done":true,"done_reason":"stop"}`) + "\r\n", true, true,
			provider.Response{Text: "Hi", Model: "llama3.2", FinishReason: provider.FinishStop, RawFinishReason: "stop"}, []string{"Hi"}},
		{"lines after done are not read", line("Hi", `},"done":true,"done_reason":"stop"}`) + "\n" + "garbage\n", true, true,
			provider.Response{Text: "Hi", Model: "llama3.2", FinishReason: provider.FinishStop, RawFinishReason: "stop"}, []string{"Hi"}},
		{"streamed although stream false", fixtureText("chat_stream.ndjson"), true, false,
			provider.Response{Text: "The sky", Model: "llama3.2", FinishReason: provider.FinishStop, RawFinishReason: "stop", Usage: bench.Usage{Prompt: 26, Completion: 282, Total: 308}},
			[]string{"The sky"}},
		{"no model in the answer", `{"message":{"role":"assistant","content":"Hi"},"done":true,"done_reason":"stop"}`, false, false,
			provider.Response{Text: "Hi", Model: "llama3.2", FinishReason: provider.FinishStop, RawFinishReason: "stop"}, []string{"Hi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ct := "application/json; charset=utf-8"
			if tt.ndjson {
				ct = "application/x-ndjson"
			}
			srv := replay.Serve(t, []replay.Response{{Body: tt.body, Headers: map[string][]string{"Content-Type": {ct}}}})
			resp, chunks := providertest.GenerateChunks(t, newClient(t, srv.URL, ""), provider.Request{Messages: hello, Stream: tt.stream})
			if diff := cmp.Diff(tt.want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.chunks, chunks); diff != "" {
				t.Errorf("chunks (-want +got):\n%s", diff)
			}
		})
	}
}

// fixtureText reads a fixture outside a test (table set-up).
func fixtureText(name string) string {
	return strings.TrimSpace(mustRead(name)) + "\n"
}
