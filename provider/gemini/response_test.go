package gemini

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// TestGenerateShapes covers answers the recordings do not: a blocked
// prompt, filtered or cut-off candidates, thought parts, cached tokens and
// logprobs, each as one body and as a stream.
func TestGenerateShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// events are GenerateContentResponse documents: the body is the
		// last one alone (non-streamed) or all of them as SSE events.
		events []string
		want   provider.Response
	}{
		{"prompt blocked", []string{
			`{"promptFeedback": {"blockReason": "SAFETY","safetyRatings": [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT","probability": "HIGH"}]},"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9},"modelVersion": "gemini-2.5-flash"}`,
		}, provider.Response{Model: "gemini-2.5-flash", FinishReason: provider.FinishContentFilter, RawFinishReason: "SAFETY",
			Usage: bench.Usage{Prompt: 9, Total: 9}}},
		{"prompt blocked without usage", []string{
			`{"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}`,
		}, provider.Response{Model: "gemini-2.5-flash", FinishReason: provider.FinishContentFilter, RawFinishReason: "PROHIBITED_CONTENT"}},
		{"candidate stopped for safety without content", []string{
			`{"candidates": [{"finishReason": "SAFETY","index": 0,"safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT","probability": "HIGH","blocked": true}]}],"usageMetadata": {"promptTokenCount": 8,"totalTokenCount": 8},"modelVersion": "gemini-2.5-flash"}`,
		}, provider.Response{Model: "gemini-2.5-flash", FinishReason: provider.FinishContentFilter, RawFinishReason: "SAFETY",
			Usage: bench.Usage{Prompt: 8, Total: 8}}},
		{"max tokens spent thinking", []string{
			`{"candidates": [{"content": {"role": "model"},"finishReason": "MAX_TOKENS","index": 0}],"usageMetadata": {"promptTokenCount": 11,"totalTokenCount": 75,"thoughtsTokenCount": 64},"modelVersion": "gemini-2.5-pro"}`,
		}, provider.Response{Model: "gemini-2.5-pro", FinishReason: provider.FinishLength, RawFinishReason: "MAX_TOKENS",
			Usage: bench.Usage{Prompt: 11, Completion: 64, Reasoning: 64, Total: 75}}},
		{"thought parts skipped, cached and tool-use tokens", []string{
			`{"candidates": [{"content": {"parts": [{"text": "**Greeting**\nThe user wants...","thought": true},{"text": "Olá"}],"role": "model"},"index": 0}],"modelVersion": "gemini-2.5-flash"}`,
			`{"candidates": [{"content": {"parts": [{"text": "!"}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 2100,"candidatesTokenCount": 2,"cachedContentTokenCount": 2048,"toolUsePromptTokenCount": 5,"thoughtsTokenCount": 20,"totalTokenCount": 2127},"modelVersion": "gemini-2.5-flash"}`,
		}, provider.Response{Text: "Olá!", Model: "gemini-2.5-flash", FinishReason: provider.FinishStop, RawFinishReason: "STOP",
			Usage: bench.Usage{Prompt: 2105, Completion: 22, Cached: 2048, Reasoning: 20, Total: 2127}}},
		{"logprobs", []string{
			`{"candidates": [{"content": {"parts": [{"text": "Olá"}],"role": "model"},"index": 0,"logprobsResult": {"topCandidates": [{"candidates": [{"token": "Olá","tokenId": 9,"logProbability": -0.25}]}],"chosenCandidates": [{"token": "Olá","tokenId": 9,"logProbability": -0.25}]}}]}`,
			`{"candidates": [{"content": {"parts": [{"text": "!"}],"role": "model"},"finishReason": "STOP","index": 0,"avgLogprobs": -0.1,"logprobsResult": {"chosenCandidates": [{"token": "!","tokenId": 3,"logProbability": -0.5}]}}]}`,
		}, provider.Response{Text: "Olá!", Model: "gemini-2.5-flash", FinishReason: provider.FinishStop, RawFinishReason: "STOP", Logprobs: []float64{-0.25, -0.5}}},
		{"recitation", []string{
			`{"candidates": [{"content": {"parts": [{"text": "It was the best of"}],"role": "model"},"finishReason": "RECITATION","index": 0}]}`,
		}, provider.Response{Text: "It was the best of", Model: "gemini-2.5-flash", FinishReason: provider.FinishContentFilter, RawFinishReason: "RECITATION"}},
		{"other keeps its raw reason", []string{
			`{"candidates": [{"content": {"parts": [{"text": "Ol"}],"role": "model"},"finishReason": "OTHER","index": 0}]}`,
		}, provider.Response{Text: "Ol", Model: "gemini-2.5-flash", RawFinishReason: "OTHER"}},
		{"second candidate ignored", []string{
			`{"candidates": [{"content": {"parts": [{"text": "Oi"}]},"finishReason": "STOP","index": 1},{"content": {"parts": [{"text": "Olá"}]},"finishReason": "STOP"}]}`,
		}, provider.Response{Text: "Olá", Model: "gemini-2.5-flash", FinishReason: provider.FinishStop, RawFinishReason: "STOP"}},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			if !stream && len(tt.events) > 1 {
				continue // a body is one document; multi-event cases are streams
			}
			t.Run(tt.name+map[bool]string{true: "/stream", false: "/body"}[stream], func(t *testing.T) {
				t.Parallel()
				body := tt.events[len(tt.events)-1]
				if stream {
					body = "data: " + strings.Join(tt.events, "\r\n\r\ndata: ") + "\r\n\r\n"
				}
				srv := replay.Serve(t, []replay.Response{{Body: body}})
				var emitted strings.Builder
				resp, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Messages: hello, Stream: stream}, func(c provider.Chunk) error {
					emitted.WriteString(c.Text)
					return nil
				})
				if err != nil {
					t.Fatalf("Generate: %v", err)
				}
				if diff := cmp.Diff(tt.want, resp); diff != "" {
					t.Errorf("response (-want +got):\n%s", diff)
				}
				if emitted.String() != tt.want.Text {
					t.Errorf("emitted %q, want %q", emitted.String(), tt.want.Text)
				}
			})
		}
	}
}

func TestMapFinish(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"STOP": provider.FinishStop, "MAX_TOKENS": provider.FinishLength,
		"SAFETY": provider.FinishContentFilter, "RECITATION": provider.FinishContentFilter, "BLOCKLIST": provider.FinishContentFilter,
		"PROHIBITED_CONTENT": provider.FinishContentFilter, "SPII": provider.FinishContentFilter, "IMAGE_SAFETY": provider.FinishContentFilter,
		"MALFORMED_FUNCTION_CALL": provider.FinishError, "UNEXPECTED_TOOL_CALL": provider.FinishError, "TOO_MANY_TOOL_CALLS": provider.FinishError,
		"LANGUAGE": provider.FinishError, "OTHER": "", "FINISH_REASON_UNSPECIFIED": "", "stop": "", "": "",
	}
	for raw, want := range tests {
		if got := mapFinish(raw, false); got != want {
			t.Errorf("mapFinish(%q) = %q, want %q", raw, got, want)
		}
	}
	// Function calls end with STOP: with calls it is tool_calls; the other
	// reasons keep their meaning.
	if got := mapFinish("STOP", true); got != provider.FinishToolCalls {
		t.Errorf("STOP with calls = %q, want tool_calls", got)
	}
	if got := mapFinish("MAX_TOKENS", true); got != provider.FinishLength {
		t.Errorf("MAX_TOKENS with calls = %q, want length", got)
	}
}
