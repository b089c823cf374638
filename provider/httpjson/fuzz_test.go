package httpjson

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// FuzzRenderBody renders arbitrary templates with arbitrary prompts: a
// template that compiles must always render valid JSON.
func FuzzRenderBody(f *testing.F) {
	f.Add(`{"model":"{{model}}","messages":"{{messages}}","max_tokens":"{{max_tokens}}"}`, "Say hi in Portuguese", 0.7)
	f.Add(`{"contents":[{"parts":[{"text":"{{prompt}}"}],"role":"user"}],"generationConfig":{"temperature":"{{temperature}}"}}`, "\"quoted\"\n\\", math.NaN())
	f.Add(`["{{ prompt }}", "x{{system}}y{{stop}}", "{{seed}}", {"t":"{{top_p}}"}]`, "\u2028\x00\xff", 1e300)
	f.Add(`"{{logprobs}}"`, "", 0.0)
	f.Fuzz(func(t *testing.T, tmpl, prompt string, temp float64) {
		tp, err := compileBody(tmpl)
		if err != nil {
			return
		}
		req := provider.Request{Messages: []bench.Message{{Role: bench.RoleSystem, Content: prompt + "!"}, {Role: bench.RoleUser, Content: prompt}},
			Sampling: provider.Sampling{Stop: []string{prompt}, Seed: ptr(len(prompt))}}
		if !math.IsNaN(temp) && !math.IsInf(temp, 0) {
			req.Sampling.Temperature, req.Sampling.TopP = &temp, &temp
		}
		v, err := newValues(req, prompt)
		if err != nil {
			t.Fatalf("newValues: %v", err)
		}
		out := tp.render(nil, v)
		if !json.Valid(out) {
			t.Fatalf("template %q with prompt %q rendered invalid JSON: %s", tmpl, prompt, out)
		}
	})
}

// FuzzRenderString checks that a prompt placed inside text comes back
// exactly when the rendered body is decoded.
func FuzzRenderString(f *testing.F) {
	f.Add("Q: ", "Say \"hi\"\n", "\nA:")
	f.Add("", "\u2028</script>\t\\u0000", "}}")
	f.Fuzz(func(t *testing.T, prefix, prompt, suffix string) {
		if strings.Contains(prefix, "{{") || strings.Contains(suffix, "{{") || strings.HasSuffix(prefix, "{") ||
			!utf8.ValidString(prefix) || !utf8.ValidString(prompt) || !utf8.ValidString(suffix) {
			return
		}
		tmpl, err := json.Marshal(map[string]string{"a": prefix + "{{prompt}}" + suffix})
		if err != nil {
			t.Fatal(err)
		}
		tp, err := compileBody(string(tmpl))
		if err != nil {
			t.Fatalf("compileBody(%s): %v", tmpl, err)
		}
		v, err := newValues(provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: prompt}}}, "m")
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		if err := json.Unmarshal(tp.render(nil, v), &got); err != nil {
			t.Fatalf("rendered invalid JSON: %v", err)
		}
		if want := prefix + prompt + suffix; got["a"] != want {
			t.Fatalf("got %q, want %q", got["a"], want)
		}
	})
}
