package simulator

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var geminiSeeds = []string{
	`{"contents":[{"parts":[{"text":"Say hi in Portuguese"}],"role":"user"}],"generationConfig":{"maxOutputTokens":4000},"systemInstruction":{"parts":[{"text":"You are a helpful assistant"}],"role":"user"}}`,
	`{"contents":[{"role":"user","parts":[{"text":"a"},{"inlineData":{"mimeType":"image/png","data":"AA=="}},{"text":"b","thought":true}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]}],"system_instruction":{"parts":[{"text":"s"}]},"generation_config":{"max_output_tokens":7,"temperature":0.5,"stopSequences":["x"],"response_logprobs":true,"logprobs":3},"safetySettings":[]}`,
	`{}`, `{"contents":[]}`, `{"contents":null}`, `{"Contents":[{"parts":[{"text":"x"}]}]}`, `{"generationConfig":{"maxOutputTokens":1.5}}`,
	`{"contents":[{"parts":[{"text":null}]}]}`, `{"systemInstruction":{"role":"a"},"systemInstruction":{"parts":[{"text":"b"}]}}`,
	`{"generationConfig":{"responseLogprobs":null,"logprobs":null}}`, `{"generationConfig":{"responseLogprobs":true,"responseLogprobs":false,"logprobs":2,"logprobs":-1}}`,
	`{"contents":[{"parts":[{"text":"a"}]}],"generationConfig":{"stopSequences":["x"],"stop_sequences":null}}`,
}

// FuzzFastParseGemini is a differential fuzz test: whatever the fast parser
// accepts, encoding/json must accept and decode to the same request.
func FuzzFastParseGemini(f *testing.F) {
	for _, s := range geminiSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast geminiRequest
		if !fastParseGemini(body, &fast) {
			return
		}
		var std geminiRequest
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", body, err)
		}
		if diff := cmp.Diff(std, fast); diff != "" {
			t.Fatalf("%q (-encoding/json +fast):\n%s", body, diff)
		}
	})
}

func TestFastParseGeminiCommonShapes(t *testing.T) {
	t.Parallel()
	for i, body := range geminiSeeds[:2] {
		var req geminiRequest
		if !fastParseGemini([]byte(body), &req) {
			t.Errorf("seed %d: fast path refused %s", i, body)
		}
	}
	var req geminiRequest
	if !fastParseGemini([]byte(geminiSeeds[1]), &req) || req.maxTokens() != 7 || req.system() != "s" || req.lastUserText() != "a\nb" {
		t.Errorf("decoded %+v", req)
	}
	if on, top := req.logprobs(); !on || top != 3 {
		t.Errorf("logprobs %v %d, want on with 3 alternatives", on, top)
	}
}
