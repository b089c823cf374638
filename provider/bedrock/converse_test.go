package bedrock

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

func TestGenerateConverse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		stream     bool
		ct, body   string
		wantPath   string
		wantAccept string
	}{
		{"converse", false, "application/json", converseDoc, "/model/amazon.nova-micro-v1:0/converse", "application/json"},
		{"converse-stream", true, eventStreamType, eventStream(t, converseStreamFrames()...), "/model/amazon.nova-micro-v1:0/converse-stream", eventStreamType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, tt.ct, tt.body)
			c := newClient(t, srv.URL, nil)
			resp, chunks := providertest.GenerateChunks(t, c, provider.Request{Messages: hello, Stream: tt.stream, Sampling: provider.Sampling{MaxTokens: ptr(4000)}})
			want := provider.Response{Text: helloText, Model: novaModel, FinishReason: provider.FinishStop, RawFinishReason: "end_turn", Usage: helloUsage}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if got := strings.Join(chunks, ""); got != helloText || (tt.stream && len(chunks) != 3) || (!tt.stream && len(chunks) != 1) {
				t.Errorf("emitted %q, want %q in %d chunks", chunks, helloText, map[bool]int{true: 3, false: 1}[tt.stream])
			}
			got := srv.Last(t)
			head := []string{got.Method, got.Path, got.Header.Get("Authorization"), got.Header.Get("Content-Type"), got.Header.Get("Accept")}
			if diff := cmp.Diff([]string{"POST", tt.wantPath, "Bearer " + testKey, "application/json", tt.wantAccept}, head); diff != "" {
				t.Errorf("request head (-want +got):\n%s", diff)
			}
			wantBody := `{"messages":[{"role":"user","content":[{"text":"Say hi in Portuguese"}]}],"system":[{"text":"You are a helpful assistant"}],"inferenceConfig":{"maxTokens":4000}}`
			if string(got.Body) != wantBody {
				t.Errorf("request body\n got %s\nwant %s", got.Body, wantBody)
			}
		})
	}
}

// TestGenerateModelInPath checks the model id is escaped in the request
// line as the AWS SDK and the recordings have it ("%3A" for ":").
func TestGenerateModelInPath(t *testing.T) {
	t.Parallel()
	tests := []struct{ model, want string }{
		{testModel, "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse"},
		{"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0",
			"/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.amazon.nova-pro-v1%3A0/converse"},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			t.Parallel()
			cp, srv := newCapture(t, replay.Response{Body: converseDoc})
			c := newClient(t, srv.URL, nil)
			if _, err := c.Generate(t.Context(), provider.Request{Model: tt.model, Messages: hello}, discard); err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if got := cp.last(t).RequestURI; got != tt.want {
				t.Errorf("request URI = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestConverseBody(t *testing.T) {
	t.Parallel()
	image := providertest.WishImage(t)
	tests := []struct {
		name string
		req  provider.Request
		want string
	}{
		{"sampling", provider.Request{Messages: hello[1:], Sampling: provider.Sampling{
			Temperature: ptr(0.5), TopP: ptr(0.9), MaxTokens: ptr(512), Stop: []string{"END", "\n\n"}}},
			`{"messages":[{"role":"user","content":[{"text":"Say hi in Portuguese"}]}],"inferenceConfig":{"maxTokens":512,"temperature":0.5,"topP":0.9,"stopSequences":["END","\n\n"]}}`},
		{"no sampling, no inferenceConfig", provider.Request{Messages: hello[1:]},
			`{"messages":[{"role":"user","content":[{"text":"Say hi in Portuguese"}]}]}`},
		{"conversation: systems hoisted, same roles merged", provider.Request{Messages: []bench.Message{
			{Role: bench.RoleSystem, Content: "S1"}, {Role: bench.RoleUser, Content: "U1"}, {Role: bench.RoleUser, Content: "U2"},
			{Role: bench.RoleAssistant, Content: "A1"}, {Role: bench.RoleSystem, Content: "S2"}, {Role: bench.RoleUser, Content: "U3"}}},
			`{"messages":[{"role":"user","content":[{"text":"U1"},{"text":"U2"}]},{"role":"assistant","content":[{"text":"A1"}]},{"role":"user","content":[{"text":"U3"}]}],"system":[{"text":"S1"},{"text":"S2"}]}`},
		{"extra merged and wins", provider.Request{Messages: hello[1:], Sampling: provider.Sampling{MaxTokens: ptr(10)},
			Extra: map[string]any{"additionalModelRequestFields": map[string]any{"top_k": 40}, "inferenceConfig": map[string]any{"maxTokens": 20}}},
			`{"additionalModelRequestFields":{"top_k":40},"inferenceConfig":{"maxTokens":20},"messages":[{"role":"user","content":[{"text":"Say hi in Portuguese"}]}]}`},
		{"image after the text", provider.Request{Messages: []bench.Message{
			{Role: bench.RoleUser, Content: "Describe the image briefly in English.", Parts: []bench.Part{image}}}},
			`{"messages":[{"role":"user","content":[{"text":"Describe the image briefly in English."},{"image":{"format":"png","source":{"bytes":"` + image.Base64() + `"}}}]}]}`},
		{"image alone", provider.Request{Messages: []bench.Message{
			{Role: bench.RoleUser, Parts: []bench.Part{{Type: bench.PartImage, MediaType: "image/jpeg", Data: []byte{0xff, 0xd8}}}}}},
			`{"messages":[{"role":"user","content":[{"image":{"format":"jpeg","source":{"bytes":"/9g="}}}]}]}`},
	}
	c := newClient(t, "http://unused.invalid", nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.converseBody(tt.req)
			if err != nil {
				t.Fatalf("converseBody: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("body\n got %s\nwant %s", got, tt.want)
			}
			var v map[string]any
			if err := json.Unmarshal(got, &v); err != nil {
				t.Errorf("body is not JSON: %v", err)
			}
		})
	}
}

func TestConverseBodyRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		req    provider.Request
		wantIn string
	}{
		{"seed", provider.Request{Messages: hello, Sampling: provider.Sampling{Seed: ptr(7)}}, "no seed"},
		{"logprobs", provider.Request{Messages: hello, Sampling: provider.Sampling{Logprobs: true}}, "log probabilities"},
		{"tool role", provider.Request{Messages: []bench.Message{{Role: "tool", Content: "x"}}}, `role "tool"`},
		{"audio", provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: "x",
			Parts: []bench.Part{{Type: bench.PartAudio, MediaType: "audio/wav", Data: []byte("RIFF")}}}}}, "audio audio/wav"},
		{"image in a system message", provider.Request{Messages: []bench.Message{{Role: bench.RoleSystem, Content: "x",
			Parts: []bench.Part{{Type: bench.PartImage, MediaType: "image/png", Data: []byte{1}}}}}}, "system message"},
	}
	srv := serve(t, "application/json", converseDoc)
	c := newClient(t, srv.URL, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			providertest.CheckRejected(t, c, tt.req, tt.wantIn, srv)
		})
	}
}

func TestCheckInput(t *testing.T) {
	t.Parallel()
	c := newClient(t, "http://unused.invalid", nil)
	tests := []struct {
		name string
		part bench.Part
		ok   bool
	}{
		{"png", bench.Part{Type: bench.PartImage, MediaType: "image/png", Data: []byte{1}}, true},
		{"jpeg", bench.Part{Type: bench.PartImage, MediaType: "image/jpeg", Data: []byte{1}}, true},
		{"jpg alias", bench.Part{Type: bench.PartImage, MediaType: "image/jpg", Data: []byte{1}}, true},
		{"gif", bench.Part{Type: bench.PartImage, MediaType: "image/gif", Data: []byte{1}}, true},
		{"webp", bench.Part{Type: bench.PartImage, MediaType: "image/webp", Data: []byte{1}}, true},
		{"bmp", bench.Part{Type: bench.PartImage, MediaType: "image/bmp", Data: []byte{1}}, false},
		{"image by URL", bench.Part{Type: bench.PartImage, MediaType: "image/png", URL: "https://example.com/a.png"}, false},
		{"wav", bench.Part{Type: bench.PartAudio, MediaType: "audio/wav", Data: []byte{1}}, false},
		{"mp3", bench.Part{Type: bench.PartAudio, MediaType: "audio/mpeg", Data: []byte{1}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := c.CheckInput(tt.part)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckInput = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "bedrock does not accept") {
				t.Errorf("error %q does not say what bedrock refuses", err)
			}
		})
	}
	msgs := []bench.Message{{Role: bench.RoleUser, Content: "x", Parts: []bench.Part{{Type: bench.PartAudio, MediaType: "audio/wav", Data: []byte{1}, Name: "clip.wav"}}}}
	if err := provider.CheckInputs(c, msgs); err == nil || !strings.Contains(err.Error(), "clip.wav") {
		t.Errorf("CheckInputs = %v, want an error naming clip.wav", err)
	}
}

func TestFinishReasons(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"end_turn": provider.FinishStop, "stop_sequence": provider.FinishStop, "max_tokens": provider.FinishLength,
		"model_context_window_exceeded": provider.FinishLength, "tool_use": provider.FinishToolCalls,
		"guardrail_intervened": provider.FinishContentFilter, "content_filtered": provider.FinishContentFilter, "something_new": "",
	}
	for raw, want := range tests {
		t.Run(raw, func(t *testing.T) {
			t.Parallel()
			body := strings.Replace(converseDoc, `"end_turn"`, `"`+raw+`"`, 1)
			resp, err := newClient(t, serve(t, "application/json", body).URL, nil).Generate(t.Context(), provider.Request{Messages: hello}, discard)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if resp.FinishReason != want || resp.RawFinishReason != raw {
				t.Errorf("finish = %q (raw %q), want %q (raw %q)", resp.FinishReason, resp.RawFinishReason, want, raw)
			}
		})
	}
}

func TestConverseUsageAndBlocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		stream     bool
		wantText   string
		wantUsage  bench.Usage
	}{
		{"cache read and write count in the prompt", `{"output":{"message":{"role":"assistant","content":[{"text":"Oi"}]}},"stopReason":"end_turn","usage":{"inputTokens":10,"outputTokens":5,"totalTokens":1515,"cacheReadInputTokens":1000,"cacheWriteInputTokens":500}}`,
			false, "Oi", bench.Usage{Prompt: 1510, Cached: 1000, Completion: 5, Total: 1515, CacheWrite: 500}},
		{"cacheDetails splits the writes by lifetime", `{"output":{"message":{"role":"assistant","content":[{"text":"Oi"}]}},"stopReason":"end_turn","usage":{"inputTokens":16,"outputTokens":5,"totalTokens":2521,` +
			`"cacheReadInputTokens":0,"cacheWriteInputTokens":2500,"cacheDetails":[{"inputTokens":2000,"ttl":"1h"},{"inputTokens":500,"ttl":"5m"}]}}`,
			false, "Oi", bench.Usage{Prompt: 2516, Completion: 5, Total: 2521, CacheWrite: 2500, CacheWrite1h: 2000}},
		{"reasoning block is not text", `{"output":{"message":{"role":"assistant","content":[{"reasoningContent":{"reasoningText":{"text":"hmm","signature":"x"}}},{"text":"Olá"},{"text":"!"}]}},"stopReason":"end_turn","usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7}}`,
			false, "Olá!", bench.Usage{Prompt: 3, Completion: 4, Total: 7}},
		{"stream: reasoning and tool deltas are not text", eventStream(t,
			ev("messageStart", `{"role":"assistant"}`),
			ev("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"hmm"}}}`),
			ev("contentBlockDelta", `{"contentBlockIndex":1,"delta":{"text":"Oi"}}`),
			ev("contentBlockStart", `{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"t1","name":"f"}}}`),
			ev("contentBlockDelta", `{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{}"}}}`),
			ev("messageStop", `{"stopReason":"tool_use"}`),
			ev("metadata", `{"usage":{"inputTokens":10,"outputTokens":5,"totalTokens":1515,"cacheReadInputTokens":1000,"cacheWriteInputTokens":500,`+
				`"cacheDetails":[{"inputTokens":500,"ttl":"1h"}]},"metrics":{"latencyMs":1}}`)),
			true, "Oi", bench.Usage{Prompt: 1510, Cached: 1000, Completion: 5, Total: 1515, CacheWrite: 500, CacheWrite1h: 500}},
		{"stream without metadata", eventStream(t, ev("contentBlockDelta", `{"delta":{"text":"Oi"}}`), ev("messageStop", `{"stopReason":"max_tokens"}`)),
			true, "Oi", bench.Usage{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, "application/json", tt.body)
			var emitted strings.Builder
			resp, err := newClient(t, srv.URL, nil).Generate(t.Context(), provider.Request{Messages: hello, Stream: tt.stream},
				func(ch provider.Chunk) error { emitted.WriteString(ch.Text); return nil })
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if resp.Text != tt.wantText || emitted.String() != tt.wantText {
				t.Errorf("text %q, emitted %q, want %q", resp.Text, emitted.String(), tt.wantText)
			}
			if diff := cmp.Diff(tt.wantUsage, resp.Usage); diff != "" {
				t.Errorf("usage (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGenerateEmitError(t *testing.T) {
	t.Parallel()
	srv := serve(t, eventStreamType, eventStream(t, converseStreamFrames()...))
	providertest.EmitStops(t, newClient(t, srv.URL, nil), provider.Request{Messages: hello, Stream: true})
}

func TestGenerateNoModel(t *testing.T) {
	t.Parallel()
	c, err := New(provider.Config{Vendor: Vendor, APIKey: testKey, Options: map[string]any{"region": testRegion}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindBadRequest || !strings.Contains(err.Error(), "no model") {
		t.Fatalf("Generate error = %v, want bad_request no model", err)
	}
}
