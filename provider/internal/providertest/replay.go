package providertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// WishImage is the image the TestImageUploadAgent recordings send:
// wish.png, inline.
func WishImage(t testing.TB) bench.Part {
	t.Helper()
	png, err := os.ReadFile(filepath.Join(replay.Dir(), "TestImageUploadAgent", "wish.png"))
	if err != nil {
		t.Fatal(err)
	}
	return bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: png, Name: "wish.png"}
}

// WishMessages is the conversation of the TestImageUploadAgent recordings:
// a system prompt and a request to describe WishImage.
func WishMessages(t testing.TB) []bench.Message {
	t.Helper()
	return []bench.Message{
		{Role: bench.RoleSystem, Content: "You are a helpful assistant"},
		{Role: bench.RoleUser, Content: "Describe the image briefly in English.", Parts: []bench.Part{WishImage(t)}},
	}
}

// GenerateChunks calls p.Generate of req, failing t on an error, and
// returns the answer and the texts emitted, in order.
func GenerateChunks(t testing.TB, p provider.Provider, req provider.Request) (provider.Response, []string) {
	t.Helper()
	var chunks []string
	resp, err := p.Generate(t.Context(), req, func(ch provider.Chunk) error {
		chunks = append(chunks, ch.Text)
		return nil
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return resp, chunks
}

// CheckChunks checks what a call emitted: the whole text want, in several
// chunks when streamed and in one otherwise.
func CheckChunks(t testing.TB, chunks []string, want string, stream bool) {
	t.Helper()
	if got := strings.Join(chunks, ""); got != want || (stream && len(chunks) < 2) || (!stream && len(chunks) != 1) {
		t.Errorf("emitted %q, want %q in %s", chunks, want, map[bool]string{true: "several chunks", false: "one chunk"}[stream])
	}
}
