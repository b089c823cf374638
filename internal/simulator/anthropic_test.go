package simulator

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The wire structs below mirror Anthropic's recorded responses
// (testdata/provider-recordings/TestAnthropicCommon); tests decode with
// DisallowUnknownFields.

type anthUsage struct {
	InputTokens              int `json:"input_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	CacheCreation            *struct {
		Ephemeral5m int `json:"ephemeral_5m_input_tokens"`
		Ephemeral1h int `json:"ephemeral_1h_input_tokens"`
	} `json:"cache_creation"`
	OutputTokens int    `json:"output_tokens"`
	ServiceTier  string `json:"service_tier"`
	InferenceGeo string `json:"inference_geo"`
}

type anthMessage struct {
	Model   string `json:"model"`
	ID      string `json:"id"`
	Type    string `json:"type"`
	Role    string `json:"role"`
	Content []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
	StopReason   *string   `json:"stop_reason"`
	StopSequence *string   `json:"stop_sequence"`
	Usage        anthUsage `json:"usage"`
}

type anthEvent struct {
	Type         string       `json:"type"`
	Message      *anthMessage `json:"message"`
	Index        *int         `json:"index"`
	ContentBlock *struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content_block"`
	Delta *struct {
		Type         string  `json:"type"`
		Text         string  `json:"text"`
		StopReason   *string `json:"stop_reason"`
		StopSequence *string `json:"stop_sequence"`
	} `json:"delta"`
	Usage *anthUsage `json:"usage"`
}

type anthError struct {
	Type  string `json:"type"`
	Error struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
	RequestID string `json:"request_id"`
}

var anthropicHeaders = map[string]string{"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-anything"}

// anthStream is a decoded Anthropic stream.
type anthStream struct {
	names      []string // event names in order, deltas collapsed to one
	text       string
	stop       string
	input      int
	output     int  // from the last message_delta
	terminated bool // ended by message_stop
}

// decodeAnthropicStream decodes every event strictly and checks that its
// data's type repeats the event's name.
func decodeAnthropicStream(t testing.TB, body []byte) anthStream {
	t.Helper()
	var s anthStream
	var sb strings.Builder
	for _, ev := range parseEvents(t, body, "\n") {
		var e anthEvent
		decodeStrict(t, ev.data, &e)
		if e.Type != ev.name {
			t.Errorf("event %q carries type %q", ev.name, e.Type)
		}
		if n := len(s.names); n == 0 || s.names[n-1] != ev.name || ev.name != "content_block_delta" {
			s.names = append(s.names, ev.name)
		}
		switch ev.name {
		case "message_start":
			s.input = e.Message.Usage.InputTokens
			if e.Message.StopReason != nil {
				t.Errorf("message_start stop_reason = %q, want null", *e.Message.StopReason)
			}
		case "content_block_delta":
			sb.WriteString(e.Delta.Text)
		case "message_delta":
			s.stop = *e.Delta.StopReason
			s.output = e.Usage.OutputTokens
		case "message_stop":
			s.terminated = true
		}
	}
	s.text = sb.String()
	return s
}

func TestAnthropicMatchesRecording(t *testing.T) {
	t.Parallel()
	rec := loadRecording(t, "TestAnthropicCommon/claude-sonnet-4/simple.yaml")
	ts := startServer(t, Config{Seed: 41})
	resp, body := ts.send(t, http.MethodPost, "/v1/messages", rec.Interactions[0].Request.Body, anthropicHeaders)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	recorded := rec.Interactions[0].Response
	if diff := cmp.Diff(skeleton(t, []byte(recorded.Body)), skeleton(t, body)); diff != "" {
		t.Errorf("layout differs from Anthropic's (-recorded +simulated):\n%s", diff)
	}
	if got, want := resp.Header.Get("Content-Type"), recorded.Headers["Content-Type"][0]; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	var want, got anthMessage
	decodeStrict(t, []byte(recorded.Body), &want)
	decodeStrict(t, body, &got)
	if !strings.HasPrefix(got.ID, "msg_01") || len(got.ID) != len(want.ID) {
		t.Errorf("id = %q, want msg_01 and %d characters like %q", got.ID, len(want.ID), want.ID)
	}
	fields := []any{got.Model, got.Type, got.Role, got.Content[0].Type, got.Content[0].Text, *got.StopReason, got.StopSequence}
	if diff := cmp.Diff([]any{"claude-sonnet-4-20250514", "message", "assistant", "text", "Say hi in Portuguese", "end_turn", (*string)(nil)}, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	// System and user message, each with its overhead, plus the reply's.
	if u := got.Usage; u.InputTokens != 7+5+3+3+3 || u.OutputTokens != 5 {
		t.Errorf("usage %+v, want 21 in and 5 out", u)
	}
	if id := resp.Header.Get("Request-Id"); !regexp.MustCompile(`^req_011C[A-Za-z0-9]{20}$`).MatchString(id) {
		t.Errorf("request-id %q", id)
	}
	if resp.Header.Get("Anthropic-Ratelimit-Requests-Remaining") == "" {
		t.Error("no anthropic-ratelimit-* headers")
	}
	if _, err := time.Parse(time.RFC3339, resp.Header.Get("Anthropic-Ratelimit-Tokens-Reset")); err != nil {
		t.Errorf("tokens reset: %v", err)
	}
}

func TestAnthropicStreamMatchesRecording(t *testing.T) {
	t.Parallel()
	rec := loadRecording(t, "TestAnthropicCommon/claude-sonnet-4/simple_streaming.yaml")
	ts := startServer(t, Config{Seed: 42})
	resp, body := ts.send(t, http.MethodPost, "/v1/messages", rec.Interactions[0].Request.Body, anthropicHeaders)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	recorded := rec.Interactions[0].Response
	if got, want := resp.Header.Get("Content-Type"), recorded.Headers["Content-Type"][0]; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	// Each kind of event has the recorded layout.
	layouts := map[string]string{}
	for _, ev := range parseEvents(t, []byte(recorded.Body), "\n") {
		layouts[ev.name] = skeleton(t, ev.data)
	}
	for _, ev := range parseEvents(t, body, "\n") {
		if diff := cmp.Diff(layouts[ev.name], skeleton(t, ev.data)); diff != "" {
			t.Errorf("event %s differs from Anthropic's (-recorded +simulated):\n%s", ev.name, diff)
		}
	}
	want := decodeAnthropicStream(t, []byte(recorded.Body))
	got := decodeAnthropicStream(t, body)
	wantNames := []string{"message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop", "message_delta", "message_stop"}
	if diff := cmp.Diff(wantNames, got.names); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.names, wantNames); diff != "" {
		t.Errorf("recording's events (-want +recorded):\n%s", diff)
	}
	if got.text != "Say hi in Portuguese" || got.stop != "end_turn" || !got.terminated || got.input != 21 || got.output != 5 {
		t.Errorf("stream %+v", got)
	}
}

func TestAnthropicMaxTokens(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 43})
	for _, stream := range []bool{false, true} {
		body := `{"model":"claude-x","max_tokens":3,"stream":` + map[bool]string{false: "false", true: "true"}[stream] +
			`,"messages":[{"role":"user","content":"one two three four five"}]}`
		resp, b := ts.send(t, http.MethodPost, "/v1/messages", body, anthropicHeaders)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		var text, stop string
		var out int
		if stream {
			s := decodeAnthropicStream(t, b)
			text, stop, out = s.text, s.stop, s.output
		} else {
			var m anthMessage
			decodeStrict(t, b, &m)
			text, stop, out = m.Content[0].Text, *m.StopReason, m.Usage.OutputTokens
		}
		if text != "one two three" || stop != "max_tokens" || out != 3 {
			t.Errorf("stream=%v: %q %s %d, want the first 3 tokens and max_tokens", stream, text, stop, out)
		}
	}
}

func TestAnthropicBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 44})
	good := `{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`
	type test struct {
		name    string
		version string // "" sends none
		body    string
		status  int
		typ     string
		message string
	}
	tests := []test{
		{"no version", "", good, 400, "invalid_request_error", "anthropic-version: header is required"},
		{"not a date", "2023-6-1", good, 400, "invalid_request_error", `anthropic-version: "2023-6-1" is not a valid version`},
		{"no such day", "2026-02-30", good, 400, "invalid_request_error", `anthropic-version: "2026-02-30" is not a valid version`},
		{"a word", "latest", good, 400, "invalid_request_error", `anthropic-version: "latest" is not a valid version`},
		{"not json", "2023-06-01", `{"model":`, 400, "invalid_request_error", "The request body is not valid JSON: unexpected end of JSON input"},
		{"no model", "2023-06-01", `{"max_tokens":10,"messages":[]}`, 400, "invalid_request_error", "model: Field required"},
		{"no max_tokens", "2023-06-01", `{"model":"m","messages":[]}`, 400, "invalid_request_error", "max_tokens: Field required"},
		{"no messages", "2023-06-01", `{"model":"m","max_tokens":1}`, 400, "invalid_request_error", "messages: Field required"},
		{"zero max_tokens", "2023-06-01", `{"model":"m","max_tokens":0,"messages":[]}`, 400, "invalid_request_error",
			"max_tokens: Input should be greater than or equal to 1"},
		{"empty messages", "2023-06-01", `{"model":"m","max_tokens":1,"messages":[]}`, 400, "invalid_request_error", "messages: at least one message is required"},
		{"system role", "2023-06-01", `{"model":"m","max_tokens":1,"messages":[{"role":"system","content":"x"}]}`, 400, "invalid_request_error",
			"messages.0.role: Input should be 'user' or 'assistant'"},
		{"wrong type", "2023-06-01", `{"model":"m","max_tokens":"ten","messages":[]}`, 400, "invalid_request_error",
			"max_tokens: Input should be a valid integer"},
	}
	t.Cleanup(func() { // after the parallel subtests
		if got := ts.sim.Stats().Errors.BadRequest; got != uint64(len(tests)) {
			t.Errorf("bad requests = %d, want %d", got, len(tests))
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hdr := map[string]string{}
			if tt.version != "" {
				hdr["anthropic-version"] = tt.version
			}
			resp, body := ts.send(t, http.MethodPost, "/v1/messages", tt.body, hdr)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			var e anthError
			decodeStrict(t, body, &e)
			if e.Type != "error" || e.Error.Type != tt.typ || e.Error.Message != tt.message || e.RequestID != resp.Header.Get("Request-Id") {
				t.Errorf("error %+v, want type %s message %q and the request-id header", e, tt.typ, tt.message)
			}
		})
	}
}

func TestAnthropicModels(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Model: "sim-model", Seed: 45})
	resp, body := ts.send(t, http.MethodGet, "/v1/models", "", anthropicHeaders)
	var list struct {
		Data []struct {
			Type        string `json:"type"`
			ID          string `json:"id"`
			DisplayName string `json:"display_name"`
			CreatedAt   string `json:"created_at"`
		} `json:"data"`
		HasMore bool   `json:"has_more"`
		FirstID string `json:"first_id"`
		LastID  string `json:"last_id"`
	}
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	decodeStrict(t, body, &list)
	if len(list.Data) != 1 || list.Data[0].ID != "sim-model" || list.Data[0].Type != "model" || list.FirstID != "sim-model" ||
		!strings.Contains(list.Data[0].DisplayName, "simulator") {
		t.Errorf("models %+v", list)
	}
	if _, err := time.Parse(time.RFC3339, list.Data[0].CreatedAt); err != nil {
		t.Error(err)
	}
	_, body = ts.send(t, http.MethodGet, "/v1/models/claude-x", "", anthropicHeaders)
	var one map[string]any
	if err := json.Unmarshal(body, &one); err != nil || one["id"] != "claude-x" || one["type"] != "model" {
		t.Errorf("one model: %s (%v)", body, err)
	}
	// Without Anthropic's headers the list is OpenAI's.
	_, body = ts.send(t, http.MethodGet, "/v1/models", "", nil)
	if !strings.Contains(string(body), `"object":"list"`) {
		t.Errorf("OpenAI list: %s", body)
	}
	resp, body = ts.send(t, http.MethodGet, "/v1/messages", "", anthropicHeaders)
	var e anthError
	decodeStrict(t, body, &e)
	if resp.StatusCode != 405 || e.Error.Type != "invalid_request_error" {
		t.Errorf("GET /v1/messages = %d %s", resp.StatusCode, body)
	}
}

func TestAnthropicCountTokens(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 46})
	msg := `{"model":"claude-x","max_tokens":50,"system":"Be brief.","messages":[{"role":"user","content":"How many tokens are in this question?"}]}`
	resp, body := ts.send(t, http.MethodPost, "/v1/messages", msg, anthropicHeaders)
	if resp.StatusCode != 200 {
		t.Fatalf("messages: %d %s", resp.StatusCode, body)
	}
	var m struct {
		Usage struct {
			InputTokens int `json:"input_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(body, &m); err != nil || m.Usage.InputTokens == 0 {
		t.Fatalf("usage: %s (%v)", body, err)
	}
	count := `{"model":"claude-x","system":"Be brief.","messages":[{"role":"user","content":"How many tokens are in this question?"}]}`
	newer := map[string]string{"anthropic-version": "2026-10-21", "x-api-key": "k"}
	resp, body = ts.send(t, http.MethodPost, "/v1/messages/count_tokens", count, newer)
	if resp.StatusCode != 200 || resp.Header.Get("Request-Id") == "" {
		t.Fatalf("count_tokens: %d %s", resp.StatusCode, body)
	}
	var c struct {
		InputTokens int `json:"input_tokens"`
	}
	decodeStrict(t, body, &c)
	if c.InputTokens != m.Usage.InputTokens {
		t.Errorf("count_tokens = %d, messages usage = %d", c.InputTokens, m.Usage.InputTokens)
	}
	for _, tt := range []struct {
		name, body string
		hdr        map[string]string
		message    string
	}{
		{"no version", count, nil, "anthropic-version: header is required"},
		{"no model", `{"messages":[{"role":"user","content":"x"}]}`, newer, "model: Field required"},
		{"no messages", `{"model":"m"}`, newer, "messages: Field required"},
	} {
		resp, body := ts.send(t, http.MethodPost, "/v1/messages/count_tokens", tt.body, tt.hdr)
		var e anthError
		decodeStrict(t, body, &e)
		if resp.StatusCode != 400 || e.Error.Message != tt.message {
			t.Errorf("%s: %d %s", tt.name, resp.StatusCode, body)
		}
	}
}

func TestAnthropicNewerVersion(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 47})
	hdr := map[string]string{"anthropic-version": "2026-10-21"}
	resp, body := ts.send(t, http.MethodPost, "/v1/messages", `{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`, hdr)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"type":"message"`) {
		t.Errorf("newer version: %d %s", resp.StatusCode, body)
	}
}

// TestAnthropicUnknownRoute checks that a route under /v1/messages the
// simulator lacks answers 404 in Anthropic's shape.
func TestAnthropicUnknownRoute(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 48})
	resp, body := ts.send(t, http.MethodPost, "/v1/messages/batches", `{}`, anthropicHeaders)
	var e anthError
	decodeStrict(t, body, &e)
	if resp.StatusCode != 404 || e.Type != "error" || e.Error.Type != "not_found_error" || e.RequestID == "" {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}
