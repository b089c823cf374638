package simulator

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// There is no recording of Cohere in the repository; the documented
// exchange below (PROVIDER_FACTS.md §5) stands in for one.
const (
	cohereDocumented = `{"id":"c14c80c3-18eb-4519-9460-6c92edd8cfb4","finish_reason":"COMPLETE",` +
		`"message":{"role":"assistant","content":[{"type":"text","text":"LLMs stand for Large Language Models..."}]},` +
		`"usage":{"billed_units":{"input_tokens":5,"output_tokens":418},"tokens":{"input_tokens":71,"output_tokens":418},"cached_tokens":0}}`
	cohereDocumentedStream = "event: message-start\n" +
		`data: {"id":"586ac33f-9c64-452c-8f8d-e5890e73b6fb","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}` + "\n\n" +
		"event: content-start\n" +
		`data: {"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}` + "\n\n" +
		"event: content-delta\n" +
		`data: {"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hello"}}}}` + "\n\n" +
		"event: content-end\n" +
		`data: {"type":"content-end","index":0}` + "\n\n" +
		"event: message-end\n" +
		`data: {"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":5,"output_tokens":2},"tokens":{"input_tokens":71,"output_tokens":2},"cached_tokens":0}}}` + "\n\n" +
		"data: [DONE]\n\n"
)

// The wire structs below mirror Cohere's documented responses; tests
// decode with DisallowUnknownFields.

type cohereUsage struct {
	BilledUnits struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
	} `json:"billed_units"`
	Tokens struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
	} `json:"tokens"`
	CachedTokens int `json:"cached_tokens"`
}

type cohereResponse struct {
	ID           string `json:"id"`
	FinishReason string `json:"finish_reason"`
	Message      struct {
		Role    string `json:"role"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	} `json:"message"`
	Usage cohereUsage `json:"usage"`
}

type cohereEvent struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Index *int   `json:"index"`
	Delta *struct {
		Message *struct {
			Role      string            `json:"role"`
			Content   json.RawMessage   `json:"content"` // [] in message-start, an object after
			ToolPlan  *string           `json:"tool_plan"`
			ToolCalls []json.RawMessage `json:"tool_calls"`
			Citations []json.RawMessage `json:"citations"`
		} `json:"message"`
		FinishReason string       `json:"finish_reason"`
		Usage        *cohereUsage `json:"usage"`
	} `json:"delta"`
}

type cohereErr struct {
	ID      string `json:"id"`
	Message string `json:"message"`
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// decodeCohereStream decodes a stream strictly: named events whose data
// type repeats the name, then "data: [DONE]".
func decodeCohereStream(t testing.TB, body []byte) (wireAnswer, []string) {
	t.Helper()
	var a wireAnswer
	var names []string
	for _, ev := range parseEvents(t, body, "\n") {
		if ev.name == "" {
			if string(ev.data) != "[DONE]" || a.ended {
				t.Errorf("unnamed event %q", ev.data)
			}
			a.ended = true
			continue
		}
		var e cohereEvent
		decodeStrict(t, ev.data, &e)
		if e.Type != ev.name {
			t.Errorf("event %q carries type %q", ev.name, e.Type)
		}
		if n := len(names); n == 0 || names[n-1] != ev.name || ev.name != "content-delta" {
			names = append(names, ev.name)
		}
		switch ev.name {
		case "message-start":
			if !uuidRE.MatchString(e.ID) {
				t.Errorf("id %q", e.ID)
			}
		case "content-delta":
			var c struct {
				Text string `json:"text"`
			}
			decodeStrict(t, e.Delta.Message.Content, &c)
			a.text += c.Text
		case "message-end":
			a.finish = e.Delta.FinishReason
			a.prompt, a.completion = e.Delta.Usage.Tokens.InputTokens, e.Delta.Usage.Tokens.OutputTokens
		}
	}
	return a, names
}

var cohereWire = wireCase{
	name: "cohere",
	request: func(t testing.TB, prompt string, stream bool, maxTokens int) wireRequest {
		req := map[string]any{"model": "command-a-03-2025", "stream": stream,
			"messages": []map[string]any{{"role": "system", "content": "be brief"}, {"role": "user", "content": prompt}}}
		if maxTokens >= 0 {
			req["max_tokens"] = maxTokens
		}
		return wireRequest{http.MethodPost, "/v2/chat", map[string]string{"Authorization": "Bearer co-anything"}, jsonBody(t, req)}
	},
	decode: func(t testing.TB, body []byte, stream bool) wireAnswer {
		if stream {
			a, _ := decodeCohereStream(t, body)
			return a
		}
		var r cohereResponse
		decodeStrict(t, body, &r)
		return wireAnswer{r.Message.Content[0].Text, r.FinishReason, r.Usage.Tokens.InputTokens, r.Usage.Tokens.OutputTokens, true}
	},
	decodeError: func(t testing.TB, body []byte) (string, string) {
		var e cohereErr
		decodeStrict(t, body, &e)
		if !uuidRE.MatchString(e.ID) {
			t.Errorf("error id %q", e.ID)
		}
		return "", e.Message
	},
	stop: "COMPLETE", length: "MAX_TOKENS",
	faults: map[fault]faultShape{
		faultRateLimit: {429, "", map[string]string{"Retry-After": "3"}, nil},
		faultOverload:  {503, "", nil, nil},
		faultServer:    {500, "", nil, nil},
	},
}

func TestCohereMatchesDocs(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 81})
	body := `{"model":"command-a-03-2025","messages":[{"role":"system","content":"You are a helpful assistant"},` +
		`{"role":"user","content":[{"type":"text","text":"Say hi in Portuguese"}]}]}`
	resp, b := ts.send(t, http.MethodPost, "/v2/chat", body, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	if diff := cmp.Diff(skeleton(t, []byte(cohereDocumented)), skeleton(t, b)); diff != "" {
		t.Errorf("layout differs from Cohere's (-documented +simulated):\n%s", diff)
	}
	var r cohereResponse
	decodeStrict(t, b, &r)
	u := r.Usage
	got := []any{r.Message.Role, r.Message.Content[0].Text, r.FinishReason, u.BilledUnits.InputTokens, u.BilledUnits.OutputTokens, u.Tokens.InputTokens}
	if diff := cmp.Diff([]any{"assistant", "Say hi in Portuguese", "COMPLETE", 5, 5, 21}, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if !uuidRE.MatchString(r.ID) {
		t.Errorf("id %q", r.ID)
	}

	resp, b = ts.send(t, http.MethodPost, "/v2/chat", strings.Replace(body, `{"model"`, `{"stream":true,"model"`, 1), nil)
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	layouts := map[string]string{}
	for _, ev := range parseEvents(t, []byte(cohereDocumentedStream), "\n") {
		if ev.name != "" {
			layouts[ev.name] = skeleton(t, ev.data)
		}
	}
	for _, ev := range parseEvents(t, b, "\n") {
		if ev.name == "" {
			continue
		}
		if diff := cmp.Diff(layouts[ev.name], skeleton(t, ev.data)); diff != "" {
			t.Errorf("event %s differs from Cohere's (-documented +simulated):\n%s", ev.name, diff)
		}
	}
	a, names := decodeCohereStream(t, b)
	_, docNames := decodeCohereStream(t, []byte(cohereDocumentedStream))
	if diff := cmp.Diff(docNames, names); diff != "" {
		t.Errorf("events (-documented +simulated):\n%s", diff)
	}
	if diff := cmp.Diff(wireAnswer{"Say hi in Portuguese", "COMPLETE", 21, 5, true}, a, cmp.AllowUnexported(wireAnswer{})); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}
}

func TestCohereBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 82})
	for _, c := range []struct{ name, method, path, body, want string }{
		{"not json", "POST", "/v2/chat", `{"model":`, "invalid request: unable to parse JSON body: unexpected end of JSON input"},
		{"no model", "POST", "/v2/chat", `{"messages":[{"role":"user","content":"x"}]}`, "invalid request: model is required"},
		{"no messages", "POST", "/v2/chat", `{"model":"m","messages":[]}`, "invalid request: messages must contain at least one message"},
		{"bad role", "POST", "/v2/chat", `{"model":"m","messages":[{"role":"chatbot","content":"x"}]}`,
			"invalid request: message role must be one of 'system', 'user', 'assistant' or 'tool', got 'chatbot'"},
		{"bad max_tokens", "POST", "/v2/chat", `{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}`,
			"invalid request: max_tokens must be greater than 0"},
		{"wrong type", "POST", "/v2/chat", `{"model":"m","stream":"yes","messages":[]}`, "invalid request: field stream must be of type bool"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			resp, b := ts.send(t, c.method, c.path, c.body, nil)
			var e cohereErr
			decodeStrict(t, b, &e)
			if resp.StatusCode != 400 || e.Message != c.want || !uuidRE.MatchString(e.ID) {
				t.Errorf("%d %+v, want 400 %q", resp.StatusCode, e, c.want)
			}
		})
	}
	resp, b := ts.send(t, http.MethodGet, "/v2/chat", "", nil)
	var e cohereErr
	decodeStrict(t, b, &e)
	if resp.StatusCode != 405 {
		t.Errorf("GET /v2/chat = %d %s", resp.StatusCode, b)
	}
}

func TestCohereModels(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Model: "sim-model", Seed: 83})
	type list struct {
		Models []struct {
			Name             string   `json:"name"`
			Endpoints        []string `json:"endpoints"`
			Finetuned        bool     `json:"finetuned"`
			ContextLength    int      `json:"context_length"`
			TokenizerURL     *string  `json:"tokenizer_url"`
			DefaultEndpoints []string `json:"default_endpoints"`
			Features         []string `json:"features"`
		} `json:"models"`
	}
	for _, c := range []struct {
		query string
		hdr   map[string]string
	}{{"?endpoint=chat", nil}, {"?page_size=10", nil}, {"", map[string]string{"X-Fern-SDK-Name": "github.com/cohere-ai/cohere-go/v2"}}} {
		_, b := ts.send(t, http.MethodGet, "/v1/models"+c.query, "", c.hdr)
		var l list
		decodeStrict(t, b, &l)
		if len(l.Models) != 1 || l.Models[0].Name != "sim-model" || l.Models[0].Endpoints[0] != "chat" {
			t.Errorf("%s %v: %s", c.query, c.hdr, b)
		}
	}
}

// TestCohereTraceHeader checks that every answer of Cohere's routes, errors
// and unknown routes included, carries X-Debug-Trace-Id, Cohere's own
// header (it sends no request id).
func TestCohereTraceHeader(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 13})
	trace := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, tt := range []struct{ path, body string }{
		{"/v2/chat", `{"model":"command-a-03-2025","messages":[{"role":"user","content":"hi"}]}`},
		{"/v2/chat", `{"messages":[]}`},
		{"/v2/embed", `{"model":"embed-v4.0","input_type":"search_document","embedding_types":["float"],"texts":["a"]}`},
		{"/v2/nothing", `{}`},
	} {
		resp, body := ts.send(t, http.MethodPost, tt.path, tt.body, nil)
		if !trace.MatchString(resp.Header.Get("X-Debug-Trace-Id")) {
			t.Errorf("%s (%d %s): X-Debug-Trace-Id %q", tt.path, resp.StatusCode, body, resp.Header.Get("X-Debug-Trace-Id"))
		}
	}
}
