package cohere

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

func TestGenerateDocumented(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		resp   replay.Response
		stream bool
		want   provider.Response
		chunks []string
	}{
		{
			name: "non-streamed",
			resp: jsonResponse(chatBody),
			want: provider.Response{
				Text: "LLMs stand for Large Language Models...", Model: "command-a-03-2025",
				FinishReason: provider.FinishStop, RawFinishReason: "COMPLETE",
				Usage:    bench.Usage{Prompt: 5, Completion: 418, Total: 423},
				Logprobs: []float64{-0.01},
			},
			chunks: []string{"LLMs stand for Large Language Models..."},
		},
		{
			name:   "streamed",
			resp:   sseResponse(streamBody),
			stream: true,
			want: provider.Response{
				Text: "Hello", Model: "command-a-03-2025",
				FinishReason: provider.FinishStop, RawFinishReason: "COMPLETE",
				Usage: bench.Usage{Prompt: 5, Completion: 2, Total: 7},
			},
			chunks: []string{"Hello"},
		},
		{
			name:   "streamed without [DONE]",
			resp:   sseResponse(sseStart + sseContentStart + sseDelta + sseDelta + sseContentEnd + sseEnd),
			stream: true,
			want: provider.Response{
				Text: "HelloHello", Model: "command-a-03-2025",
				FinishReason: provider.FinishStop, RawFinishReason: "COMPLETE",
				Usage: bench.Usage{Prompt: 5, Completion: 2, Total: 7},
			},
			chunks: []string{"Hello", "Hello"},
		},
		{
			name:   "streamed with CRLF line endings",
			resp:   sseResponse(strings.ReplaceAll(streamBody, "\n", "\r\n")),
			stream: true,
			want: provider.Response{
				Text: "Hello", Model: "command-a-03-2025",
				FinishReason: provider.FinishStop, RawFinishReason: "COMPLETE",
				Usage: bench.Usage{Prompt: 5, Completion: 2, Total: 7},
			},
			chunks: []string{"Hello"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			got, chunks := providertest.GenerateChunks(t, newClient(t, srv.URL), provider.Request{Messages: hello, Stream: tt.stream})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.chunks, chunks); diff != "" {
				t.Errorf("chunks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGenerateRequest checks the request against Cohere's documented shape:
// POST /v2/chat, Bearer auth, JSON body with model and messages, stream
// flag and Accept: text/event-stream when streaming.
func TestGenerateRequest(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		t.Run(map[bool]string{false: "non-streamed", true: "streamed"}[stream], func(t *testing.T) {
			t.Parallel()
			resp := jsonResponse(chatBody)
			if stream {
				resp = sseResponse(streamBody)
			}
			srv := replay.Serve(t, []replay.Response{resp})
			c, err := New(provider.Config{Vendor: Vendor, Model: "command-a-03-2025", BaseURL: srv.URL + "/v2", APIKey: testKey,
				Headers: map[string]string{"X-Trace": "abc"}, Options: map[string]any{"client_name": "bench"}})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			msgs := []bench.Message{{Role: bench.RoleSystem, Content: "Be brief."}, {Role: bench.RoleUser, Content: "What is an LLM?"}}
			if _, err := c.Generate(t.Context(), provider.Request{Messages: msgs, Stream: stream}, discard); err != nil {
				t.Fatalf("Generate: %v", err)
			}
			got := srv.Last(t)
			if got.Method != "POST" || got.Path != "/v2/chat" {
				t.Errorf("request %s %s, want POST /v2/chat", got.Method, got.Path)
			}
			wantHeaders := map[string]string{
				"Authorization": "Bearer " + testKey, "Content-Type": "application/json",
				"X-Client-Name": "bench", "X-Trace": "abc",
				"Accept": map[bool]string{false: "application/json", true: "text/event-stream"}[stream],
			}
			for k, v := range wantHeaders {
				if g := got.Header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			var body map[string]any
			if err := json.Unmarshal(got.Body, &body); err != nil {
				t.Fatalf("request body: %v", err)
			}
			want := map[string]any{
				"model": "command-a-03-2025",
				"messages": []any{
					map[string]any{"role": "system", "content": "Be brief."},
					map[string]any{"role": "user", "content": "What is an LLM?"},
				},
			}
			if stream {
				want["stream"] = true
			}
			if diff := cmp.Diff(want, body); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestModels(t *testing.T) {
	t.Parallel()
	page1 := `{"models":[{"name":"command-a-03-2025","endpoints":["generate","chat","summarize"],"finetuned":false,"context_length":256000,"tokenizer_url":"https://storage.googleapis.com/cohere-public/tokenizers/command-a-03-2025.json","default_endpoints":[],"features":["tools","strict_tools"]}],"next_page_token":"abc"}`
	page2 := `{"models":[{"name":"command-r7b-12-2024","endpoints":["chat"],"finetuned":false,"context_length":128000,"default_endpoints":[],"features":["tools"]}]}`
	srv := replay.Serve(t, []replay.Response{jsonResponse(page1), jsonResponse(page2)})
	c := newClient(t, srv.URL)
	got, err := c.Models(t.Context())
	if err != nil {
		t.Fatalf("Models: %v", err)
	}
	if diff := cmp.Diff([]string{"command-a-03-2025", "command-r7b-12-2024"}, got); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for i, wantQuery := range []string{"endpoint=chat&page_size=1000", "endpoint=chat&page_size=1000&page_token=abc"} {
		if reqs[i].Method != "GET" || reqs[i].Path != "/v1/models" || reqs[i].RawQuery != wantQuery {
			t.Errorf("request %d: %s %s?%s, want GET /v1/models?%s", i, reqs[i].Method, reqs[i].Path, reqs[i].RawQuery, wantQuery)
		}
		if reqs[i].Header.Get("Authorization") != "Bearer "+testKey {
			t.Errorf("request %d: no Bearer auth", i)
		}
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	ok := replay.Serve(t, []replay.Response{jsonResponse(`{"models":[{"name":"command-a-03-2025","endpoints":["chat"]}],"next_page_token":"x"}`)})
	if err := newClient(t, ok.URL).Health(t.Context()); err != nil {
		t.Fatalf("Health: %v", err)
	}
	if got := ok.Last(t); got.Path != "/v1/models" || got.RawQuery != "endpoint=chat&page_size=1" {
		t.Errorf("health request %s?%s, want /v1/models?endpoint=chat&page_size=1", got.Path, got.RawQuery)
	}
	bad := replay.Serve(t, []replay.Response{replay.Error(401, badKeyBody)})
	err := newClient(t, bad.URL).Health(t.Context())
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindAuth {
		t.Fatalf("Health with a bad key = %v, want auth", err)
	}
	noList := replay.Serve(t, []replay.Response{jsonResponse(`{}`)})
	if err := newClient(t, noList.URL).Health(t.Context()); provider.AsError(err) == nil {
		t.Fatalf("Health without a model list = %v, want an error", err)
	}
}
