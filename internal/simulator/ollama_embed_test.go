package simulator

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/ollama"
)

// TestOllamaEmbedClient drives the project's Ollama client
// (provider/ollama) against /api/embed.
func TestOllamaEmbedClient(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 121})
	c, err := ollama.New(provider.Config{Vendor: "ollama", Model: "all-minilm", BaseURL: strings.TrimSuffix(ts.url, "/v1"),
		Options: map[string]any{"dimensions": 64}})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"The cat sat on the mat", "A dog barked"}
	got, err := c.Embed(t.Context(), "", texts)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if diff := cmp.Diff(wantVectors(texts, 64), asFloat32(got.Vectors)); diff != "" {
		t.Errorf("vectors (-want +got):\n%s", diff)
	}
	if got.Model != "all-minilm" || got.Usage != (bench.Usage{Prompt: 9, Total: 9}) {
		t.Errorf("model %q usage %+v", got.Model, got.Usage)
	}
}
