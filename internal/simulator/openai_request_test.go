package simulator

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var requestSeeds = []string{
	`{"messages":[{"content":"You are a helpful assistant","role":"system"},{"content":"Say hi in Portuguese","role":"user"}],"model":"gpt-4o-mini","max_tokens":4000}`,
	`{"messages":[{"content":"You are a helpful assistant","role":"system"},{"content":"Say hi in Portuguese","role":"user"}],"model":"gpt-4o-mini","max_tokens":4000,"stream_options":{"include_usage":true},"stream":true}`,
	` { "model" : "m\u00e9" , "messages" : [ { "role" : "user" , "content" : "caf\u00e9 \"q\" ✓" , "name" : "x" } ] } `,
	`{"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:x","detail":"low"}},{"type":"text","text":"b"}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}]}`,
	`{"messages":[{"role":"user","content":"x"}],"temperature":0.7,"top_p":1e-3,"stop":["a","b"],"n":1,"logit_bias":{"50256":-100},"seed":-42,"user":null,"stream":false,"max_completion_tokens":7,"logprobs":true,"top_logprobs":5,"stream_options":{"include_usage":false,"include_obfuscation":false,"extra":[true,false,null]}}`,
	`{"messages":[]}`, `{}`, `{"Model":"x","messages":[]}`, `{"messages":null}`, `{"max_tokens":1.5,"messages":[]}`,
	`{"stream_options":{"include_usage":true},"stream_options":{},"messages":[{"role":"user","content":"x"}]}`,
	`{"messages":[{"role":"user","content":"\xff\xfe"}]}`, `{"messages":[{"role":"user","content":"a\u0000b\ud83d\ude00"}]}`,
	`{"messages":[{"role":"user","content":"x"}],"logprobs":null,"top_logprobs":null}`, `{"top_logprobs":1.5,"logprobs":1}`,
	`{"logprobs":true,"logprobs":false,"top_logprobs":2,"top_logprobs":3}`,
	`{"model":"m","messages":[{"role":"user","content":"a"}],"stop":"x","n":2}`, `{"n":null}`, `{"messages":[],"stop":["a","b"]}`, `{"stop":null}`,
}

// TestFastParseChatCommonShapes checks that everyday requests take the
// fast path and decode like encoding/json.
func TestFastParseChatCommonShapes(t *testing.T) {
	t.Parallel()
	for i, body := range requestSeeds[:5] {
		var fast, std chatRequest
		if !fastParseChat([]byte(body), &fast) {
			t.Errorf("seed %d: fast path refused %s", i, body)
			continue
		}
		if err := json.Unmarshal([]byte(body), &std); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(std, fast); diff != "" {
			t.Errorf("seed %d (-encoding/json +fast):\n%s", i, diff)
		}
	}
	for _, body := range []string{`{"Model":"x","messages":[]}`, `{"max_tokens":1.5}`, `{"messages":null}`, `{`, `{"messages":[]} x`} {
		var req chatRequest
		if fastParseChat([]byte(body), &req) {
			t.Errorf("fast path accepted %s, which encoding/json must handle", body)
		}
	}
}

// FuzzFastParseChat is a differential fuzz test: whatever the fast parser
// accepts, encoding/json must accept and decode to the same request.
func FuzzFastParseChat(f *testing.F) {
	for _, s := range requestSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast chatRequest
		if !fastParseChat(body, &fast) {
			return
		}
		var std chatRequest
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", body, err)
		}
		if diff := cmp.Diff(std, fast); diff != "" {
			t.Fatalf("%q (-encoding/json +fast):\n%s", body, diff)
		}
	})
}

func BenchmarkParseChatRequest(b *testing.B) {
	body := []byte(requestSeeds[1])
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var req chatRequest
			fastParseChat(body, &req)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var req chatRequest
			_ = json.Unmarshal(body, &req)
		}
	})
}

// TestFastParseRepeatedArrays checks that a repeated array key, which
// encoding/json decodes over the first array's elements, leaves the fast
// path.
func TestFastParseRepeatedArrays(t *testing.T) {
	t.Parallel()
	body := []byte(`{"messages":[{"role":"user","content":"x"}],"messages":[{}]}`)
	var req chatRequest
	if fastParseChat(body, &req) {
		t.Errorf("fast path accepted %s", body)
	}
}
