package openai

import (
	"bytes"
	"encoding/json"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/sse"
)

// simulatorChunks are the shapes internal/simulator/openai_encode.go writes.
var simulatorChunks = []string{
	`{"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1782321917,"model":"sim-model","service_tier":"default","system_fingerprint":"fp_sim","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"abcd"}`,
	`{"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1782321917,"model":"sim-model","service_tier":"default","system_fingerprint":"fp_sim","choices":[{"index":0,"delta":{"content":" hello\n\"w\u00e9\ud83d\ude00"},"logprobs":null,"finish_reason":null}],"usage":null}`,
	`{"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1782321917,"model":"sim-model","service_tier":"default","system_fingerprint":"fp_sim","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}`,
	`{"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1782321917,"model":"sim-model","service_tier":"default","system_fingerprint":"fp_sim","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,"prompt_tokens_details":{"cached_tokens":3,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":7,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}`,
	`{"choices":[{"index":0,"delta":{"content":"a"},"logprobs":{"content":[{"token":"a","logprob":-0.25,"bytes":[97],"top_logprobs":[]},null,{"logprob":-1e-3}],"refusal":null}}]}`,
	`{"choices":[{"index":1,"delta":{"content":"x"},"finish_reason":"length"},{"delta":{"content":"y"},"message":{"content":"z"},"finish_reason":"stop"}]}`,
	`{"error":{"message":"rate limited","type":"requests","code":429}}`,
	`{"error":null,"choices":null,"usage":{},"model":null}`,
	`{"choices":[{"delta":{"content":[{"type":"text","text":"parts"}]}}]}`,
	`{"choices":[{"delta":{"content":"\ud800 lone \udc00 \ud800\u0041"}}],"x":[1,-0.5e+3,true,false,null,{"a":"\u00ff\/"}]}`,
}

// recordedChunks returns the data of every SSE event in the streaming recordings.
func recordedChunks(t testing.TB) [][]byte {
	t.Helper()
	var names []string
	for _, dir := range openAIWireDirs {
		for _, n := range replay.Glob(t, dir+"/*/*streaming*.yaml") {
			// Tool call chunks are left to encoding/json (TestFastChunkLeavesToolCalls).
			if !strings.Contains(path.Base(n), "tool") {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no streaming recordings")
	}
	var out [][]byte
	for _, rel := range names {
		body := recordedBody(t, rel)
		dec := sse.NewDecoder(strings.NewReader(body))
		for {
			ev, err := dec.Next()
			if err != nil {
				break
			}
			if data := bytes.TrimSpace(ev.Data); len(data) > 0 && !ev.Done() {
				out = append(out, bytes.Clone(data))
			}
		}
	}
	return out
}

// checkFast requires the fast decoder to agree with encoding/json whenever it
// claims success, and reports whether it did. The tokens are compared as
// the Response gets them, so how the buffers are laid out does not matter.
func checkFast(t *testing.T, d *chunkDecoder, data []byte) bool {
	t.Helper()
	if !d.decode(data) {
		return false
	}
	var comp completion
	if err := json.Unmarshal(data, &comp); err != nil {
		t.Fatalf("fast path accepted %q, encoding/json says %v", data, err)
	}
	want, got := fieldsOf(&comp, d.keepTokens), d.chunkFields
	if !bytes.Equal(got.text, want.text) || !bytes.Equal(got.model, want.model) || !bytes.Equal(got.finish, want.finish) ||
		!slices.Equal(got.logprobs, want.logprobs) || got.usage != want.usage || got.hasUsage != want.hasUsage || got.hasError != want.hasError ||
		got.promptN != want.promptN || got.hasPromptN != want.hasPromptN || got.delta != want.delta {
		t.Fatalf("%q:\nfast %+v\njson %+v", data, got, want)
	}
	if diff := cmp.Diff(want.spans.appendTo(nil), got.spans.appendTo(nil)); diff != "" {
		t.Fatalf("%q: tokens (-json +fast):\n%s", data, diff)
	}
	if !d.keepTokens && len(got.spans.tokens)+len(got.spans.alts)+len(got.spans.text) > 0 {
		t.Fatalf("%q: tokens kept although not asked for", data)
	}
	return true
}

// TestFastChunkLeavesToolCalls: the fast path gives up on every recorded
// chunk with tool calls, so encoding/json joins their fragments.
func TestFastChunkLeavesToolCalls(t *testing.T) {
	files := replay.Glob(t, "*/*/*tool_streaming.yaml")
	if len(files) < 4 {
		t.Fatalf("tool recordings: %v", files)
	}
	n := 0
	for _, rel := range files {
		dec := sse.NewDecoder(strings.NewReader(recordedBody(t, rel)))
		for ev, err := dec.Next(); err == nil; ev, err = dec.Next() {
			if !bytes.Contains(ev.Data, []byte(`"tool_calls":[`)) {
				continue
			}
			n++
			d := chunkDecoder{}
			if d.decode(bytes.TrimSpace(ev.Data)) {
				t.Errorf("%s: fast path took a tool call chunk %q", rel, ev.Data)
			}
		}
	}
	if n == 0 {
		t.Fatal("no tool call chunks")
	}
}

func TestFastChunkAcceptsRecordings(t *testing.T) {
	chunks := recordedChunks(t)
	for _, s := range simulatorChunks[:8] {
		chunks = append(chunks, []byte(s))
	}
	for _, s := range logprobChunks {
		chunks = append(chunks, []byte(s))
	}
	for _, keep := range []bool{false, true} {
		d := chunkDecoder{keepTokens: keep}
		for _, data := range chunks {
			if !checkFast(t, &d, data) {
				t.Errorf("fast path (keep tokens %v) gave up on %q", keep, data)
			}
		}
	}
}

func FuzzFastChunk(f *testing.F) {
	for _, data := range recordedChunks(f) {
		f.Add(data)
	}
	for _, s := range simulatorChunks {
		f.Add([]byte(s))
	}
	for _, s := range []string{`{"Model":"x"}`, `{"model":"a","model":"b"}`, `{"usage":{"prompt_tokens":1.0}}`, `{"choices":[{"index":1e0}]}`,
		`{"choices":[{"message":{"content":"m"},"delta":{"content":"d"}}]}`, `{"model":"\xff\xfe"}`, `{"a":"\u12"}`, `null`, ` {} `, `{"choices":[{"logprobs":{"content":[{"logprob":1e400}]}}]}`, `{"usage":{"cost":null}}`, `{"usage":{"cost":1.5e-5,"cost":2}}`,
		`{"timings":{"prompt_n":null}}`, `{"timings":{"prompt_n":2.5}}`, `{"timings":null,"choices":[{"index":0,"delta":null},{"index":1,"delta":{}}]}`} {
		f.Add([]byte(s))
	}
	for _, s := range logprobChunks {
		f.Add([]byte(s))
	}
	for _, s := range []string{`{"choices":[{"logprobs":{"content":[{"token":5}]}}]}`, `{"choices":[{"logprobs":{"content":[{"top_logprobs":{}}]}}]}`,
		`{"choices":[{"logprobs":{"content":[{"top_logprobs":[null,{"token":null,"logprob":null}],"token":"a","token":"b"}]}}]}`,
		`{"choices":[{"index":1,"logprobs":{"content":[{"token":"x","top_logprobs":[{"token":"y"}]}]}},{"logprobs":{"content":[{"token":"\u00e9\ud800"}]}}]}`,
		`{"choices":[{"logprobs":{"content":[{"top_logprobs":[{"token":"\q"}]}]}}]}`, `{"choices":[{"logprobs":{"content":[{"top_logprobs":[{"Token":"a"}]}]}}]}`} {
		f.Add([]byte(s))
	}
	warm := []byte(logprobChunks[0])
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, keep := range []bool{false, true} {
			d := chunkDecoder{keepTokens: keep}
			checkFast(t, &d, warm) // the decoder is reused from chunk to chunk
			checkFast(t, &d, bytes.TrimSpace(data))
		}
	})
}

func BenchmarkChunkDecode(b *testing.B) {
	chunks := recordedChunks(b)
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range chunks {
				var comp completion
				if err := json.Unmarshal(data, &comp); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(chunks)), "ns/chunk")
	})
	b.Run("fast", func(b *testing.B) {
		var d chunkDecoder
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
