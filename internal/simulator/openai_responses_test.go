package simulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wireResponse is the part of a Responses API response object the tests read.
type wireResponse struct {
	ID                string  `json:"id"`
	Object            string  `json:"object"`
	Status            string  `json:"status"`
	Model             string  `json:"model"`
	Instructions      *string `json:"instructions"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Output []struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Role    string `json:"role"`
		Status  string `json:"status"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	} `json:"output"`
	Usage *struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
}

// text is the output_text of the response's messages, as the SDKs'
// output_text helper joins it.
func (r *wireResponse) text() string {
	var sb strings.Builder
	for _, o := range r.Output {
		for _, c := range o.Content {
			if o.Type == "message" && c.Type == "output_text" {
				sb.WriteString(c.Text)
			}
		}
	}
	return sb.String()
}

// responsesEvent is one event of a Responses API stream.
type responsesEvent struct {
	name string
	data map[string]json.RawMessage
}

// parseResponsesStream splits a stream into its events, checking that each
// names its type twice and that sequence numbers count up from 0.
func parseResponsesStream(t testing.TB, body []byte) []responsesEvent {
	t.Helper()
	var evs []responsesEvent
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	var name string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			var data map[string]json.RawMessage
			if err := json.Unmarshal([]byte(line[len("data: "):]), &data); err != nil {
				t.Fatalf("event %s: %v", name, err)
			}
			var typ string
			var seq int
			_ = json.Unmarshal(data["type"], &typ)
			_ = json.Unmarshal(data["sequence_number"], &seq)
			if typ != name || seq != len(evs) {
				t.Fatalf("event %q has type %q and sequence_number %d, want %d", name, typ, seq, len(evs))
			}
			evs = append(evs, responsesEvent{name, data})
		case line == "":
		default:
			t.Fatalf("unexpected line %q", line)
		}
	}
	return evs
}

func TestResponsesAnswer(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 140})
	for _, tt := range []struct {
		name, body   string
		text, status string
	}{
		{"string input", `{"model":"gpt-5-mini","input":"Say hi in Portuguese, please!"}`, "Say hi in Portuguese, please!", "completed"},
		{"item list", `{"model":"gpt-5-mini","instructions":"Be brief.","input":[{"role":"user","content":[{"type":"input_text","text":"first"}]},` +
			`{"role":"assistant","content":"ok"},{"type":"message","role":"user","content":"second question"}]}`, "second question", "completed"},
		{"cut", `{"model":"gpt-5-mini","input":"` + strings.Repeat("word ", 40) + `","max_output_tokens":16}`,
			strings.TrimSuffix(strings.Repeat("word ", 16), " "), "incomplete"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.send(t, http.MethodPost, "/v1/responses", tt.body, nil)
			if resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") == "" || resp.Header.Get("X-Ratelimit-Remaining-Requests") == "" {
				t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, body)
			}
			var r wireResponse
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatal(err)
			}
			if r.Object != "response" || !strings.HasPrefix(r.ID, "resp_") || r.Status != tt.status || r.Model != "gpt-5-mini-2025-08-07" ||
				len(r.Output) != 1 || r.Output[0].Role != "assistant" || r.text() != tt.text {
				t.Errorf("response %s", body)
			}
			if r.Usage == nil || r.Usage.InputTokens == 0 || r.Usage.OutputTokens != countTokens(tt.text) ||
				r.Usage.TotalTokens != r.Usage.InputTokens+r.Usage.OutputTokens {
				t.Errorf("usage %+v", r.Usage)
			}
			if (tt.status == "incomplete") != (r.IncompleteDetails != nil && r.IncompleteDetails.Reason == "max_output_tokens") {
				t.Errorf("incomplete_details %+v", r.IncompleteDetails)
			}
		})
	}
}

func TestResponsesStream(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 141})
	const prompt = "one two three"
	resp, body := ts.send(t, http.MethodPost, "/v1/responses", `{"model":"gpt-5-mini","input":"`+prompt+`","stream":true}`, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	evs := parseResponsesStream(t, body)
	var names []string
	var text strings.Builder
	for _, e := range evs {
		names = append(names, e.name)
		if e.name == "response.output_text.delta" {
			var d string
			_ = json.Unmarshal(e.data["delta"], &d)
			text.WriteString(d)
		}
	}
	want := []string{"response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
		"response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
		"response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if text.String() != prompt {
		t.Errorf("deltas %q, want %q", text.String(), prompt)
	}
	var final wireResponse
	if err := json.Unmarshal(evs[len(evs)-1].data["response"], &final); err != nil {
		t.Fatal(err)
	}
	if final.Status != "completed" || final.text() != prompt || final.Usage == nil || final.Usage.OutputTokens != 3 {
		t.Errorf("final response %+v", final)
	}
	var first wireResponse
	if err := json.Unmarshal(evs[0].data["response"], &first); err != nil || first.Status != "in_progress" || first.Usage != nil || first.ID != final.ID {
		t.Errorf("created response %+v (%v)", first, err)
	}
}

func TestResponsesBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 142})
	for _, tt := range []struct{ name, body, param, code string }{
		{"no model", `{"input":"hi"}`, "model", "missing_required_parameter"},
		{"no input", `{"model":"m"}`, "input", "missing_required_parameter"},
		{"small max_output_tokens", `{"model":"m","input":"hi","max_output_tokens":15}`, "max_output_tokens", "integer_below_min_value"},
		{"input of wrong type", `{"model":"m","input":5}`, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ts.send(t, http.MethodPost, "/v1/responses", tt.body, nil)
			var e struct {
				Error struct {
					Type  string  `json:"type"`
					Param *string `json:"param"`
					Code  *string `json:"code"`
				} `json:"error"`
			}
			if err := json.Unmarshal(body, &e); err != nil || resp.StatusCode != 400 || e.Error.Type != "invalid_request_error" {
				t.Fatalf("%d %s (%v)", resp.StatusCode, body, err)
			}
			if tt.param != "" && (e.Error.Param == nil || *e.Error.Param != tt.param || e.Error.Code == nil || *e.Error.Code != tt.code) {
				t.Errorf("error %s, want param %s code %s", body, tt.param, tt.code)
			}
		})
	}
}

// FuzzParseResponsesRequest checks that any body is either refused with
// OpenAI's 400 or yields a request with a model and an input.
func FuzzParseResponsesRequest(f *testing.F) {
	for _, s := range []string{`{"model":"m","input":"hi"}`, `{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"x"}]}]}`,
		`{"model":"m","input":[{"type":"function_call_output","call_id":"c","output":"x"}],"max_output_tokens":16,"stream":true}`,
		`{"model":"m","input":null}`, `{"input":[{"role":"user","content":5}]}`, `[]`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, e := parseResponsesRequest(body)
		if e != nil {
			if e.status != 400 || e.message == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if req.Model == "" || !req.Input.set || req.MaxOutputTokens != nil && *req.MaxOutputTokens < minMaxOutputTokens {
			t.Fatalf("accepted %q as %+v", body, req)
		}
		_ = req.prompt()
	})
}

// TestOpenAIHeadersOnErrors checks that OpenAI's errors, a refused
// request, a fault and an unknown route alike, carry x-request-id and the
// x-ratelimit-* headers, as every OpenAI answer does.
func TestOpenAIHeadersOnErrors(t *testing.T) {
	t.Parallel()
	ok := startServer(t, Config{Seed: 143})
	limited := startServer(t, Config{Seed: 144, Errors: ErrorRates{RateLimit: 1}})
	for _, tt := range []struct {
		name       string
		ts         *testServer
		path, body string
		status     int
		remaining  string
	}{
		{"bad chat", ok, "/v1/chat/completions", `{"model":"m"}`, 400, "9999"},
		{"bad responses", ok, "/v1/responses", `{"input":"x"}`, 400, "9999"},
		{"bad embeddings", ok, "/v1/embeddings", `{"model":"m","input":""}`, 400, "9999"},
		{"unknown route", ok, "/v1/nothing", `{}`, 404, "9999"},
		{"rate limit", limited, "/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"x"}]}`, 429, "0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := tt.ts.send(t, http.MethodPost, tt.path, tt.body, nil)
			h := resp.Header
			if resp.StatusCode != tt.status || !strings.HasPrefix(h.Get("X-Request-Id"), "req_") || len(h.Get("X-Request-Id")) != len("req_")+32 {
				t.Fatalf("%d %v %s", resp.StatusCode, h, body)
			}
			for _, k := range []string{"Limit-Requests", "Limit-Tokens", "Remaining-Tokens", "Reset-Requests", "Reset-Tokens"} {
				if h.Get("X-Ratelimit-"+k) == "" {
					t.Errorf("no x-ratelimit-%s", k)
				}
			}
			if got := h.Get("X-Ratelimit-Remaining-Requests"); got != tt.remaining {
				t.Errorf("x-ratelimit-remaining-requests %q, want %q", got, tt.remaining)
			}
		})
	}
}
