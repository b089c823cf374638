package simulator

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var ollamaSeeds = []string{
	`{"model":"llama3.2","messages":[{"role":"system","content":"You are a helpful assistant"},{"role":"user","content":"Say hi in Portuguese"}],"stream":false,"options":{"num_predict":4000}}`,
	`{"model":"llama3.2","messages":[{"role":"user","content":"x","images":["AA=="]},{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{}}}]}],"options":{"temperature":0.8,"num_predict":-1,"stop":["\n"]},"format":"json","keep_alive":"5m","think":true}`,
	`{}`, `{"model":"m","messages":[]}`, `{"messages":null,"stream":null}`, `{"Model":"x"}`, `{"options":{"num_predict":1.5}}`,
	`{"model":"m","messages":[{"role":"user","content":["a"]}]}`, `{"stream":true,"stream":false}`, `{"model":"m"} trailing`,
	`{"model":"m","messages":[{"role":"user","content":"a"}],"options":{"num_predict":3,"stop":["x","y"]}}`,
}

// FuzzFastParseOllama is a differential fuzz test: whatever the fast parser
// accepts, encoding/json must accept and decode to the same request.
func FuzzFastParseOllama(f *testing.F) {
	for _, s := range ollamaSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast ollamaRequest
		if !fastParseOllama(body, &fast) {
			return
		}
		var std ollamaRequest
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", body, err)
		}
		if diff := cmp.Diff(std, fast); diff != "" {
			t.Fatalf("%q (-encoding/json +fast):\n%s", body, diff)
		}
	})
}

func TestFastParseOllamaCommonShapes(t *testing.T) {
	t.Parallel()
	for i, body := range ollamaSeeds[:2] {
		var req ollamaRequest
		if !fastParseOllama([]byte(body), &req) {
			t.Errorf("seed %d: fast path refused %s", i, body)
		}
	}
}

// FuzzParseOllamaEmbed checks that any body either fails with Ollama's
// error or yields a model, texts and dimensions the handler can use.
func FuzzParseOllamaEmbed(f *testing.F) {
	for _, s := range []string{`{"model":"m","input":"x"}`, `{"model":"m","input":["a","b"],"dimensions":3}`, `{"model":"m","input":5}`,
		`{"input":null}`, ``, `{"model":"m","input":"\u00e9","dimensions":-1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, inputs, e := parseOllamaEmbed(body)
		if e != nil {
			if e.status != 400 || e.message == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if req.Model == "" || req.Dimensions < 0 || req.Dimensions > MaxEmbedDimensions {
			t.Fatalf("accepted %+v", req)
		}
		dim := req.Dimensions
		if dim == 0 {
			dim = EmbedDimensions
		}
		vec := make([]float32, dim)
		for _, in := range inputs {
			var back []float64
			if err := json.Unmarshal(appendVector(nil, embed(vec, in)), &back); err != nil || len(back) != dim {
				t.Fatalf("vector of %q: %v", in, err)
			}
		}
	})
}
