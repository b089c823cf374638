package openai

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

// logprobChunks are the recorded gpt-4o-mini stream (PROVIDER_FACTS §1)
// with logprobs as OpenAI documents them for logprobs: true and
// top_logprobs: 2 (choices[].logprobs.content[] with token, logprob, bytes
// and top_logprobs[]), and a second choice that must not count.
var logprobChunks = []string{
	`{"id":"chatcmpl-DuLdOuviL2tiVxMim6HmX4YMnCorK","object":"chat.completion.chunk","created":1782321902,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_bbc23ca3d7","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":{"content":[],"refusal":null},"finish_reason":null}],"usage":null,"obfuscation":"yS7A7FhhV"}`,
	`{"id":"chatcmpl-DuLdOuviL2tiVxMim6HmX4YMnCorK","object":"chat.completion.chunk","created":1782321902,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_bbc23ca3d7","choices":[{"index":0,"delta":{"content":"Olá"},"logprobs":{"content":[{"token":"Olá","logprob":-0.0009,"bytes":[79,108,195,161],"top_logprobs":[{"token":"Olá","logprob":-0.0009,"bytes":[79,108,195,161]},{"token":"Oi","logprob":-7.125,"bytes":[79,105]}]}],"refusal":null},"finish_reason":null}],"usage":null,"obfuscation":"TuWnytCa"}`,
	`{"id":"chatcmpl-DuLdOuviL2tiVxMim6HmX4YMnCorK","object":"chat.completion.chunk","created":1782321902,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_bbc23ca3d7","choices":[{"index":1,"delta":{"content":"Oi"},"logprobs":{"content":[{"token":"Oi","logprob":-7.125,"bytes":[79,105],"top_logprobs":[{"token":"Oi","logprob":-7.125,"bytes":[79,105]}]}],"refusal":null},"finish_reason":null},{"index":0,"delta":{"content":"!"},"logprobs":{"content":[{"token":"!","logprob":-0.5,"bytes":[33],"top_logprobs":[{"token":"!","logprob":-0.5,"bytes":[33]},{"token":".","logprob":-1.25,"bytes":[46]}]}],"refusal":null},"finish_reason":null}],"usage":null,"obfuscation":"D1BuwrjA1C"}`,
	`{"id":"chatcmpl-DuLdOuviL2tiVxMim6HmX4YMnCorK","object":"chat.completion.chunk","created":1782321902,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_bbc23ca3d7","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null,"obfuscation":"cw1RS"}`,
	`{"id":"chatcmpl-DuLdOuviL2tiVxMim6HmX4YMnCorK","object":"chat.completion.chunk","created":1782321902,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_bbc23ca3d7","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"eScNPVmGYP3"}`,
}

// logprobBody is the documented non-streamed answer (PROVIDER_FACTS §1)
// with the same logprobs; a token OpenAI ranks outside the top 20 has
// logprob -9999.
const logprobBody = `{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18",
 "choices":[{"index":0,"message":{"role":"assistant","content":"Olá!","refusal":null,"annotations":[]},
  "logprobs":{"content":[
   {"token":"Olá","logprob":-0.0009,"bytes":[79,108,195,161],"top_logprobs":[{"token":"Olá","logprob":-0.0009,"bytes":[79,108,195,161]},{"token":"Oi","logprob":-7.125,"bytes":[79,105]}]},
   {"token":"!","logprob":-0.5,"bytes":[33],"top_logprobs":[{"token":"!","logprob":-0.5,"bytes":[33]},{"token":".","logprob":-1.25,"bytes":[46]}]}],"refusal":null},
  "finish_reason":"stop"}],
 "usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
 "service_tier":"default","system_fingerprint":"fp_bbc23ca3d7"}`

// logprobStream is logprobChunks as an SSE body.
func logprobStream() string {
	return "data: " + strings.Join(logprobChunks, "\n\ndata: ") + "\n\ndata: [DONE]\n\n"
}

// wantTop is what logprobChunks and logprobBody hold for choice 0.
var wantTop = []provider.TokenLogprobs{
	{Token: "Olá", Logprob: -0.0009, Top: []provider.TokenLogprob{{Token: "Olá", Logprob: -0.0009}, {Token: "Oi", Logprob: -7.125}}},
	{Token: "!", Logprob: -0.5, Top: []provider.TokenLogprob{{Token: "!", Logprob: -0.5}, {Token: ".", Logprob: -1.25}}},
}

func TestLogprobsRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		d        Dialect
		opts     map[string]any
		sampling provider.Sampling
		want     map[string]any // the logprobs and top_logprobs members sent
	}{
		{"top logprobs imply logprobs", Dialect{}, nil, provider.Sampling{TopLogprobs: 5}, map[string]any{"logprobs": true, "top_logprobs": float64(5)}},
		{"sampling wins over the option", Dialect{}, map[string]any{"top_logprobs": 3}, provider.Sampling{Logprobs: true, TopLogprobs: 20}, map[string]any{"logprobs": true, "top_logprobs": float64(20)}},
		{"option when sampling names no count", Dialect{}, map[string]any{"top_logprobs": 3}, provider.Sampling{Logprobs: true}, map[string]any{"logprobs": true, "top_logprobs": float64(3)}},
		{"logprobs alone", Dialect{}, nil, provider.Sampling{Logprobs: true}, map[string]any{"logprobs": true}},
		{"more than OpenAI returns is capped", Dialect{}, nil, provider.Sampling{TopLogprobs: 25}, map[string]any{"logprobs": true, "top_logprobs": float64(20)}},
		{"nothing asked", Dialect{}, map[string]any{"top_logprobs": 3}, provider.Sampling{}, map[string]any{}},
		{"dialect without logprobs", Dialect{NoLogprobs: true}, nil, provider.Sampling{Logprobs: true, TopLogprobs: 5}, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewCompatible(provider.Config{Model: "gpt-4o-mini", Options: tt.opts}, tt.d)
			if err != nil {
				t.Fatalf("NewCompatible: %v", err)
			}
			data, err := c.body(provider.Request{Messages: hello, Sampling: tt.sampling}, "gpt-4o-mini")
			if err != nil {
				t.Fatalf("body: %v", err)
			}
			var body map[string]any
			if err := json.Unmarshal(data, &body); err != nil {
				t.Fatal(err)
			}
			got := map[string]any{}
			for _, k := range []string{"logprobs", "top_logprobs"} {
				if v, ok := body[k]; ok {
					got[k] = v
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("logprobs fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTopLogprobsAnswer(t *testing.T) {
	t.Parallel()
	usage := bench.Usage{Prompt: 20, Completion: 2, Total: 22}
	lps := []float64{-0.0009, -0.5}
	tests := []struct {
		name     string
		stream   bool
		sampling provider.Sampling
		want     []provider.TokenLogprobs
	}{
		{"body with alternatives", false, provider.Sampling{TopLogprobs: 2}, wantTop},
		{"stream with alternatives", true, provider.Sampling{TopLogprobs: 2}, wantTop},
		{"body, logprobs alone", false, provider.Sampling{Logprobs: true}, nil},
		{"stream, logprobs alone", true, provider.Sampling{Logprobs: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body, ct := logprobBody, "application/json"
			if tt.stream {
				body, ct = logprobStream(), "text/event-stream"
			}
			srv := fixed(t, 200, map[string]string{"Content-Type": ct}, body)
			resp, chunks := providertest.GenerateChunks(t, newClient(t, srv.URL), provider.Request{Messages: hello, Sampling: tt.sampling, Stream: tt.stream})
			want := provider.Response{Text: "Olá!", Model: "gpt-4o-mini-2024-07-18", FinishReason: provider.FinishStop, RawFinishReason: "stop",
				Usage: usage, Logprobs: lps, TopLogprobs: tt.want}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			providertest.CheckChunks(t, chunks, "Olá!", tt.stream)
		})
	}
}

// TestChunkDecodeAllocs guards the stream's hot path: a reused decoder
// allocates nothing per chunk, with or without logprobs, once its buffers
// have grown.
func TestChunkDecodeAllocs(t *testing.T) {
	chunks := recordedChunks(t)
	for _, s := range logprobChunks {
		chunks = append(chunks, []byte(s))
	}
	for _, keep := range []bool{false, true} {
		d := chunkDecoder{keepTokens: keep}
		for _, data := range chunks {
			d.decode(data)
		}
		allocs := testing.AllocsPerRun(20, func() {
			for _, data := range chunks {
				if !d.decode(data) {
					t.Fatalf("gave up on %q", data)
				}
			}
		})
		if allocs != 0 {
			t.Errorf("keep tokens %v: %v allocations per pass, want 0", keep, allocs)
		}
	}
}

func TestTokenSpansRollBack(t *testing.T) {
	t.Parallel()
	var s tokenSpans
	s.addEntries([]logprobEntry{{Token: "a", Logprob: -1, TopLogprobs: []logprobAltJSON{{Token: "a", Logprob: -1}}}})
	m := s.mark()
	s.addEntries([]logprobEntry{{Token: "b", TopLogprobs: []logprobAltJSON{{Token: "c"}}}})
	s.truncate(m)
	s.addEntries([]logprobEntry{{Token: "d", Logprob: -2}})
	want := []provider.TokenLogprobs{{Token: "a", Logprob: -1, Top: []provider.TokenLogprob{{Token: "a", Logprob: -1}}}, {Token: "d", Logprob: -2}}
	if diff := cmp.Diff(want, s.appendTo(nil)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	s.reset()
	if got := s.appendTo(nil); got != nil {
		t.Errorf("after reset: %v", got)
	}
}

// TestTopLogprobsSharedBacking checks that appending to one token's Top
// cannot overwrite the next token's alternatives.
func TestTopLogprobsSharedBacking(t *testing.T) {
	t.Parallel()
	var s tokenSpans
	s.addEntries([]logprobEntry{{Token: "a", TopLogprobs: []logprobAltJSON{{Token: "x"}}}, {Token: "b", TopLogprobs: []logprobAltJSON{{Token: "y"}}}})
	got := s.appendTo(nil)
	_ = append(got[0].Top, provider.TokenLogprob{Token: "z"})
	if got[1].Top[0].Token != "y" {
		t.Errorf("second token's alternative became %q", got[1].Top[0].Token)
	}
}

func BenchmarkChunkDecodeLogprobs(b *testing.B) {
	chunks := make([][]byte, len(logprobChunks))
	for i, s := range logprobChunks {
		chunks[i] = []byte(s)
	}
	for _, keep := range []bool{false, true} {
		b.Run(map[bool]string{false: "checked", true: "kept"}[keep], func(b *testing.B) {
			d := chunkDecoder{keepTokens: keep}
			b.ReportAllocs()
			for b.Loop() {
				for _, data := range chunks {
					if !d.decode(data) {
						b.Fatalf("gave up on %q", data)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(chunks)), "ns/chunk")
		})
	}
}

func BenchmarkGenerateStreamTopLogprobs(b *testing.B) {
	srv := replay.Serve(b, []replay.Response{{Body: logprobStream(), Headers: map[string][]string{"Content-Type": {"text/event-stream"}}}})
	providertest.BenchGenerate(b, newClient(b, srv.URL), provider.Request{Messages: hello, Stream: true, Sampling: provider.Sampling{TopLogprobs: 2}})
}
