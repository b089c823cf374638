package anthropic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

const testKey = "sk-ant-api03-test-abcdef0123456789"

// TestGenerateReplay replays every Anthropic recording, streamed and not,
// through the client and checks the answer and the request we sent.
func TestGenerateReplay(t *testing.T) {
	t.Parallel()
	image := providertest.WishMessages(t)
	tests := []struct {
		file   string
		msgs   []bench.Message
		stream bool
		text   string
		usage  bench.Usage
	}{
		{"TestAnthropicCommon/claude-sonnet-4/simple.yaml", recordedPrompt, false,
			"Olá! \n\n(That's \"hello\" in Portuguese. You could also say \"Oi!\" for a more casual \"hi!\")",
			bench.Usage{Prompt: 16, Completion: 34, Total: 50}},
		{"TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml", recordedPrompt, true,
			"Olá! (That's \"hi\" in Portuguese)\n\nYou could also say \"Oi!\" which is a more casual way to say hi in Portuguese.",
			bench.Usage{Prompt: 16, Completion: 38, Total: 54}},
		{"TestImageUploadAgent/anthropic-claude-sonnet-4.yaml", image, false,
			"This image shows a simple, minimalist design featuring a small green star or star-like shape positioned in the upper left area against a soft gradient background. " +
				"The background transitions from purple/blue tones at the top to lighter pink/white tones toward the bottom, creating a gentle, dreamy aesthetic.",
			bench.Usage{Prompt: 27, Completion: 65, Total: 92}},
		{"TestImageUploadAgentStreaming/anthropic-claude-sonnet-4-stream.yaml", image, true, imageStreamText,
			bench.Usage{Prompt: 27, Completion: 93, Total: 120}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, tt.file)
			srv := replay.ServeCassette(t, cas)
			c, err := New(provider.Config{Vendor: Vendor, Model: "claude-sonnet-4-20250514", BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := provider.CheckInputs(c, tt.msgs); err != nil {
				t.Fatalf("CheckInputs: %v", err)
			}
			resp, chunks := providertest.GenerateChunks(t, c, provider.Request{Messages: tt.msgs, Stream: tt.stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}})
			want := provider.Response{Text: tt.text, Model: "claude-sonnet-4-20250514", FinishReason: provider.FinishStop, RawFinishReason: "end_turn", Usage: tt.usage}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			providertest.CheckChunks(t, chunks, tt.text, tt.stream)
			checkRequest(t, srv.Last(t), cas.Interactions[0].Request.Body, tt.stream)
		})
	}
}

// checkRequest verifies the request against Anthropic's documented route
// and headers, and its body against the recorded one.
func checkRequest(t *testing.T, got replay.Seen, recordedBody string, stream bool) {
	t.Helper()
	accept := "application/json"
	if stream {
		accept = "text/event-stream"
	}
	head := []string{got.Method, got.Path, got.Header.Get("X-Api-Key"), got.Header.Get("Anthropic-Version"),
		got.Header.Get("Content-Type"), got.Header.Get("Accept"), got.Header.Get("Authorization"), got.Header.Get("Anthropic-Beta")}
	want := []string{"POST", "/v1/messages", testKey, "2023-06-01", "application/json", accept, "", ""}
	if diff := cmp.Diff(want, head); diff != "" {
		t.Errorf("request head [method path x-api-key anthropic-version content-type accept authorization anthropic-beta] (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(asJSON(t, []byte(recordedBody)), asJSON(t, got.Body)); diff != "" {
		t.Errorf("request body (-recorded +sent):\n%s", diff)
	}
}
