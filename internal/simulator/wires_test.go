package simulator

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// wireCase says how the cross-wire tests talk to one wire.
type wireCase struct {
	name string
	// request builds a chat request with one user message; maxTokens < 0
	// sets no limit.
	request func(t testing.TB, prompt string, stream bool, maxTokens int) wireRequest
	// decode decodes an answer strictly; a stream may be cut short.
	decode func(t testing.TB, body []byte, stream bool) wireAnswer
	// decodeError decodes an error body strictly and returns its kind (the
	// error type or status; "" for vendors without one) and message.
	decodeError  func(t testing.TB, body []byte) (kind, message string)
	stop, length string               // the finish reasons of a whole and a cut answer
	faults       map[fault]faultShape // the vendor's shape of each error fault
}

type wireRequest struct {
	method, path string
	hdr          map[string]string
	body         string
}

type wireAnswer struct {
	text, finish       string
	prompt, completion int
	ended              bool // the stream ended with the vendor's terminator (always true when not streamed)
}

// faultShape is what a fault looks like on one wire.
type faultShape struct {
	status int
	kind   string
	hdr    map[string]string               // header values; "*" means present
	check  func(t testing.TB, body []byte) // extra checks of the body, or nil
}

// wireCases are the wires under test; RetryAfter is 2.5s in the fault tests.
var wireCases = []wireCase{openAIWire, anthropicWire, geminiWire, ollamaWire, cohereWire, bedrockConverseWire, bedrockInvokeWire}

func jsonBody(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var openAIWire = wireCase{
	name: "openai",
	request: func(t testing.TB, prompt string, stream bool, maxTokens int) wireRequest {
		extra := map[string]any{"stream": stream, "stream_options": map[string]any{"include_usage": true}}
		if !stream {
			extra = map[string]any{}
		}
		if maxTokens >= 0 {
			extra["max_completion_tokens"] = maxTokens
		}
		return wireRequest{http.MethodPost, "/v1/chat/completions", nil, chatBody(t, prompt, extra)}
	},
	decode: func(t testing.TB, body []byte, stream bool) wireAnswer {
		if stream {
			s := parseSSE(t, body)
			text, finish, usage := streamText(t, s)
			a := wireAnswer{text: text, finish: finish, ended: s.done}
			if usage != nil {
				a.prompt, a.completion = usage.PromptTokens, usage.CompletionTokens
			}
			return a
		}
		var c wireCompletion
		decodeStrict(t, body, &c)
		return wireAnswer{c.Choices[0].Message.Content, c.Choices[0].FinishReason, c.Usage.PromptTokens, c.Usage.CompletionTokens, true}
	},
	decodeError: func(t testing.TB, body []byte) (string, string) {
		var e wireError
		decodeStrict(t, body, &e)
		return e.Error.Type, e.Error.Message
	},
	stop: "stop", length: "length",
	faults: map[fault]faultShape{
		faultRateLimit: {429, "requests", map[string]string{"Retry-After": "3", "Retry-After-Ms": "2500"}, nil},
		faultOverload:  {503, "service_unavailable_error", nil, nil},
		faultServer:    {500, "server_error", nil, nil},
	},
}

var anthropicWire = wireCase{
	name: "anthropic",
	request: func(t testing.TB, prompt string, stream bool, maxTokens int) wireRequest {
		if maxTokens < 0 {
			maxTokens = 4096
		}
		return wireRequest{http.MethodPost, "/v1/messages", anthropicHeaders, jsonBody(t, map[string]any{
			"model": "claude-sonnet-4-20250514", "max_tokens": maxTokens, "stream": stream,
			"messages": []map[string]any{{"role": "user", "content": []map[string]any{{"type": "text", "text": prompt}}}}})}
	},
	decode: func(t testing.TB, body []byte, stream bool) wireAnswer {
		if stream {
			s := decodeAnthropicStream(t, body)
			return wireAnswer{s.text, s.stop, s.input, s.output, s.terminated}
		}
		var m anthMessage
		decodeStrict(t, body, &m)
		return wireAnswer{m.Content[0].Text, *m.StopReason, m.Usage.InputTokens, m.Usage.OutputTokens, true}
	},
	decodeError: func(t testing.TB, body []byte) (string, string) {
		var e anthError
		decodeStrict(t, body, &e)
		if e.Type != "error" || !strings.HasPrefix(e.RequestID, "req_011C") {
			t.Errorf("error envelope %+v", e)
		}
		return e.Error.Type, e.Error.Message
	},
	stop: "end_turn", length: "max_tokens",
	faults: map[fault]faultShape{
		faultRateLimit: {429, "rate_limit_error", map[string]string{"Retry-After": "3", "Anthropic-Ratelimit-Requests-Remaining": "0",
			"Anthropic-Ratelimit-Requests-Reset": "*", "Request-Id": "*"}, nil},
		faultOverload: {529, "overloaded_error", nil, nil},
		faultServer:   {500, "api_error", nil, nil},
	},
}

// post sends a wire's request.
func (w wireCase) post(t testing.TB, ts *testServer, req wireRequest) (reply, []byte) {
	t.Helper()
	return ts.send(t, req.method, req.path, req.body, req.hdr)
}

func TestWiresAnswer(t *testing.T) {
	t.Parallel()
	for _, wc := range wireCases {
		for _, stream := range []bool{false, true} {
			t.Run(wc.name+"/stream="+strconv.FormatBool(stream), func(t *testing.T) {
				t.Parallel()
				ts := startServer(t, Config{Seed: 51})
				const prompt = "Say hi in Portuguese, please!"
				resp, body := wc.post(t, ts, wc.request(t, prompt, stream, -1))
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				got := wc.decode(t, body, stream)
				want := wireAnswer{prompt, wc.stop, got.prompt, countTokens(prompt), true}
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(wireAnswer{})); diff != "" {
					t.Errorf("answer (-want +got):\n%s", diff)
				}
				if got.prompt < countTokens(prompt) {
					t.Errorf("prompt tokens %d, below the prompt's %d", got.prompt, countTokens(prompt))
				}
				if resp.Header.Get("X-Simulator") != "llm-test-bench" {
					t.Error("no X-Simulator header")
				}
				if st := ts.sim.Stats(); st.Requests != 1 || st.Answered != 1 || (st.Streamed == 1) != stream {
					t.Errorf("stats %+v", st)
				}
			})
		}
	}
}

func TestWiresMaxTokens(t *testing.T) {
	t.Parallel()
	for _, wc := range wireCases {
		for _, stream := range []bool{false, true} {
			t.Run(wc.name+"/stream="+strconv.FormatBool(stream), func(t *testing.T) {
				t.Parallel()
				ts := startServer(t, Config{Seed: 52})
				_, body := wc.post(t, ts, wc.request(t, "one two three four five", stream, 2))
				got := wc.decode(t, body, stream)
				if got.text != "one two" || got.finish != wc.length || got.completion != 2 || !got.ended {
					t.Errorf("answer %+v, want 2 tokens cut with %s", got, wc.length)
				}
			})
		}
	}
}

// TestWiresPolicies checks that every wire extracts the prompt for the
// answer policies from its own request format.
func TestWiresPolicies(t *testing.T) {
	t.Parallel()
	policies := []struct {
		name   string
		cfg    Config
		prompt string
		want   string
	}{
		{"echo", Config{}, "echo me", "echo me"},
		{"expected", Config{Policy: PolicyExpected, Answers: map[string]string{"What is 2+2?": "4"}}, " What is 2+2?\n", "4"},
		{"scripted", Config{Policy: PolicyScripted, Script: []Rule{{Match: regexp.MustCompile(`capital of (\w+)`), Answer: "Paris, $1"}}},
			"the capital of France?", "Paris, France"},
		{"scripted default", Config{Policy: PolicyScripted, DefaultAnswer: "no idea"}, "x", "no idea"},
	}
	for _, wc := range wireCases {
		for _, p := range policies {
			for _, stream := range []bool{false, true} {
				t.Run(wc.name+"/"+p.name+"/stream="+strconv.FormatBool(stream), func(t *testing.T) {
					t.Parallel()
					cfg := p.cfg
					cfg.Seed = 53
					ts := startServer(t, cfg)
					_, body := wc.post(t, ts, wc.request(t, p.prompt, stream, -1))
					if got := wc.decode(t, body, stream); got.text != p.want || got.completion != countTokens(p.want) {
						t.Errorf("answer %+v, want %q", got, p.want)
					}
				})
			}
		}
	}
}

func TestWiresErrorFaults(t *testing.T) {
	t.Parallel()
	for _, wc := range wireCases {
		for f, shape := range wc.faults {
			for _, stream := range []bool{false, true} {
				t.Run(wc.name+"/"+strconv.Itoa(shape.status)+"/stream="+strconv.FormatBool(stream), func(t *testing.T) {
					t.Parallel()
					var rates ErrorRates
					switch f {
					case faultRateLimit:
						rates.RateLimit = 1
					case faultOverload:
						rates.Overload = 1
					case faultServer:
						rates.Server = 1
					}
					ts := startServer(t, Config{Errors: rates, RetryAfter: 2500 * time.Millisecond, Seed: 54})
					resp, body := wc.post(t, ts, wc.request(t, "hi", stream, -1))
					if resp.StatusCode != shape.status {
						t.Fatalf("status %d, want %d: %s", resp.StatusCode, shape.status, body)
					}
					kind, msg := wc.decodeError(t, body)
					if kind != shape.kind || msg == "" {
						t.Errorf("error kind %q message %q, want %q and a message", kind, msg, shape.kind)
					}
					for k, v := range shape.hdr {
						if got := resp.Header.Get(k); got == "" || (v != "*" && got != v) {
							t.Errorf("header %s = %q, want %q", k, got, v)
						}
					}
					if shape.check != nil {
						shape.check(t, body)
					}
					st := ts.sim.Stats()
					if n := st.Errors.RateLimit + st.Errors.Overload + st.Errors.Server; n != 1 || st.Answered != 0 {
						t.Errorf("stats %+v", st)
					}
				})
			}
		}
	}
}

func TestWiresTruncate(t *testing.T) {
	t.Parallel()
	const prompt = "one two three four five six seven eight"
	for _, wc := range wireCases {
		for _, stream := range []bool{false, true} {
			t.Run(wc.name+"/stream="+strconv.FormatBool(stream), func(t *testing.T) {
				t.Parallel()
				ts := startServer(t, Config{Errors: ErrorRates{Truncate: 1}, TruncateMode: TruncateClean, Seed: 55})
				resp, body := wc.post(t, ts, wc.request(t, prompt, stream, -1))
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				if !stream {
					if json.Valid(body) || len(body) < 40 {
						t.Errorf("body %q, want the first half of an answer", body)
					}
				} else if got := wc.decode(t, body, stream); got.ended || got.finish != "" || got.text != "one two three four" {
					t.Errorf("truncated stream %+v, want the first half without the end", got)
				}
				if st := ts.sim.Stats(); st.Errors.Truncate != 1 || st.Answered != 0 {
					t.Errorf("stats %+v", st)
				}
			})
		}
	}
}

func TestWiresTimeout(t *testing.T) {
	t.Parallel()
	for _, wc := range wireCases {
		t.Run(wc.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, Config{Errors: ErrorRates{Timeout: 1}, TimeoutHang: 50 * time.Millisecond, Seed: 56})
			req := wc.request(t, "hi", true, -1)
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			r, err := http.NewRequestWithContext(ctx, req.method, strings.TrimSuffix(ts.url, "/v1")+req.path, strings.NewReader(req.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range req.hdr {
				r.Header.Set(k, v)
			}
			start := time.Now()
			resp, err := ts.client.Do(r)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got status %d, want a dropped connection", resp.StatusCode)
			}
			if el := time.Since(start); el < 50*time.Millisecond {
				t.Errorf("dropped after %v, before the hang", el)
			}
		})
	}
}

var geminiWire = wireCase{
	name: "gemini",
	request: func(t testing.TB, prompt string, stream bool, maxTokens int) wireRequest {
		path := "/v1beta/models/gemini-2.5-flash:generateContent"
		if stream {
			path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
		}
		req := map[string]any{"contents": []map[string]any{{"role": "user", "parts": []map[string]any{{"text": prompt}}}},
			"systemInstruction": map[string]any{"parts": []map[string]any{{"text": "You are a helpful assistant"}}}}
		if maxTokens >= 0 {
			req["generationConfig"] = map[string]any{"maxOutputTokens": maxTokens}
		}
		return wireRequest{http.MethodPost, path, map[string]string{"x-goog-api-key": "AIza-anything"}, jsonBody(t, req)}
	},
	decode: func(t testing.TB, body []byte, stream bool) wireAnswer {
		if stream {
			return decodeGeminiStream(t, body, true)
		}
		var r gemResponse
		decodeStrict(t, body, &r)
		text, finish := gemText(&r)
		return wireAnswer{text, finish, r.UsageMetadata.PromptTokenCount, r.UsageMetadata.CandidatesTokenCount, true}
	},
	decodeError: func(t testing.TB, body []byte) (string, string) {
		var e gemError
		decodeStrict(t, body, &e)
		return e.Error.Status, e.Error.Message
	},
	stop: "STOP", length: "MAX_TOKENS",
	faults: map[fault]faultShape{
		faultRateLimit: {429, "RESOURCE_EXHAUSTED", nil, func(t testing.TB, body []byte) {
			var e gemError
			decodeStrict(t, body, &e)
			if n := len(e.Error.Details); n != 2 || e.Error.Details[1]["@type"] != "type.googleapis.com/google.rpc.RetryInfo" ||
				e.Error.Details[1]["retryDelay"] != "2.500s" || e.Error.Code != 429 {
				t.Errorf("rate limit error %+v, want RetryInfo with retryDelay 2.500s", e.Error)
			}
		}},
		faultOverload: {503, "UNAVAILABLE", nil, nil},
		faultServer:   {500, "INTERNAL", nil, nil},
	},
}
