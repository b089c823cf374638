package httpjson

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

const testKey = "sk-test-abcdef0123456789"

var hello = []bench.Message{{Role: bench.RoleSystem, Content: "You are a helpful assistant"}, {Role: bench.RoleUser, Content: "Say hi in Portuguese"}}

func discard(provider.Chunk) error { return nil }

// openAIOptions read an OpenAI chat completion.
func openAIOptions() map[string]any {
	return map[string]any{
		"url":                    "/v1/chat/completions",
		"body":                   `{"model":"{{model}}","messages":"{{messages}}","max_tokens":"{{max_tokens}}"}`,
		"text_path":              "$.choices[0].message.content",
		"prompt_tokens_path":     "$.usage.prompt_tokens",
		"completion_tokens_path": "$.usage.completion_tokens",
		"finish_reason_path":     "$.choices[0].finish_reason",
		"error_path":             "$.error",
	}
}

func newClient(t testing.TB, base, model string, opts map[string]any) *Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: model, BaseURL: base, APIKey: testKey, Options: opts})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// jsonEqual compares two JSON texts as values.
func jsonEqual(t *testing.T, want, got string) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got JSON %q: %v", got, err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

// TestGenerateRecorded drives three real vendors' recorded exchanges
// through the generic provider, configured for each wire: the body it
// sends must be the recorded request, and it must read exactly the
// recorded text, usage and finish reason.
func TestGenerateRecorded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		model     string
		opts      map[string]any
		wantPath  string
		wantAuth  [2]string
		wantText  string
		wantUsage bench.Usage
		wantRaw   string
	}{
		{
			file: "TestOpenAICommon/openai-gpt-4o-mini/simple.yaml", model: "gpt-4o-mini", opts: openAIOptions(),
			wantPath: "/v1/chat/completions", wantAuth: [2]string{"Authorization", "Bearer " + testKey},
			wantText: "Olá!", wantUsage: bench.Usage{Prompt: 20, Completion: 2, Total: 22}, wantRaw: "stop",
		},
		{
			file: "TestAnthropicCommon/claude-sonnet-4/simple.yaml", model: "claude-sonnet-4-20250514",
			opts: map[string]any{
				"url":                    "/v1/messages",
				"api_key_header":         "x-api-key",
				"headers":                map[string]any{"anthropic-version": "2023-06-01"},
				"body":                   map[string]any{"model": "{{model}}", "max_tokens": "{{max_tokens}}", "system": []any{map[string]any{"type": "text", "text": "{{system}}"}}, "messages": []any{map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "{{prompt}}"}}}}},
				"text_path":              "$.content[?@.type=='text'].text",
				"prompt_tokens_path":     "$.usage.input_tokens",
				"completion_tokens_path": "$.usage.output_tokens",
				"finish_reason_path":     "$.stop_reason",
				"error_path":             "$.error",
			},
			wantPath: "/v1/messages", wantAuth: [2]string{"X-Api-Key", testKey},
			wantText:  "Olá! \n\n(That's \"hello\" in Portuguese. You could also say \"Oi!\" for a more casual \"hi!\")",
			wantUsage: bench.Usage{Prompt: 16, Completion: 34, Total: 50}, wantRaw: "end_turn",
		},
		{
			file: "TestGoogleCommon/gemini-2.5-flash/simple.yaml", model: "gemini-2.5-flash",
			opts: map[string]any{
				"url":                    "/v1beta/models/{{model}}:generateContent",
				"api_key_header":         "x-goog-api-key",
				"body":                   `{"contents":[{"parts":[{"text":"{{prompt}}"}],"role":"user"}],"generationConfig":{"maxOutputTokens":"{{max_tokens}}"},"systemInstruction":{"parts":[{"text":"{{system}}"}],"role":"user"}}`,
				"text_path":              "$.candidates[0].content.parts[*].text",
				"prompt_tokens_path":     "$.usageMetadata.promptTokenCount",
				"completion_tokens_path": "$.usageMetadata.candidatesTokenCount",
				"finish_reason_path":     "$.candidates[0].finishReason",
			},
			wantPath: "/v1beta/models/gemini-2.5-flash:generateContent", wantAuth: [2]string{"X-Goog-Api-Key", testKey},
			wantText: "Olá!", wantUsage: bench.Usage{Prompt: 11, Completion: 2, Total: 13}, wantRaw: "STOP",
		},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(tt.file+map[bool]string{false: "", true: "/stream requested"}[stream], func(t *testing.T) {
				t.Parallel()
				cas := replay.Load(t, tt.file)
				srv := replay.ServeCassette(t, cas)
				c := newClient(t, srv.URL, tt.model, tt.opts)
				resp, chunks := providertest.GenerateChunks(t, c, provider.Request{Messages: hello, Stream: stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}})
				want := provider.Response{Text: tt.wantText, Model: tt.model, Usage: tt.wantUsage, FinishReason: provider.FinishStop, RawFinishReason: tt.wantRaw}
				if diff := cmp.Diff(want, resp); diff != "" {
					t.Errorf("response (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]string{tt.wantText}, chunks); diff != "" {
					t.Errorf("chunks (-want +got):\n%s", diff)
				}
				got := srv.Last(t)
				if got.Method != "POST" || got.Path != tt.wantPath {
					t.Errorf("request %s %s, want POST %s", got.Method, got.Path, tt.wantPath)
				}
				if v := got.Header.Get(tt.wantAuth[0]); v != tt.wantAuth[1] {
					t.Errorf("header %s = %q, want %q", tt.wantAuth[0], v, tt.wantAuth[1])
				}
				if ct := got.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q", ct)
				}
				jsonEqual(t, cas.Interactions[0].Request.Body, string(got.Body))
			})
		}
	}
}

func TestGenerateCustomHeadersAndExtra(t *testing.T) {
	t.Parallel()
	srv := replay.ServeCassette(t, replay.Load(t, "TestOpenAICommon/openai-gpt-4o-mini/simple.yaml"))
	opts := openAIOptions()
	opts["headers"] = map[string]any{"X-Team": "bench", "X-Override": "option"}
	c, err := New(provider.Config{Vendor: Vendor, Model: "gpt-4o-mini", BaseURL: srv.URL, Options: opts,
		Headers: map[string]string{"X-Override": "config"}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := c.Generate(t.Context(), provider.Request{Messages: hello, Extra: map[string]any{"user": "u1", "model": "other"}}, discard); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	got := srv.Last(t)
	for k, v := range map[string]string{"X-Team": "bench", "X-Override": "config", "Authorization": ""} {
		if g := got.Header.Get(k); g != v {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
	jsonEqual(t, `{"model":"other","user":"u1","messages":[{"role":"system","content":"You are a helpful assistant"},{"role":"user","content":"Say hi in Portuguese"}]}`, string(got.Body))
}

func TestGenerateGET(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{replay.Error(200, `{"answer":{"text":"Olá!"},"usage":{"in":"3","out":2.0}}`)})
	c := newClient(t, "", "tiny/v1", map[string]any{
		"url": srv.URL + "/models/{{model}}/ask?q={{prompt}}&m={{model}}", "method": "get",
		"text_path": "$.answer.text", "prompt_tokens_path": "$.usage.in", "completion_tokens_path": "$.usage.out",
	})
	resp, err := c.Generate(t.Context(), provider.Request{Messages: []bench.Message{{Role: "user", Content: "a b&c=d/é?"}}}, discard)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if resp.Text != "Olá!" || resp.Usage != (bench.Usage{Prompt: 3, Completion: 2, Total: 5}) {
		t.Errorf("response %+v", resp)
	}
	got := srv.Last(t)
	if got.Method != "GET" || len(got.Body) != 0 {
		t.Errorf("request %s with %d body bytes, want GET without a body", got.Method, len(got.Body))
	}
	if got.Path != "/models/tiny/v1/ask" || got.RawQuery != "q=a+b%26c%3Dd%2F%C3%A9%3F&m=tiny%2Fv1" {
		t.Errorf("request %s?%s", got.Path, got.RawQuery)
	}
}

func TestGenerateTextShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, path, want string
	}{
		{"joined strings", `{"parts":[{"text":"Ol"},{"text":"á"},{"x":1},{"text":null}]}`, "$.parts[*].text", "Olá"},
		{"number", `{"v":42.50}`, "$.v", "42.50"},
		{"boolean", `{"v":true}`, "$.v", "true"},
		{"object as JSON", `{"v":{"b":1,"a":[2]}}`, "$.v", `{"a":[2],"b":1}`},
		{"descendant", `{"a":{"b":{"answer":"deep"}}}`, "$..answer", "deep"},
		{"filter", `{"choices":[{"index":1,"text":"no"},{"index":0,"text":"yes"}]}`, "$.choices[?@.index==0].text", "yes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{replay.Error(200, tt.body)})
			c := newClient(t, srv.URL, "m", map[string]any{"body": `{"p":"{{prompt}}"}`, "text_path": tt.path})
			resp, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if resp.Text != tt.want {
				t.Errorf("text %q, want %q", resp.Text, tt.want)
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	// Documented OpenAI error bodies (PROVIDER_FACTS.md §1) and one API
	// that nests its errors where only error_path finds them.
	const (
		badKey    = `{"error":{"message":"Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`
		rate      = `{"error":{"message":"Rate limit reached for gpt-4o in organization org-xxx on tokens per min (TPM): Limit 30000, Used 29500, Requested 1200. Please try again in 1.4s. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}`
		overload  = `{"error":{"message":"The engine is currently overloaded, please try again later","type":"service_unavailable_error","param":null,"code":"server_is_overloaded"}}`
		context   = `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`
		nestedCtx = `{"result":null,"status":{"failure":{"message":"prompt is too long: 210000 tokens > 200000 maximum"}}}`
	)
	nested := map[string]any{"body": `{"p":"{{prompt}}"}`, "text_path": "$.result.text", "error_path": "$.status.failure"}
	tests := []struct {
		name      string
		opts      map[string]any
		resp      replay.Response
		wantKind  provider.Kind
		wantCode  int
		wantRetry time.Duration
		wantIn    []string
	}{
		{"401", openAIOptions(), replay.Error(401, badKey), provider.KindAuth, 401, 0, []string{"Incorrect API key"}},
		{"429 Retry-After", openAIOptions(), replay.Error(429, rate, "Retry-After", "3"), provider.KindRateLimited, 429, 3 * time.Second, []string{"Rate limit reached"}},
		{"429 hint in message", openAIOptions(), replay.Error(429, rate), provider.KindRateLimited, 429, 1400 * time.Millisecond, []string{"TPM"}},
		{"503", openAIOptions(), replay.Error(503, overload), provider.KindOverloaded, 503, 0, []string{"overloaded"}},
		{"context length", openAIOptions(), replay.Error(400, context), provider.KindContextLength, 400, 0, []string{"128000"}},
		{"error_path on a 400", nested, replay.Error(400, nestedCtx), provider.KindContextLength, 400, 0, []string{"prompt is too long"}},
		{"error_path on a 200", nested, replay.Error(200, `{"result":null,"status":{"failure":{"message":"model is loading"}}}`), provider.KindTransient, 200, 0, []string{"error in the response ($.status.failure): model is loading"}},
		{"error_path string on a 200", openAIOptions(), replay.Error(200, `{"error":"Rate limit exceeded: rate_limit"}`), provider.KindRateLimited, 200, 0, []string{"Rate limit exceeded"}},
		{"text path matches nothing", openAIOptions(), replay.Error(200, `{"id":"x","choices":[],"note":"key `+testKey+`"}`), provider.KindBadRequest, 200, 0,
			[]string{"text_path $.choices[0].message.content matched nothing in the response", `{"id":"x","choices":[]`, "[redacted]"}},
		{"token path not a number", openAIOptions(), replay.Error(200, `{"choices":[{"message":{"content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":"many","completion_tokens":1}}`), provider.KindBadRequest, 200, 0,
			[]string{"prompt_tokens_path $.usage.prompt_tokens selected a string, not a token count"}},
		{"finish path matches nothing", openAIOptions(), replay.Error(200, `{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}`), provider.KindBadRequest, 200, 0,
			[]string{"finish_reason_path $.choices[0].finish_reason matched nothing"}},
		{"not JSON", openAIOptions(), replay.Response{Code: 200, Body: "<html>hi</html>"}, provider.KindTransient, 200, 0, []string{"response is not JSON", "<html>hi</html>"}},
		{"html 502", openAIOptions(), replay.Response{Code: 502, Body: "<html>Bad Gateway</html>", Headers: map[string][]string{"Content-Type": {"text/html"}}}, provider.KindTransient, 502, 0, []string{"non-JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			_, err := newClient(t, srv.URL, "gpt-4o", tt.opts).Generate(t.Context(), provider.Request{Messages: hello}, discard)
			pe := provider.AsError(err)
			if pe == nil {
				t.Fatalf("Generate error = %v, want a *provider.Error", err)
			}
			if pe.Kind != tt.wantKind || pe.StatusCode != tt.wantCode || pe.RetryAfter != tt.wantRetry {
				t.Errorf("got kind %s status %d retry %v, want %s %d %v (%v)", pe.Kind, pe.StatusCode, pe.RetryAfter, tt.wantKind, tt.wantCode, tt.wantRetry, err)
			}
			for _, s := range tt.wantIn {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the API key: %q", err)
			}
		})
	}
}

func TestGenerateLongBodyRedactedBeforeCut(t *testing.T) {
	t.Parallel()
	body := `{"pad":"` + strings.Repeat("x", 280) + `","key":"` + testKey + `"}`
	srv := replay.Serve(t, []replay.Response{replay.Error(200, body)})
	_, err := newClient(t, srv.URL, "m", map[string]any{"body": `"{{prompt}}"`, "text_path": "$.text"}).Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if err == nil {
		t.Fatal("Generate succeeded")
	}
	if strings.Contains(err.Error(), testKey[:12]) {
		t.Errorf("error shows part of the key: %q", err)
	}
	if !strings.Contains(err.Error(), "…") {
		t.Errorf("long body not cut: %q", err)
	}
}

func TestGenerateExtraNeedsObject(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{replay.Error(200, `{"text":"x"}`)})
	c := newClient(t, srv.URL, "m", map[string]any{"body": `["{{prompt}}"]`, "text_path": "$.text"})
	_, err := c.Generate(t.Context(), provider.Request{Messages: hello, Extra: map[string]any{"k": 1}}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest || !strings.Contains(err.Error(), "not a JSON object") {
		t.Fatalf("Generate error = %v, want bad_request about the body", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	srv := replay.ServeCassette(t, replay.Load(t, "TestOpenAICommon/openai-gpt-4o-mini/simple.yaml"))
	providertest.EmitStops(t, newClient(t, srv.URL, "gpt-4o-mini", openAIOptions()), provider.Request{Messages: hello, Stream: true})
}

func TestGenerateTimeout(t *testing.T) {
	t.Parallel()
	srv := providertest.StallingServer(t, "", "")
	c, err := New(provider.Config{Vendor: Vendor, Model: "m", BaseURL: srv.URL, Timeout: 50 * time.Millisecond, Options: openAIOptions()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	providertest.CheckError(t, err, provider.KindTimeout, 0, "", testKey)
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	base := func(extra map[string]any) map[string]any {
		o := map[string]any{"url": "https://llm.example.com/generate", "body": `{"p":"{{prompt}}"}`, "text_path": "$.text"}
		for k, v := range extra {
			if v == nil {
				delete(o, k)
			} else {
				o[k] = v
			}
		}
		return o
	}
	tests := []struct {
		name    string
		baseURL string
		opts    map[string]any
		wantIn  string
	}{
		{"unknown option", "", base(map[string]any{"txt_path": "$.x"}), "option txt_path: unknown to the http provider (known: api_key_header, body,"},
		{"no text_path", "", base(map[string]any{"text_path": nil}), "option text_path: required"},
		{"bad text_path", "", base(map[string]any{"text_path": "$.[oops"}), "option text_path:"},
		{"bad error_path", "", base(map[string]any{"error_path": "error"}), "option error_path:"},
		{"path not a string", "", base(map[string]any{"text_path": 3}), "option text_path: want a string"},
		{"no endpoint", "", base(map[string]any{"url": nil}), "no endpoint"},
		{"relative url without base", "", base(map[string]any{"url": "/gen"}), "no base_url"},
		{"url and base_url differ", "https://other.example.com", base(nil), "both set"},
		{"not http", "", base(map[string]any{"url": "ftp://x/y"}), "want an absolute http(s) URL"},
		{"url variable not allowed", "", base(map[string]any{"url": "https://x/{{system}}"}), "only {{model}} and {{prompt}}"},
		{"no body", "", base(map[string]any{"body": nil}), "option body: required for method POST"},
		{"bad template", "", base(map[string]any{"body": `{"p":"{{promt}}"}`}), "option body: at $.p: unknown variable {{promt}}"},
		{"body without the case", "", base(map[string]any{"body": `{"p":"{{system}}"}`}), "uses neither {{prompt}} nor {{messages}}"},
		{"GET with a body", "", base(map[string]any{"method": "GET"}), "sends no body"},
		{"GET without prompt in url", "", base(map[string]any{"method": "GET", "body": nil}), "must carry {{prompt}}"},
		{"bad method", "", base(map[string]any{"method": "TRACE"}), "option method"},
		{"headers not a table", "", base(map[string]any{"headers": "X: y"}), "option headers: want a table"},
		{"header value not a string", "", base(map[string]any{"headers": map[string]any{"X": 1}}), "header X: want a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(provider.Config{Vendor: Vendor, Model: "m", BaseURL: tt.baseURL, Options: tt.opts})
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("New error = %v, want %q", err, tt.wantIn)
			}
		})
	}
}

func TestNewEndpoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, baseURL, url, want string
	}{
		{"base_url only", "https://x.example.com/api/gen", "", "https://x.example.com/api/gen"},
		{"path joined", "https://x.example.com/api/", "/gen", "https://x.example.com/api/gen"},
		{"url only", "", "https://x.example.com/gen", "https://x.example.com/gen"},
		{"same url twice", "https://x.example.com/gen/", "https://x.example.com/gen", "https://x.example.com/gen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := map[string]any{"body": `{"p":"{{prompt}}"}`, "text_path": "$.text"}
			if tt.url != "" {
				opts["url"] = tt.url
			}
			c, err := New(provider.Config{Vendor: Vendor, Model: "m", BaseURL: tt.baseURL, Options: opts})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := c.url.render(&values{}); got != tt.want {
				t.Errorf("endpoint %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMapFinish(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"stop": "stop", "STOP": "stop", "end_turn": "stop", "COMPLETE": "stop", "length": "length", "MAX_TOKENS": "length",
		"tool_use": "tool_calls", "SAFETY": "content_filter", "error": "error", "whatever": "",
	} {
		if got := mapFinish(raw); got != want {
			t.Errorf("mapFinish(%q) = %q, want %q", raw, got, want)
		}
	}
}
