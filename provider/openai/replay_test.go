package openai

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

const testKey = "sk-test-abcdef0123456789"

// openAIWireDirs are the recording folders whose exchanges use the OpenAI wire.
var openAIWireDirs = []string{"TestOpenAICommon", "TestAzureCommon", "TestOpenAICompatibleCommon", "TestOpenRouterCommon"}

// cassette is the part of a go-vcr v2 cassette the replay server needs.
type cassette struct {
	Interactions []struct {
		Request struct {
			Body   string `yaml:"body"`
			URL    string `yaml:"url"`
			Method string `yaml:"method"`
		} `yaml:"request"`
		Response struct {
			Body    string              `yaml:"body"`
			Headers map[string][]string `yaml:"headers"`
			Code    int                 `yaml:"code"`
		} `yaml:"response"`
	} `yaml:"interactions"`
}

func loadCassette(t testing.TB, name string) cassette {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(replay.Dir(), name))
	if err != nil {
		t.Fatalf("read cassette: %v", err)
	}
	var c cassette
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("parse cassette %s: %v", name, err)
	}
	if len(c.Interactions) != 1 {
		t.Fatalf("cassette %s: %d interactions, want 1", name, len(c.Interactions))
	}
	return c
}

// seen is the request the replay server received.
type seen struct {
	Method, Path, Auth, ContentType, Accept string
	Body                                    map[string]any
}

// replayServer serves a cassette's response to every request and records
// the last request.
func replayServer(t testing.TB, c cassette) (*httptest.Server, func() seen) {
	t.Helper()
	var mu sync.Mutex
	var last seen
	resp := c.Interactions[0].Response
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		mu.Lock()
		last = seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("Accept"), body}
		mu.Unlock()
		for k, vs := range resp.Headers {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(resp.Code)
		io.WriteString(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return srv, func() seen {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
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
		{"TestOpenAICompatibleCommon/llama-cpp-gpt-oss/simple_streaming.yaml", "Olá!", "openai/gpt-oss-20b", bench.Usage{Prompt: 84, Completion: 57, Total: 141}},
		{"TestOpenRouterCommon/openai/simple.yaml", "Oi! 😊", "openai/gpt-5.4-nano-20260317", bench.Usage{Prompt: 19, Completion: 7, Total: 26}},
		{"TestOpenRouterCommon/openai/simple_streaming.yaml", "Olá! 😊", "openai/gpt-5.4-nano-20260317", bench.Usage{Prompt: 19, Completion: 7, Total: 26}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := loadCassette(t, tt.file)
			var recorded struct {
				Model    string          `json:"model"`
				Messages []bench.Message `json:"messages"`
			}
			if err := json.Unmarshal([]byte(cas.Interactions[0].Request.Body), &recorded); err != nil {
				t.Fatalf("recorded request body: %v", err)
			}
			stream := strings.Contains(tt.file, "streaming")
			srv, lastRequest := replayServer(t, cas)
			c, err := New(provider.Config{Vendor: Vendor, Model: recorded.Model, BaseURL: srv.URL + "/v1", APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			maxTokens := 4000
			var chunks []string
			resp, err := c.Generate(t.Context(), provider.Request{
				Messages: recorded.Messages, Stream: stream, Sampling: provider.Sampling{MaxTokens: &maxTokens},
			}, func(ch provider.Chunk) error {
				chunks = append(chunks, ch.Text)
				return nil
			})
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			want := provider.Response{Text: tt.wantText, Model: tt.wantModel, FinishReason: provider.FinishStop, RawFinishReason: "stop", Usage: tt.wantUsage}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if got := strings.Join(chunks, ""); got != tt.wantText || (stream && len(chunks) < 2) || (!stream && len(chunks) != 1) {
				t.Errorf("emitted %q, want %q in %s", chunks, tt.wantText, map[bool]string{true: "several chunks", false: "one chunk"}[stream])
			}
			checkRequest(t, lastRequest(), recorded.Model, recorded.Messages, stream)
		})
	}
}

// checkRequest verifies what the client sent for a replayed call.
func checkRequest(t *testing.T, got seen, model string, msgs []bench.Message, stream bool) {
	t.Helper()
	wantAccept := "application/json"
	if stream {
		wantAccept = "text/event-stream"
	}
	head := []string{got.Method, got.Path, got.Auth, got.ContentType, got.Accept}
	if diff := cmp.Diff([]string{"POST", "/v1/chat/completions", "Bearer " + testKey, "application/json", wantAccept}, head); diff != "" {
		t.Errorf("request head (-want +got):\n%s", diff)
	}
	var wantMsgs []any
	for _, m := range msgs {
		wantMsgs = append(wantMsgs, map[string]any{"role": m.Role, "content": m.Content})
	}
	want := map[string]any{"model": model, "messages": wantMsgs}
	tokens := "max_tokens"
	if IsReasoningModel(model) {
		tokens = "max_completion_tokens"
	}
	want[tokens] = float64(4000)
	if stream {
		want["stream"] = true
		want["stream_options"] = map[string]any{"include_usage": true}
	}
	if diff := cmp.Diff(want, got.Body); diff != "" {
		t.Errorf("request body (-want +got):\n%s", diff)
	}
}
