package openai

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

const testKey = "sk-test-abcdef0123456789"

// openAIWireDirs are the recording folders whose exchanges use the OpenAI wire.
var openAIWireDirs = []string{"TestOpenAICommon", "TestAzureCommon", "TestOpenAICompatibleCommon", "TestOpenRouterCommon"}

// recordedBody is the response body of a one-exchange recording.
func recordedBody(t testing.TB, rel string) string {
	t.Helper()
	return replay.Load(t, rel).Interactions[0].Response.Body
}

// recordedRequest is the part of a recorded request body the tests reuse.
type recordedRequest struct {
	Model    string            `json:"model"`
	Messages []json.RawMessage `json:"messages"`
}

func TestGenerateReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		wantText  string
		wantModel string
		wantUsage bench.Usage
	}{
		{"TestOpenAICommon/openai-gpt-4o-mini/simple.yaml", "Olá!", "gpt-4o-mini-2024-07-18", bench.Usage{Prompt: 20, Completion: 2, Total: 22}},
		{"TestOpenAICommon/openai-gpt-4o-mini/simple_streaming.yaml", "Olá!", "gpt-4o-mini-2024-07-18", bench.Usage{Prompt: 20, Completion: 2, Total: 22}},
		{"TestOpenAICommon/openai-gpt-5/simple.yaml", "Olá!", "gpt-5-2025-08-07", bench.Usage{Prompt: 19, Completion: 139, Reasoning: 128, Total: 158}},
		{"TestOpenAICommon/openai-gpt-5/simple_streaming.yaml", "Olá!", "gpt-5-2025-08-07", bench.Usage{Prompt: 19, Completion: 75, Reasoning: 64, Total: 94}},
		{"TestAzureCommon/azure-gpt-5-mini/simple.yaml", "Olá!", "gpt-5-mini-2025-08-07", bench.Usage{Prompt: 19, Completion: 76, Reasoning: 64, Total: 95}},
		{"TestAzureCommon/azure-gpt-5-mini/simple_streaming.yaml", "Oi!", "gpt-5-mini-2025-08-07", bench.Usage{Prompt: 19, Completion: 76, Reasoning: 64, Total: 95}},
		{"TestOpenAICompatibleCommon/groq-kimi-k2/simple.yaml", "Olá!", "moonshotai/kimi-k2-instruct-0905", bench.Usage{Prompt: 20, Completion: 4, Total: 24}},
		{"TestOpenAICompatibleCommon/groq-kimi-k2/simple_streaming.yaml", "Olá!", "moonshotai/kimi-k2-instruct-0905", bench.Usage{Prompt: 20, Completion: 4, Total: 24}},
		{"TestOpenAICompatibleCommon/llama-cpp-gpt-oss/simple.yaml", "Olá!", "openai/gpt-oss-20b", bench.Usage{Prompt: 84, Completion: 47, Total: 131}},
		{"TestOpenAICompatibleCommon/llama-cpp-gpt-oss/simple_streaming.yaml", "Olá!", "openai/gpt-oss-20b", bench.Usage{Prompt: 84, Completion: 57, Cached: 83, Total: 141}}, // timings: cache_n 83, prompt_n 1
		{"TestOpenRouterCommon/openai/simple.yaml", "Oi! 😊", "openai/gpt-5.4-nano-20260317", bench.Usage{Prompt: 19, Completion: 7, Total: 26}},
		{"TestOpenRouterCommon/openai/simple_streaming.yaml", "Olá! 😊", "openai/gpt-5.4-nano-20260317", bench.Usage{Prompt: 19, Completion: 7, Total: 26}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, tt.file)
			var recorded struct {
				Model    string          `json:"model"`
				Messages []bench.Message `json:"messages"`
			}
			if err := json.Unmarshal([]byte(cas.Interactions[0].Request.Body), &recorded); err != nil {
				t.Fatalf("recorded request body: %v", err)
			}
			stream := strings.Contains(tt.file, "streaming")
			srv := replay.ServeCassette(t, cas)
			c, err := New(provider.Config{Vendor: Vendor, Model: recorded.Model, BaseURL: srv.URL + "/v1", APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			maxTokens := 4000
			resp, chunks := providertest.GenerateChunks(t, c, provider.Request{
				Messages: recorded.Messages, Stream: stream, Sampling: provider.Sampling{MaxTokens: &maxTokens},
			})
			want := provider.Response{Text: tt.wantText, Model: tt.wantModel, FinishReason: provider.FinishStop, RawFinishReason: "stop", Usage: tt.wantUsage}
			if strings.HasPrefix(tt.file, "TestOpenRouterCommon/") {
				cost := 0.00001255 // usage.cost in the recording
				want.VendorCost = &cost
			}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			providertest.CheckChunks(t, chunks, tt.wantText, stream)
			var msgs []any
			for _, m := range recorded.Messages {
				msgs = append(msgs, map[string]any{"role": m.Role, "content": m.Content})
			}
			checkRequest(t, srv.Last(t), recorded.Model, msgs, stream)
		})
	}
}

// TestGenerateImageReplay sends wish.png as the recorded OpenAI calls did
// and checks the messages we send are exactly the recorded ones.
func TestGenerateImageReplay(t *testing.T) {
	t.Parallel()
	msgs := providertest.WishMessages(t)
	tests := []struct {
		file      string
		stream    bool
		wantText  string
		wantUsage bench.Usage
	}{
		{"TestImageUploadAgent/openai-gpt-5.yaml", false,
			"A cute pastel star with a tiny face streaks across a purple background, leaving a pink-blue-green rainbow trail with sparkles.",
			bench.Usage{Prompt: 232, Completion: 163, Reasoning: 128, Total: 395}},
		{"TestImageUploadAgentStreaming/openai-gpt-5-stream.yaml", true,
			"A cute cartoon star with a face and pink cheeks, leaving a rainbow trail on a purple background with sparkles.",
			bench.Usage{Prompt: 232, Completion: 96, Reasoning: 64, Total: 328}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, tt.file)
			var recorded recordedRequest
			if err := json.Unmarshal([]byte(cas.Interactions[0].Request.Body), &recorded); err != nil {
				t.Fatalf("recorded request body: %v", err)
			}
			srv := replay.ServeCassette(t, cas)
			c, err := New(provider.Config{Model: "gpt-5", BaseURL: srv.URL + "/v1", APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := provider.CheckInputs(c, msgs); err != nil {
				t.Fatalf("CheckInputs: %v", err)
			}
			resp, chunks := providertest.GenerateChunks(t, c, provider.Request{Messages: msgs, Stream: tt.stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}})
			want := provider.Response{Text: tt.wantText, Model: "gpt-5-2025-08-07", FinishReason: provider.FinishStop, RawFinishReason: "stop", Usage: tt.wantUsage}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			providertest.CheckChunks(t, chunks, tt.wantText, tt.stream)
			var wantMsgs []any
			for _, m := range recorded.Messages {
				var v any
				if err := json.Unmarshal(m, &v); err != nil {
					t.Fatal(err)
				}
				wantMsgs = append(wantMsgs, v)
			}
			checkRequest(t, srv.Last(t), "gpt-5", wantMsgs, tt.stream)
		})
	}
}

// checkRequest verifies what the client sent for a replayed call with
// max tokens 4000: OpenAI's documented path, headers and field names.
func checkRequest(t *testing.T, got replay.Seen, model string, msgs []any, stream bool) {
	t.Helper()
	wantAccept := "application/json"
	if stream {
		wantAccept = "text/event-stream"
	}
	head := []string{got.Method, got.Path, got.Header.Get("Authorization"), got.Header.Get("Content-Type"), got.Header.Get("Accept")}
	if diff := cmp.Diff([]string{"POST", "/v1/chat/completions", "Bearer " + testKey, "application/json", wantAccept}, head); diff != "" {
		t.Errorf("request head (-want +got):\n%s", diff)
	}
	want := map[string]any{"model": model, "messages": msgs}
	tokens := "max_tokens"
	if IsReasoningModel(model) {
		tokens = "max_completion_tokens"
	}
	want[tokens] = float64(4000)
	if stream {
		want["stream"] = true
		want["stream_options"] = map[string]any{"include_usage": true}
	}
	var body map[string]any
	if err := json.Unmarshal(got.Body, &body); err != nil {
		t.Fatalf("request body is not JSON: %v", err)
	}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("request body (-want +got):\n%s", diff)
	}
}
