package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// cassette is the part of a go-vcr recording the tests read.
type cassette struct {
	Interactions []struct {
		Request struct {
			Body string `yaml:"body"`
		} `yaml:"request"`
		Response struct {
			Body    string              `yaml:"body"`
			Headers map[string][]string `yaml:"headers"`
			Code    int                 `yaml:"code"`
		} `yaml:"response"`
	} `yaml:"interactions"`
}

func loadCassette(t *testing.T, name string) cassette {
	t.Helper()
	b, err := os.ReadFile("testdata/openai/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var c cassette
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	if len(c.Interactions) != 1 {
		t.Fatalf("%s: want 1 interaction, got %d", name, len(c.Interactions))
	}
	return c
}

// skeleton renders a JSON document's structure: keys in order, and the kind
// of each value (s string, n number, b bool, null), so two documents with
// the same layout but different values compare equal.
func skeleton(t *testing.T, doc []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var sb strings.Builder
	inObject := []bool{false}
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return sb.String()
			}
			t.Fatalf("skeleton: %v\n%s", err, doc)
		}
		switch v := tok.(type) {
		case json.Delim:
			sb.WriteString(v.String())
			switch v {
			case '{', '[':
				inObject = append(inObject, v == '{')
			default:
				inObject = inObject[:len(inObject)-1]
			}
			expectKey = v == '{' || (v != '[' && inObject[len(inObject)-1])
			continue
		case string:
			if expectKey {
				sb.WriteString(v + ":")
				expectKey = false
				continue
			}
			sb.WriteString("s")
		case json.Number:
			sb.WriteString("n")
		case bool:
			sb.WriteString("b")
		case nil:
			sb.WriteString("null")
		}
		sb.WriteString(",")
		expectKey = inObject[len(inObject)-1]
	}
}

func TestCompletionMatchesRecording(t *testing.T) {
	t.Parallel()
	rec := loadCassette(t, "simple.yaml")
	ts := startServer(t, Config{Seed: 1})
	resp, body := ts.post(t, "/chat/completions", rec.Interactions[0].Request.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if diff := cmp.Diff(skeleton(t, []byte(rec.Interactions[0].Response.Body)), skeleton(t, body)); diff != "" {
		t.Errorf("layout differs from OpenAI's (-recorded +simulated):\n%s", diff)
	}
	if got, want := resp.Header.Get("Content-Type"), rec.Interactions[0].Response.Headers["Content-Type"][0]; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	var recorded, got wireCompletion
	decodeStrict(t, []byte(rec.Interactions[0].Response.Body), &recorded)
	decodeStrict(t, body, &got)
	if !strings.HasPrefix(got.ID, "chatcmpl-") || len(got.ID) != len(recorded.ID) {
		t.Errorf("id = %q, want chatcmpl- and %d characters like %q", got.ID, len(recorded.ID), recorded.ID)
	}
	// The alias asked for is answered with its dated snapshot, as recorded.
	want := []any{"chat.completion", recorded.Model, "Say hi in Portuguese", "stop", "assistant"}
	c := got.Choices[0]
	if diff := cmp.Diff(want, []any{got.Object, got.Model, c.Message.Content, c.FinishReason, c.Message.Role}); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	u := got.Usage
	if u.TotalTokens != u.PromptTokens+u.CompletionTokens || u.CompletionTokens != 5 || u.PromptTokens < 15 || u.PromptTokens > 25 {
		t.Errorf("usage %+v: want 5 completion tokens, a prompt near the recorded %d and total = prompt + completion",
			u, recorded.Usage.PromptTokens)
	}
}

func TestStreamMatchesRecording(t *testing.T) {
	t.Parallel()
	rec := loadCassette(t, "simple_streaming.yaml")
	ts := startServer(t, Config{Seed: 1})
	resp, body := ts.post(t, "/chat/completions", rec.Interactions[0].Request.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if got, want := resp.Header.Get("Content-Type"), rec.Interactions[0].Response.Headers["Content-Type"][0]; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	recorded := parseSSE(t, []byte(rec.Interactions[0].Response.Body))
	got := parseSSE(t, body)
	if !got.done || len(got.chunks) < 4 {
		t.Fatalf("stream: done=%v with %d chunks, want [DONE] and >= 4 chunks", got.done, len(got.chunks))
	}
	// role chunk, first content chunk, finish chunk, usage chunk
	pairs := [][2][]byte{
		{recorded.chunks[0], got.chunks[0]},
		{recorded.chunks[1], got.chunks[1]},
		{recorded.chunks[3], got.chunks[len(got.chunks)-2]},
		{recorded.chunks[4], got.chunks[len(got.chunks)-1]},
	}
	for i, p := range pairs {
		if diff := cmp.Diff(skeleton(t, p[0]), skeleton(t, p[1])); diff != "" {
			t.Errorf("chunk %d layout differs (-recorded +simulated):\n%s", i, diff)
		}
	}
	var ids []string
	for _, c := range got.chunks {
		var ch wireChunk
		decodeStrict(t, c, &ch)
		ids = append(ids, ch.ID)
	}
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("chunk ids differ: %v", ids)
		}
	}
	text, finish, usage := streamText(t, got)
	if text != "Say hi in Portuguese" || finish != "stop" || usage == nil {
		t.Fatalf("stream text %q finish %q usage %v", text, finish, usage)
	}
	if usage.CompletionTokens != len(got.chunks)-3 || usage.TotalTokens != usage.PromptTokens+usage.CompletionTokens {
		t.Errorf("usage %+v: want one completion token per content chunk (%d) and a consistent total", *usage, len(got.chunks)-3)
	}
}

func TestStreamOptions(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 2})
	tests := []struct {
		name                 string
		opts                 map[string]any
		wantUsage, wantObfus bool
	}{
		{"no options", nil, false, true},
		{"include usage", map[string]any{"include_usage": true}, true, true},
		{"no obfuscation", map[string]any{"include_usage": true, "include_obfuscation": false}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			extra := map[string]any{"stream": true}
			if tt.opts != nil {
				extra["stream_options"] = tt.opts
			}
			_, body := ts.post(t, "/chat/completions", chatBody(t, "one two three", extra))
			s := parseSSE(t, body)
			_, _, usage := streamText(t, s)
			if (usage != nil) != tt.wantUsage {
				t.Errorf("usage chunk present = %v, want %v", usage != nil, tt.wantUsage)
			}
			if got := bytes.Contains(s.chunks[0], []byte(`"usage":null`)); got != tt.wantUsage {
				t.Errorf(`"usage":null on chunks = %v, want %v`, got, tt.wantUsage)
			}
			if got := bytes.Contains(s.chunks[0], []byte(`"obfuscation"`)); got != tt.wantObfus {
				t.Errorf("obfuscation present = %v, want %v", got, tt.wantObfus)
			}
		})
	}
}

func TestMaxTokens(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 3})
	prompt := "The quick brown fox jumps over the lazy dog."
	tests := []struct {
		name       string
		extra      map[string]any
		wantText   string
		wantFinish string
	}{
		{"no limit", nil, prompt, "stop"},
		{"max_tokens cuts", map[string]any{"max_tokens": 3}, "The quick brown", "length"},
		{"max_completion_tokens wins", map[string]any{"max_tokens": 3, "max_completion_tokens": 5}, "The quick brown fox jumps", "length"},
		{"exact limit", map[string]any{"max_tokens": 10}, prompt, "stop"},
		{"large limit", map[string]any{"max_tokens": 4000}, prompt, "stop"},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(tt.name+"/stream="+strconv.FormatBool(stream), func(t *testing.T) {
				t.Parallel()
				extra := map[string]any{"stream": stream, "stream_options": map[string]any{"include_usage": true}}
				if !stream {
					delete(extra, "stream_options")
				}
				for k, v := range tt.extra {
					extra[k] = v
				}
				_, body := ts.post(t, "/chat/completions", chatBody(t, prompt, extra))
				text, finish, usage := decodeAnswer(t, body, stream)
				if diff := cmp.Diff([]string{tt.wantText, tt.wantFinish}, []string{text, finish}); diff != "" {
					t.Errorf("text, finish (-want +got):\n%s", diff)
				}
				if want := countTokens(tt.wantText); usage.CompletionTokens != want {
					t.Errorf("completion tokens = %d, want %d", usage.CompletionTokens, want)
				}
			})
		}
	}
}

// decodeAnswer decodes a streamed or plain answer strictly.
func decodeAnswer(t *testing.T, body []byte, stream bool) (string, string, wireUsage) {
	t.Helper()
	if stream {
		text, finish, usage := streamText(t, parseSSE(t, body))
		if usage == nil {
			t.Fatal("no usage chunk")
		}
		return text, finish, *usage
	}
	var c wireCompletion
	decodeStrict(t, body, &c)
	return c.Choices[0].Message.Content, c.Choices[0].FinishReason, c.Usage
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 4})
	str := func(s string) *string { return &s }
	tests := []struct {
		name      string
		body      string
		wantParam *string
		wantCode  *string
	}{
		{"not json", `{"messages": [`, nil, nil},
		{"empty body", ``, nil, nil},
		{"no messages", `{"model":"gpt-4o-mini"}`, str("messages"), str("missing_required_parameter")},
		{"empty messages", `{"model":"gpt-4o-mini","messages":[]}`, str("messages"), str("empty_array")},
		{"no model", `{"messages":[{"role":"user","content":"hi"}]}`, nil, nil},
		{"empty model", `{"model":"","messages":[{"role":"user","content":"hi"}]}`, nil, nil},
		{"content number", `{"model":"m","messages":[{"role":"user","content":5}]}`, nil, nil},
		{"messages not array", `{"model":"m","messages":"hi"}`, str("messages"), nil},
		{"max_tokens zero", `{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0}`, str("max_tokens"), str("integer_below_min_value")},
		{"max_completion_tokens negative", `{"model":"m","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":-2}`,
			str("max_completion_tokens"), str("integer_below_min_value")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := ts.post(t, "/chat/completions", tt.body)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400: %s", resp.StatusCode, body)
			}
			var e wireError
			decodeStrict(t, body, &e)
			if e.Error.Type != "invalid_request_error" || e.Error.Message == "" {
				t.Errorf("error = %+v, want invalid_request_error with a message", e.Error)
			}
			if diff := cmp.Diff(tt.wantParam, e.Error.Param); diff != "" {
				t.Errorf("param (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCode, e.Error.Code); diff != "" {
				t.Errorf("code (-want +got):\n%s", diff)
			}
		})
	}
	t.Cleanup(func() { // after the parallel subtests
		if got := ts.sim.Stats().Errors.BadRequest; got != uint64(len(tests)) {
			t.Errorf("Stats().Errors.BadRequest = %d, want %d", got, len(tests))
		}
	})
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Model: "sim-model", Seed: 5})
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantBody           string // a substring
	}{
		{"models", http.MethodGet, "/models", 200, `{"object":"list","data":[{"id":"sim-model","object":"model","created":1764288000,"owned_by":"llm-test-bench-simulator"}]}`},
		{"one model", http.MethodGet, "/models/gpt-4o", 200, `"id":"gpt-4o","object":"model"`},
		{"health", http.MethodGet, "/health", 200, `"status":"ok"`},
		{"unknown route", http.MethodPost, "/completions", 404, `"message": "Invalid URL (POST /v1/completions)"`},
		{"embeddings wrong method", http.MethodGet, "/embeddings", 405, `"message": "Invalid method for URL (GET /v1/embeddings)"`},
		{"wrong method", http.MethodGet, "/chat/completions", 405, `"message": "Invalid method for URL (GET /v1/chat/completions)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := tt.path
			if path == "/health" {
				path = "/../health" // served beside /v1, not below it
			}
			resp, body := ts.do(t, tt.method, path, "")
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("%s %s = %d %s, want %d containing %s", tt.method, tt.path, resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
			if got := resp.Header.Get("X-Simulator"); got != "llm-test-bench" {
				t.Errorf("X-Simulator = %q", got)
			}
			if tt.wantStatus >= 400 {
				var e wireError
				decodeStrict(t, body, &e)
			}
		})
	}
}

// TestAnyAuthorization checks that the offline simulator takes any key,
// and none.
func TestAnyAuthorization(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 8})
	for _, auth := range []string{"", "Bearer sk-anything", "Basic Zm9vOmJhcg=="} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.url+"/chat/completions", strings.NewReader(chatBody(t, "hi", nil)))
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := ts.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("Authorization %q: status %d, want 200", auth, resp.StatusCode)
		}
	}
}

func TestContentParts(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 6})
	body := `{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[` +
		`{"type":"text","text":"What is"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},` +
		`{"type":"text","text":"in the picture?"}]},{"role":"assistant","content":null}]}`
	resp, b := ts.post(t, "/chat/completions", body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	text, _, _ := decodeAnswer(t, b, false)
	if want := "What is\nin the picture?"; text != want {
		t.Errorf("echo = %q, want %q", text, want)
	}
}

// FuzzChatRequest feeds arbitrary bodies to the handler: it must answer
// 200 with a well-formed answer or 400 with OpenAI's error shape.
func FuzzChatRequest(f *testing.F) {
	for _, seed := range []string{
		`{"messages":[{"role":"user","content":"hi"}]}`,
		`{"messages":[{"role":"user","content":"hi \u0000 \ud800 ✓"}],"stream":true,"stream_options":{"include_usage":true}}`,
		`{"messages":[{"role":"user","content":[{"type":"text","text":"a"}]}],"max_tokens":1}`,
		`{"messages":[]}`, `{`, `null`, `[]`, `{"messages":[{"content":null}]}`,
	} {
		f.Add([]byte(seed))
	}
	sim, err := New(Config{Seed: 7})
	if err != nil {
		f.Fatal(err)
	}
	h := sim.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(body)))
		switch rec.Code {
		case http.StatusOK:
			if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/event-stream") {
				s := parseSSE(t, rec.Body.Bytes())
				if !s.done {
					t.Fatal("stream without [DONE]")
				}
				streamText(t, s)
				return
			}
			var c wireCompletion
			decodeStrict(t, rec.Body.Bytes(), &c)
			if u := c.Usage; u.TotalTokens != u.PromptTokens+u.CompletionTokens {
				t.Fatalf("inconsistent usage %+v", u)
			}
		case http.StatusBadRequest:
			var e wireError
			decodeStrict(t, rec.Body.Bytes(), &e)
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	})
}

// TestDatedModelNames checks that OpenAI's routes answer an alias with
// its dated snapshot, and every other name, and other vendors' routes, as
// given.
func TestDatedModelNames(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 9})
	for _, tt := range []struct{ path, model, want string }{
		{"/v1/chat/completions", "gpt-4o-mini", "gpt-4o-mini-2024-07-18"},
		{"/v1/chat/completions", "gpt-5", "gpt-5-2025-08-07"},
		{"/v1/chat/completions", "gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18"},
		{"/v1/chat/completions", "my-fine-tune", "my-fine-tune"},
		{"/vendor/azure/openai/v1/chat/completions", "o4-mini", "o4-mini-2025-04-16"},
		{"/vendor/groq/openai/v1/chat/completions", "gpt-4o-mini", "gpt-4o-mini"},
	} {
		resp, body := ts.send(t, http.MethodPost, tt.path, chatBody(t, "hi", map[string]any{"model": tt.model}), nil)
		var c wireCompletion
		decodeStrict(t, body, &c)
		if resp.StatusCode != 200 || c.Model != tt.want {
			t.Errorf("%s %s: status %d, model %q, want %q", tt.path, tt.model, resp.StatusCode, c.Model, tt.want)
		}
	}
}
