package simulator

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var anthropicSeeds = []string{
	`{"max_tokens":4000,"messages":[{"content":[{"text":"Say hi in Portuguese","type":"text"}],"role":"user"}],"model":"claude-sonnet-4-20250514","system":[{"text":"You are a helpful assistant","type":"text"}]}`,
	`{"max_tokens":4000,"messages":[{"content":[{"text":"Say hi in Portuguese","type":"text"}],"role":"user"}],"model":"claude-sonnet-4-20250514","system":[{"text":"You are a helpful assistant","type":"text"}],"stream":true}`,
	`{"model":"m","max_tokens":5,"system":"be brief","messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}},{"type":"text","text":"c","cache_control":{"type":"ephemeral"}}]}],"temperature":0.5,"stop_sequences":["x"],"metadata":{"user_id":"u"}}`,
	`{"model":"m","max_tokens":-1,"messages":[]}`, `{}`, `{"Model":"x"}`, `{"max_tokens":1.5}`, `{"system":null,"messages":null}`,
	`{"model":"m\u00e9","max_tokens":1,"messages":[{"role":"user","content":"\ud83d\ude00 \"q\""}],"stream":false}`,
	`{"model":"m","max_tokens":5,"stop_sequences":["x",""],"messages":[{"role":"user","content":"a"}]}`, `{"model":"m","max_tokens":5,"stop_sequences":null,"messages":[]}`,
}

// FuzzFastParseAnthropic is a differential fuzz test: whatever the fast
// parser accepts, encoding/json must accept and decode to the same request.
func FuzzFastParseAnthropic(f *testing.F) {
	for _, s := range anthropicSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast anthropicRequest
		if !fastParseAnthropic(body, &fast) {
			return
		}
		var std anthropicRequest
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", body, err)
		}
		if diff := cmp.Diff(std, fast); diff != "" {
			t.Fatalf("%q (-encoding/json +fast):\n%s", body, diff)
		}
	})
}

func TestFastParseAnthropicCommonShapes(t *testing.T) {
	t.Parallel()
	for i, body := range anthropicSeeds[:3] {
		var req anthropicRequest
		if !fastParseAnthropic([]byte(body), &req) {
			t.Errorf("seed %d: fast path refused %s", i, body)
		}
	}
}
