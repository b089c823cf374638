package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The wire structs below mirror Gemini's recorded responses
// (testdata/provider-recordings/TestGoogleCommon); tests decode with
// DisallowUnknownFields.

type gemResponse struct {
	Candidates []struct {
		Content *struct {
			Parts []struct {
				Text string `json:"text"`
			} `json:"parts"`
			Role string `json:"role"`
		} `json:"content"`
		FinishReason string `json:"finishReason"`
		Index        int    `json:"index"`
	} `json:"candidates"`
	UsageMetadata struct {
		PromptTokenCount     int `json:"promptTokenCount"`
		CandidatesTokenCount int `json:"candidatesTokenCount"`
		TotalTokenCount      int `json:"totalTokenCount"`
		PromptTokensDetails  []struct {
			Modality   string `json:"modality"`
			TokenCount int    `json:"tokenCount"`
		} `json:"promptTokensDetails"`
		ThoughtsTokenCount int `json:"thoughtsTokenCount"`
	} `json:"usageMetadata"`
	ModelVersion string `json:"modelVersion"`
	ResponseID   string `json:"responseId"`
}

type gemError struct {
	Error struct {
		Code    int              `json:"code"`
		Message string           `json:"message"`
		Status  string           `json:"status"`
		Details []map[string]any `json:"details"`
	} `json:"error"`
}

// gemText returns a response's text and finish reason.
func gemText(r *gemResponse) (text, finish string) {
	c := r.Candidates[0]
	if c.Content != nil {
		for _, p := range c.Content.Parts {
			text += p.Text
		}
	}
	return text, c.FinishReason
}

// decodeGeminiStream decodes a stream, SSE or a JSON array, strictly. Its
// usage is the last chunk's; ended is whether a chunk carried a finish
// reason (the vendor sends no terminator).
func decodeGeminiStream(t testing.TB, body []byte, sse bool) wireAnswer {
	t.Helper()
	var chunks [][]byte
	if sse {
		for _, ev := range parseEvents(t, body, "\r\n") {
			if ev.name != "" {
				t.Errorf("Gemini events have no name, got %q", ev.name)
			}
			chunks = append(chunks, ev.data)
		}
	} else {
		var raw []json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			return wireAnswer{} // a cut array
		}
		for _, r := range raw {
			chunks = append(chunks, r)
		}
	}
	var a wireAnswer
	var id string
	for i, c := range chunks {
		var r gemResponse
		decodeStrict(t, c, &r)
		text, finish := gemText(&r)
		a.text += text
		if finish != "" {
			if a.ended {
				t.Error("two chunks with a finish reason")
			}
			a.finish, a.ended = finish, true
		}
		if i == 0 {
			id = r.ResponseID
		} else if r.ResponseID != id {
			t.Errorf("chunk %d responseId %q, want %q", i, r.ResponseID, id)
		}
		u := r.UsageMetadata
		if u.CandidatesTokenCount < a.completion || u.TotalTokenCount != u.PromptTokenCount+u.CandidatesTokenCount {
			t.Errorf("chunk %d usage %+v after %d tokens: not cumulative", i, u, a.completion)
		}
		a.prompt, a.completion = u.PromptTokenCount, u.CandidatesTokenCount
	}
	return a
}

func TestGeminiMatchesRecording(t *testing.T) {
	t.Parallel()
	rec := loadRecording(t, "TestGoogleCommon/gemini-2.5-flash/simple.yaml")
	ts := startServer(t, Config{Seed: 61})
	resp, body := ts.send(t, http.MethodPost, "/v1beta/models/gemini-2.5-flash:generateContent",
		rec.Interactions[0].Request.Body, map[string]string{"x-goog-api-key": "AIza-anything"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	recorded := rec.Interactions[0].Response
	// The simulator does not think, so it has no thoughtsTokenCount.
	want := strings.Replace(skeleton(t, []byte(recorded.Body)), "thoughtsTokenCount:n,", "", 1)
	if diff := cmp.Diff(want, skeleton(t, body)); diff != "" {
		t.Errorf("layout differs from Gemini's (-recorded +simulated):\n%s", diff)
	}
	if !strings.HasPrefix(string(body), "{\n  \"candidates\": [\n    {\n      \"content\": {\n        \"parts\": [\n          {\n            \"text\": ") {
		t.Errorf("not indented like the vendor's:\n%s", body)
	}
	if got, want := resp.Header.Get("Content-Type"), recorded.Headers["Content-Type"][0]; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	var r gemResponse
	decodeStrict(t, body, &r)
	text, finish := gemText(&r)
	u := r.UsageMetadata
	got := []any{text, finish, r.Candidates[0].Content.Role, r.ModelVersion, len(r.ResponseID), u.PromptTokenCount, u.CandidatesTokenCount, u.TotalTokenCount}
	if diff := cmp.Diff([]any{"Say hi in Portuguese", "STOP", "model", "gemini-2.5-flash", 23, 21, 5, 26}, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestGeminiStreamMatchesRecording(t *testing.T) {
	t.Parallel()
	rec := loadRecording(t, "TestGoogleCommon/gemini-2.5-flash/simple_streaming.yaml")
	ts := startServer(t, Config{Seed: 62})
	resp, body := ts.send(t, http.MethodPost, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=AIza",
		rec.Interactions[0].Request.Body, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	recorded := rec.Interactions[0].Response
	if got, want := resp.Header.Get("Content-Type"), recorded.Headers["Content-Type"][0]; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	// The recording's only chunk is also its last: compare the layout of
	// the last chunk (with finishReason) and of the others (without).
	recEvents := parseEvents(t, []byte(recorded.Body), "\r\n")
	last := strings.Replace(skeleton(t, recEvents[len(recEvents)-1].data), "thoughtsTokenCount:n,", "", 1)
	middle := strings.Replace(last, "finishReason:s,", "", 1)
	events := parseEvents(t, body, "\r\n")
	for i, ev := range events {
		want := middle
		if i == len(events)-1 {
			want = last
		}
		if diff := cmp.Diff(want, skeleton(t, ev.data)); diff != "" {
			t.Errorf("chunk %d differs from Gemini's (-recorded +simulated):\n%s", i, diff)
		}
	}
	if !strings.HasPrefix(string(body), `data: {"candidates": [{"content": {"parts": [{"text": "Say"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 21,`) {
		t.Errorf("first chunk not spaced like the vendor's: %.200s", body)
	}
	got := decodeGeminiStream(t, body, true)
	if diff := cmp.Diff(wireAnswer{"Say hi in Portuguese", "STOP", 21, 5, true}, got, cmp.AllowUnexported(wireAnswer{})); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}
}

// TestGeminiArrayStream checks the stream without alt=sse: one JSON array.
func TestGeminiArrayStream(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 63})
	resp, body := ts.send(t, http.MethodPost, "/v1beta/models/gemini-2.5-pro:streamGenerateContent",
		`{"contents":[{"parts":[{"text":"a b c"}]}],"generation_config":{"max_output_tokens":2}}`, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=UTF-8" || body[0] != '[' {
		t.Fatalf("status %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	got := decodeGeminiStream(t, body, false)
	if diff := cmp.Diff(wireAnswer{"a b", "MAX_TOKENS", 3 + 3 + 3, 2, true}, got, cmp.AllowUnexported(wireAnswer{})); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}
}

func TestGeminiBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 64})
	tests := []struct {
		name, method, path, body string
		status                   int
		rpcStatus, message       string
	}{
		{"no contents", "POST", "/v1beta/models/g:generateContent", `{}`, 400, "INVALID_ARGUMENT",
			"* GenerateContentRequest.contents: contents is not specified\n"},
		{"empty parts", "POST", "/v1beta/models/g:generateContent", `{"contents":[{"role":"user","parts":[]}]}`, 400, "INVALID_ARGUMENT",
			"* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n"},
		{"bad role", "POST", "/v1beta/models/g:generateContent", `{"contents":[{"role":"assistant","parts":[{"text":"x"}]}]}`, 400,
			"INVALID_ARGUMENT", "Please use a valid role: user, model."},
		{"not json", "POST", "/v1beta/models/g:generateContent", `{"contents":`, 400, "INVALID_ARGUMENT",
			"Invalid JSON payload received. unexpected end of JSON input"},
		{"unknown method", "POST", "/v1beta/models/g:predict", `{}`, 404, "NOT_FOUND",
			"models/g is not found for API version v1beta, or is not supported for predict."},
		{"unknown path", "GET", "/v1beta/tunedModels", ``, 404, "NOT_FOUND", "Requested entity was not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := ts.send(t, tt.method, tt.path, tt.body, nil)
			var e gemError
			decodeStrict(t, body, &e)
			if resp.StatusCode != tt.status || e.Error.Code != tt.status || e.Error.Status != tt.rpcStatus || e.Error.Message != tt.message {
				t.Errorf("%d %+v, want %d %s %q", resp.StatusCode, e.Error, tt.status, tt.rpcStatus, tt.message)
			}
		})
	}
}

func TestGeminiModels(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Model: "sim-model", Seed: 65})
	type model struct {
		Name                       string   `json:"name"`
		Version                    string   `json:"version"`
		DisplayName                string   `json:"displayName"`
		Description                string   `json:"description"`
		InputTokenLimit            int      `json:"inputTokenLimit"`
		OutputTokenLimit           int      `json:"outputTokenLimit"`
		SupportedGenerationMethods []string `json:"supportedGenerationMethods"`
		Temperature                float64  `json:"temperature"`
		TopP                       float64  `json:"topP"`
		TopK                       int      `json:"topK"`
		MaxTemperature             float64  `json:"maxTemperature"`
	}
	_, body := ts.send(t, http.MethodGet, "/v1beta/models?pageSize=50", "", nil)
	var list struct {
		Models []model `json:"models"`
	}
	decodeStrict(t, body, &list)
	if len(list.Models) != 1 || list.Models[0].Name != "models/sim-model" || !strings.Contains(list.Models[0].Description, "simulator") ||
		list.Models[0].SupportedGenerationMethods[0] != "generateContent" {
		t.Errorf("models %+v", list)
	}
	_, body = ts.send(t, http.MethodGet, "/v1beta/models/gemini-x", "", nil)
	var one model
	decodeStrict(t, body, &one)
	if one.Name != "models/gemini-x" {
		t.Errorf("model %+v", one)
	}
}

func TestProtoDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		34 * time.Second: "34s", 2500 * time.Millisecond: "2.500s", 1500 * time.Microsecond: "0.001500s", 7: "0.000000007s",
	} {
		if got := string(appendProtoDuration(nil, d)); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}
