package bedrock

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// TestGenerateInvokeReplay replays the recorded Bedrock InvokeModel calls
// (Anthropic's Messages body, answer and stream; the stream is the binary
// event stream as recorded) and checks the answer and the request against
// the recording: path with the escaped model id, headers, and the body
// field for field.
func TestGenerateInvokeReplay(t *testing.T) {
	t.Parallel()
	for _, file := range replay.Glob(t, "TestBedrockCommon/*/simple*.yaml") {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			cas := replay.Load(t, file)
			rec := cas.Interactions[0].Request
			stream := strings.Contains(file, "streaming")
			srv := replay.ServeCassette(t, cas)
			cp, raw := newCapture(t, cas.Interactions[0].Response)
			var chunks []string
			for _, base := range []string{srv.URL, raw.URL} {
				chunks = nil
				c := newClient(t, base, map[string]any{"api": APIInvoke})
				resp, err := c.Generate(t.Context(), provider.Request{Model: testModel, Messages: hello, Stream: stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}},
					func(ch provider.Chunk) error { chunks = append(chunks, ch.Text); return nil })
				if err != nil {
					t.Fatalf("Generate: %v", err)
				}
				want := provider.Response{Text: helloText, Model: testModel, FinishReason: provider.FinishStop, RawFinishReason: "end_turn", Usage: helloUsage}
				if diff := cmp.Diff(want, resp); diff != "" {
					t.Errorf("response (-want +got):\n%s", diff)
				}
			}
			if got := strings.Join(chunks, ""); got != helloText || (stream && len(chunks) != 4) || (!stream && len(chunks) != 1) {
				t.Errorf("emitted %q, want %q in %s", chunks, helloText, map[bool]string{true: "4 chunks", false: "one chunk"}[stream])
			}

			// The request line as sent, against the recorded URL.
			wantURI := strings.TrimPrefix(rec.URL, "https://bedrock-runtime.us-east-1.amazonaws.com")
			if got := cp.last(t).RequestURI; got != wantURI {
				t.Errorf("request URI = %s, want the recorded %s", got, wantURI)
			}
			got := srv.Last(t)
			head := []string{got.Method, got.Header.Get("Authorization"), got.Header.Get("Content-Type"), got.Header.Get("Accept")}
			if diff := cmp.Diff([]string{rec.Method, "Bearer " + testKey, "application/json", "application/json"}, head); diff != "" {
				t.Errorf("request head (-want +got):\n%s", diff)
			}
			var wantBody, gotBody map[string]any
			if err := json.Unmarshal([]byte(rec.Body), &wantBody); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(got.Body, &gotBody); err != nil {
				t.Fatalf("request body is not JSON: %v", err)
			}
			if diff := cmp.Diff(wantBody, gotBody); diff != "" {
				t.Errorf("request body (-recorded +sent):\n%s", diff)
			}
		})
	}
}

func TestInvokeErrors(t *testing.T) {
	t.Parallel()
	recorded := recordedBody(t, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple_streaming.yaml")
	chunk := func(event string) frame {
		b, _ := json.Marshal(map[string]any{"bytes": []byte(event), "p": "abcdefgh"})
		return ev("chunk", string(b))
	}
	start := chunk(`{"type":"message_start","message":{"model":"claude-haiku-4-5-20251001","id":"msg_bdrk_1","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":16,"output_tokens":1}}}`)
	delta := chunk(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Ol"}}`)
	tests := []struct {
		name     string
		model    string
		resp     replay.Response
		stream   bool
		wantKind provider.Kind
		wantIn   string
	}{
		{"not an anthropic model", novaModel, replay.Response{Body: converseDoc}, false, provider.KindBadRequest, "not an Anthropic model"},
		{"cut before message_stop", testModel, replay.Response{Body: eventStream(t, start, delta)}, true, provider.KindTransient, "no message_stop"},
		{"cut mid-frame", testModel, replay.Response{Body: recorded[:len(recorded)-100]}, true, provider.KindTransient, "stream truncated"},
		{"throttling exception", testModel, replay.Response{Body: eventStream(t, start, delta, frame{"exception", "throttlingException", `{"message":"Too many requests, please wait before trying again."}`})}, true, provider.KindRateLimited, "throttlingException"},
		{"model stream error", testModel, replay.Response{Body: eventStream(t, start, frame{"exception", "modelStreamErrorException", `{"message":"Model stream error","originalStatusCode":529,"originalMessage":"Overloaded"}`})}, true, provider.KindOverloaded, "Overloaded"},
		{"anthropic error event", testModel, replay.Response{Body: eventStream(t, start, chunk(`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))}, true, provider.KindOverloaded, "bedrock"},
		{"chunk not JSON", testModel, replay.Response{Body: eventStream(t, ev("chunk", `{"bytes":`))}, true, provider.KindTransient, "malformed chunk event JSON"},
		{"chunk bytes not JSON", testModel, replay.Response{Body: eventStream(t, chunk(`{"type":`))}, true, provider.KindTransient, "malformed"},
		{"malformed answer", testModel, replay.Response{Body: `{"model":"claude","content":[{"type":"text","text":"Ol`}, false, provider.KindTransient, "bedrock: anthropic: malformed"},
		{"context length", testModel, replay.Error(400, `{"message":"The model returned the following errors: prompt is too long: 208423 tokens > 200000 maximum"}`, "X-Amzn-Errortype", amzType("ValidationException")), true, provider.KindContextLength, "prompt is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			c := newClient(t, srv.URL, map[string]any{"api": APIInvoke})
			_, err := c.Generate(t.Context(), provider.Request{Model: tt.model, Messages: hello, Stream: tt.stream}, discard)
			providertest.CheckError(t, err, tt.wantKind, 0, tt.wantIn, testKey)
		})
	}
}

func TestInvokeBody(t *testing.T) {
	t.Parallel()
	srv := serve(t, "application/json", recordedBody(t, "TestBedrockCommon/bedrock-anthropic-claude-haiku-4-5/simple.yaml"))
	c := newClient(t, srv.URL, map[string]any{"api": APIInvoke})
	img := bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}
	req := provider.Request{Model: testModel, Messages: []bench.Message{{Role: bench.RoleUser, Content: "Describe", Parts: []bench.Part{img}}},
		Sampling: provider.Sampling{Temperature: ptr(0.2), Stop: []string{"END"}}, Extra: map[string]any{"top_k": 5}}
	if _, err := c.Generate(t.Context(), req, discard); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	var body map[string]any
	if err := json.Unmarshal(srv.Last(t).Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"anthropic_version": AnthropicVersion, "max_tokens": float64(4096), "temperature": 0.2, "stop_sequences": []any{"END"}, "top_k": float64(5),
		"messages": []any{map[string]any{"role": "user", "content": []any{
			map[string]any{"type": "text", "text": "Describe"},
			map[string]any{"type": "image", "source": map[string]any{"type": "base64", "media_type": "image/png", "data": img.Base64()}},
		}}},
	}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("invoke body (-want +got):\n%s", diff)
	}
	if p := srv.Last(t).Path; p != "/model/"+testModel+"/invoke" {
		t.Errorf("path = %s", p)
	}

	for _, r := range []provider.Request{
		{Model: testModel, Messages: []bench.Message{{Role: bench.RoleUser, Parts: []bench.Part{{Type: bench.PartImage, MediaType: "image/png", URL: "https://example.com/a.png"}}}}},
		{Model: testModel, Messages: hello, Sampling: provider.Sampling{Seed: ptr(1)}},
	} {
		_, err := c.Generate(t.Context(), r, discard)
		if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest {
			t.Errorf("Generate = %v, want bad_request before the call", err)
		}
	}
}

func TestIsAnthropic(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"anthropic.claude-3-haiku-20240307-v1:0":                                                   true,
		"us.anthropic.claude-haiku-4-5-20251001-v1:0":                                              true,
		"global.anthropic.claude-sonnet-4-5-20250929-v1:0":                                         true,
		"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0":       true,
		"arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.anthropic.claude-opus-4-1-v1": true,
		"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3":              true,
		"amazon.nova-micro-v1:0":                                           false,
		"us.meta.llama3-3-70b-instruct-v1:0":                               false,
		"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0": false,
		"anthropic": true,
	}
	for model, want := range tests {
		if got := isAnthropic(model); got != want {
			t.Errorf("isAnthropic(%q) = %v, want %v", model, got, want)
		}
	}
}

// TestInvokeCacheWrites checks that InvokeModel's Anthropic answers,
// streamed and not, carry the prompt-cache writes and their one-hour part
// (Anthropic's documented usage fields) into the usage.
func TestInvokeCacheWrites(t *testing.T) {
	t.Parallel()
	const usage = `"usage":{"input_tokens":16,"cache_creation_input_tokens":2000,"cache_read_input_tokens":300,` +
		`"cache_creation":{"ephemeral_5m_input_tokens":800,"ephemeral_1h_input_tokens":1200},"output_tokens":`
	chunk := func(event string) frame {
		return ev("chunk", `{"bytes":"`+base64.StdEncoding.EncodeToString([]byte(event))+`","p":"abc"}`)
	}
	tests := []struct {
		name, ct, body string
		stream         bool
	}{
		{"invoke", "application/json", `{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",` +
			`"content":[{"type":"text","text":"Oi"}],"stop_reason":"end_turn",` + usage + `18}}`, false},
		{"invoke stream", eventStreamType, eventStream(t,
			chunk(`{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],`+usage+`1}}}`),
			chunk(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Oi"}}`),
			chunk(`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":18}}`),
			chunk(`{"type":"message_stop"}`)), true},
	}
	want := bench.Usage{Prompt: 2316, Completion: 18, Cached: 300, Total: 2334, CacheWrite: 2000, CacheWrite1h: 1200}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, serve(t, tt.ct, tt.body).URL, map[string]any{"api": APIInvoke})
			resp, err := c.Generate(t.Context(), provider.Request{Model: testModel, Messages: hello, Stream: tt.stream}, discard)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if diff := cmp.Diff(want, resp.Usage); diff != "" {
				t.Errorf("usage (-want +got):\n%s", diff)
			}
		})
	}
}
