package simulator

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/anthropic"
	"github.com/llm-test-bench/llm-test-bench/provider/cohere"
	"github.com/llm-test-bench/llm-test-bench/provider/gemini"
	"github.com/llm-test-bench/llm-test-bench/provider/ollama"
	"github.com/llm-test-bench/llm-test-bench/provider/openai"
)

// TestClientsRetryCutAnswers checks that the project's own provider
// clients report a truncated answer that drops the connection (the
// default TruncateCut), streamed or not, as an error of a retryable kind,
// so bench's retry policy tries the call again.
func TestClientsRetryCutAnswers(t *testing.T) {
	t.Parallel()
	clients := []struct {
		name string
		make func(root string) (provider.Provider, error)
	}{
		{"openai", func(root string) (provider.Provider, error) {
			return openai.New(provider.Config{Vendor: openai.Vendor, Model: "gpt-4o-mini", APIKey: "sk-simulated", BaseURL: root + "/v1"})
		}},
		{"anthropic", func(root string) (provider.Provider, error) {
			return anthropic.New(provider.Config{Vendor: anthropic.Vendor, Model: "claude-x", APIKey: "sk-ant-simulated", BaseURL: root})
		}},
		{"gemini", func(root string) (provider.Provider, error) {
			return gemini.New(provider.Config{Vendor: gemini.Vendor, Model: "gemini-2.0-flash", APIKey: "simulated", BaseURL: root})
		}},
		{"ollama", func(root string) (provider.Provider, error) {
			return ollama.New(provider.Config{Vendor: ollama.Vendor, Model: "llama3.2", BaseURL: root})
		}},
		{"cohere", func(root string) (provider.Provider, error) {
			return cohere.New(provider.Config{Vendor: cohere.Vendor, Model: "command-r", APIKey: "simulated", BaseURL: root})
		}},
	}
	for _, c := range clients {
		for _, stream := range []bool{false, true} {
			t.Run(c.name+map[bool]string{false: "/answer", true: "/stream"}[stream], func(t *testing.T) {
				t.Parallel()
				ts := startServer(t, Config{Errors: ErrorRates{Truncate: 1}, Seed: 57})
				p, err := c.make(strings.TrimSuffix(ts.url, "/v1"))
				if err != nil {
					t.Fatalf("new client: %v", err)
				}
				maxTokens := 100
				_, err = p.Generate(t.Context(), provider.Request{Stream: stream, Sampling: provider.Sampling{MaxTokens: &maxTokens},
					Messages: []bench.Message{{Role: bench.RoleUser, Content: "one two three four five six seven eight"}}},
					func(provider.Chunk) error { return nil })
				pe := provider.AsError(err)
				if pe == nil || !pe.Kind.Retryable() {
					t.Errorf("error %v, want a retryable provider error", err)
				}
				if st := ts.sim.Stats(); st.Errors.Truncate != 1 {
					t.Errorf("stats %+v, want one truncation", st)
				}
			})
		}
	}
}
