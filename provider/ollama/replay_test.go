package ollama

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

const testKey = "ollama-test-key-0123456789"

var hello = []bench.Message{{Role: bench.RoleUser, Content: "Why is the sky blue?"}}

// fixture reads a documented response body from testdata.
func fixture(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// mustRead is fixture for table set-up, outside a test.
func mustRead(name string) string {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return string(data)
}

// documented answers with a fixture as Ollama sends it.
func documented(t testing.TB, name string) replay.Response {
	t.Helper()
	ct := "application/json; charset=utf-8"
	if strings.HasSuffix(name, ".ndjson") {
		ct = "application/x-ndjson"
	}
	return replay.Response{Code: 200, Body: fixture(t, name), Headers: map[string][]string{"Content-Type": {ct}}}
}

func newClient(t testing.TB, base string, key string) *Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: "llama3.2", BaseURL: base, APIKey: key})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func discard(provider.Chunk) error { return nil }

func ptr[T any](v T) *T { return &v }

// TestGenerateDocumented replays Ollama's documented /api/chat answers,
// streamed and not, and checks the answer and the request we sent.
func TestGenerateDocumented(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fixture  string
		stream   bool
		key      string
		wantText string
		chunks   []string
	}{
		{"not streamed", "chat.json", false, "", "The sky is blue because...", []string{"The sky is blue because..."}},
		{"streamed", "chat_stream.ndjson", true, "", "The sky", []string{"The", " sky"}},
		{"streamed with a key (ollama.com)", "chat_stream.ndjson", true, testKey, "The sky", []string{"The", " sky"}},
		{"not streamed with a key", "chat.json", false, testKey, "The sky is blue because...", []string{"The sky is blue because..."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{documented(t, tt.fixture)})
			c := newClient(t, srv.URL, tt.key)
			resp, chunks := providertest.GenerateChunks(t, c, provider.Request{
				Messages: hello, Stream: tt.stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)},
			})
			want := provider.Response{
				Text: tt.wantText, Model: "llama3.2", FinishReason: provider.FinishStop, RawFinishReason: "stop",
				Usage: bench.Usage{Prompt: 26, Completion: 282, Total: 308},
			}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.chunks, chunks); diff != "" {
				t.Errorf("emitted chunks (-want +got):\n%s", diff)
			}
			wantMsgs := []any{map[string]any{"role": "user", "content": "Why is the sky blue?"}}
			checkRequest(t, srv.Last(t), tt.key, wantMsgs, tt.stream)
		})
	}
}

// checkRequest verifies what the client sent for a call with max tokens
// 4000: Ollama's documented path, headers and field names, "stream" always
// present, and Authorization only when a key is configured.
func checkRequest(t *testing.T, got replay.Seen, key string, msgs []any, stream bool) {
	t.Helper()
	wantAccept, wantAuth := "application/json", ""
	if stream {
		wantAccept = "application/x-ndjson"
	}
	if key != "" {
		wantAuth = "Bearer " + key
	}
	head := []string{got.Method, got.Path, got.Header.Get("Content-Type"), got.Header.Get("Accept"), got.Header.Get("Authorization")}
	if diff := cmp.Diff([]string{"POST", "/api/chat", "application/json", wantAccept, wantAuth}, head); diff != "" {
		t.Errorf("request head (-want +got):\n%s", diff)
	}
	want := map[string]any{"model": "llama3.2", "messages": msgs, "stream": stream, "options": map[string]any{"num_predict": float64(4000)}}
	var body map[string]any
	if err := json.Unmarshal(got.Body, &body); err != nil {
		t.Fatalf("request body is not JSON: %v", err)
	}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("request body (-want +got):\n%s", diff)
	}
}

// TestGenerateImage sends wish.png as the recorded image calls did: Ollama
// takes the same base64 payload the OpenAI recording carries in its data:
// URL, raw in the message's "images" list.
func TestGenerateImage(t *testing.T) {
	t.Parallel()
	recorded := replay.Load(t, "TestImageUploadAgent/openai-gpt-5.yaml").Interactions[0].Request.Body
	var rec struct {
		Messages []struct {
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(recorded), &rec); err != nil {
		t.Fatal(err)
	}
	var parts []struct {
		ImageURL struct {
			URL string `json:"url"`
		} `json:"image_url"`
	}
	if err := json.Unmarshal(rec.Messages[len(rec.Messages)-1].Content, &parts); err != nil {
		t.Fatal(err)
	}
	var wantB64 string
	for _, p := range parts {
		if b, ok := strings.CutPrefix(p.ImageURL.URL, "data:image/png;base64,"); ok {
			wantB64 = b
		}
	}
	if wantB64 == "" {
		t.Fatal("recording has no inline PNG")
	}

	msgs := providertest.WishMessages(t)
	for _, stream := range []bool{false, true} {
		fix := map[bool]string{false: "chat.json", true: "chat_stream.ndjson"}[stream]
		srv := replay.Serve(t, []replay.Response{documented(t, fix)})
		c := newClient(t, srv.URL, "")
		if err := provider.CheckInputs(c, msgs); err != nil {
			t.Fatalf("CheckInputs: %v", err)
		}
		if _, err := c.Generate(t.Context(), provider.Request{Messages: msgs, Stream: stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}}, discard); err != nil {
			t.Fatalf("Generate: %v", err)
		}
		wantMsgs := []any{
			map[string]any{"role": "system", "content": "You are a helpful assistant"},
			map[string]any{"role": "user", "content": "Describe the image briefly in English.", "images": []any{wantB64}},
		}
		checkRequest(t, srv.Last(t), "", wantMsgs, stream)
	}
}

// fixedOK answers every request with a documented fixture.
func fixedOK(t testing.TB, name string) *replay.Server {
	t.Helper()
	return replay.Serve(t, []replay.Response{documented(t, name)})
}
