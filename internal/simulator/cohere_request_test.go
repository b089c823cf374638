package simulator

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var cohereSeeds = []string{
	`{"model":"command-a-03-2025","messages":[{"role":"system","content":"You are a helpful assistant"},{"role":"user","content":"Say hi in Portuguese"}],"max_tokens":4000}`,
	`{"model":"command-a-03-2025","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]},{"role":"assistant","tool_plan":"p","tool_calls":[]},{"role":"tool","tool_call_id":"c","content":"r"}],"temperature":0.3,"p":0.75,"k":0,"seed":1,"stop_sequences":["x"]}`,
	`{}`, `{"messages":[]}`, `{"messages":null,"max_tokens":null}`, `{"Model":"x"}`, `{"max_tokens":1.5}`, `{"stream":"yes"}`,
	`{"model":"m","messages":[{"role":"user","content":"a"}],"stop_sequences":["x"]}`, `{"model":"m","stop_sequences":[1]}`,
}

// FuzzFastParseCohere is a differential fuzz test: whatever the fast parser
// accepts, encoding/json must accept and decode to the same request.
func FuzzFastParseCohere(f *testing.F) {
	for _, s := range cohereSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast cohereRequest
		if !fastParseCohere(body, &fast) {
			return
		}
		var std cohereRequest
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", body, err)
		}
		if diff := cmp.Diff(std, fast); diff != "" {
			t.Fatalf("%q (-encoding/json +fast):\n%s", body, diff)
		}
	})
}

func TestFastParseCohereCommonShapes(t *testing.T) {
	t.Parallel()
	for i, body := range cohereSeeds[:2] {
		var req cohereRequest
		if !fastParseCohere([]byte(body), &req) {
			t.Errorf("seed %d: fast path refused %s", i, body)
		}
	}
}
