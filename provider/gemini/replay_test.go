package gemini

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

const testKey = "AIzaSy-test-0123456789abcdef"

var hello = []bench.Message{
	{Role: bench.RoleSystem, Content: "You are a helpful assistant"},
	{Role: bench.RoleUser, Content: "Say hi in Portuguese"},
}

func discard(provider.Chunk) error { return nil }

// recordedText joins the non-thought text parts of candidate 0 in a
// recorded body (one JSON document, or SSE data lines), decoded generically
// so the expectation does not reuse the client's own decoder.
func recordedText(t *testing.T, body string, stream bool) string {
	t.Helper()
	docs := []string{body}
	if stream {
		docs = nil
		for line := range strings.SplitSeq(body, "\n") {
			if d, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
				docs = append(docs, d)
			}
		}
	}
	var b strings.Builder
	for _, d := range docs {
		var r struct {
			Candidates []struct {
				Content struct {
					Parts []map[string]any `json:"parts"`
				} `json:"content"`
			} `json:"candidates"`
		}
		if err := json.Unmarshal([]byte(d), &r); err != nil {
			t.Fatalf("recorded body: %v", err)
		}
		for _, p := range r.Candidates[0].Content.Parts {
			if p["thought"] != true {
				b.WriteString(p["text"].(string))
			}
		}
	}
	return b.String()
}

func TestGenerateReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		image     bool
		wantText  string // "" means: the recorded text
		wantModel string
		wantUsage bench.Usage
		minChunks int
	}{
		{"TestGoogleCommon/gemini-2.5-flash/simple.yaml", false, "Olá!", "gemini-2.5-flash",
			bench.Usage{Prompt: 11, Completion: 2 + 24, Reasoning: 24, Total: 37}, 1},
		{"TestGoogleCommon/gemini-2.5-flash/simple_streaming.yaml", false, "Olá!", "gemini-2.5-flash",
			bench.Usage{Prompt: 11, Completion: 2 + 21, Reasoning: 21, Total: 34}, 1},
		{"TestImageUploadAgent/gemini-2.5-pro.yaml", true, "", "gemini-2.5-pro",
			bench.Usage{Prompt: 272, Completion: 86 + 641, Reasoning: 641, Total: 999}, 1},
		{"TestImageUploadAgentStreaming/gemini-2.5-pro-stream.yaml", true, "", "gemini-2.5-pro",
			bench.Usage{Prompt: 272, Completion: 200 + 1114, Reasoning: 1114, Total: 1586}, 8},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, tt.file)
			rec := cas.Interactions[0]
			stream := strings.Contains(rec.Request.URL, ":streamGenerateContent")
			wantText := tt.wantText
			if wantText == "" {
				wantText = recordedText(t, rec.Response.Body, stream)
			}
			msgs := hello
			if tt.image {
				msgs = providertest.WishMessages(t)
			}
			srv := replay.ServeCassette(t, cas)
			c, err := New(provider.Config{Vendor: Vendor, Model: tt.wantModel, BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			maxTokens := 4000
			resp, chunks := providertest.GenerateChunks(t, c, provider.Request{
				Messages: msgs, Stream: stream, Sampling: provider.Sampling{MaxTokens: &maxTokens},
			})
			want := provider.Response{Text: wantText, Model: tt.wantModel, FinishReason: provider.FinishStop, RawFinishReason: "STOP", Usage: tt.wantUsage}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if got := strings.Join(chunks, ""); got != wantText || len(chunks) < tt.minChunks || (!stream && len(chunks) != 1) {
				t.Errorf("emitted %d chunks %q, want %q in at least %d", len(chunks), got, wantText, tt.minChunks)
			}
			checkRequest(t, srv.Last(t), rec.Request, tt.wantModel, stream)
		})
	}
}

// checkRequest compares what the client sent with the recorded request: the
// vendor's path and query, the key in x-goog-api-key (never in the URL) and
// the very same JSON body.
func checkRequest(t *testing.T, got replay.Seen, recorded replay.Request, model string, stream bool) {
	t.Helper()
	wantPath, wantQuery, wantAccept := "/v1beta/models/"+model+":generateContent", "", "application/json"
	if stream {
		wantPath, wantQuery, wantAccept = "/v1beta/models/"+model+":streamGenerateContent", "alt=sse", "text/event-stream"
	}
	if !strings.HasSuffix(recorded.URL, wantPath+map[bool]string{true: "?" + wantQuery}[stream]) {
		t.Fatalf("recorded URL %s does not end in %s", recorded.URL, wantPath)
	}
	head := []string{got.Method, got.Path, got.RawQuery, got.Header.Get("X-Goog-Api-Key"), got.Header.Get("Content-Type"), got.Header.Get("Accept"), got.Header.Get("Authorization")}
	if diff := cmp.Diff([]string{"POST", wantPath, wantQuery, testKey, "application/json", wantAccept, ""}, head); diff != "" {
		t.Errorf("request head (-want +got):\n%s", diff)
	}
	var gotBody, wantBody any
	if err := json.Unmarshal(got.Body, &gotBody); err != nil {
		t.Fatalf("sent body is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(recorded.Body), &wantBody); err != nil {
		t.Fatalf("recorded body: %v", err)
	}
	if diff := cmp.Diff(wantBody, gotBody); diff != "" {
		t.Errorf("request body differs from the recording (-want +got):\n%s", diff)
	}
}
