package httpjson

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func ptr[T any](v T) *T { return &v }

var conversation = []bench.Message{
	{Role: bench.RoleSystem, Content: "Be brief."},
	{Role: bench.RoleUser, Content: "first"},
	{Role: bench.RoleAssistant, Content: "ok"},
	{Role: bench.RoleUser, Content: "Say \"hi\"\n\tin <Portuguese> \u2028 \\ please"},
}

func renderFor(t *testing.T, body any, req provider.Request) string {
	t.Helper()
	tmpl, err := compileBody(body)
	if err != nil {
		t.Fatalf("compileBody: %v", err)
	}
	v, err := newValues(req, "my-model")
	if err != nil {
		t.Fatalf("newValues: %v", err)
	}
	out := tmpl.render(nil, v)
	if !json.Valid(out) {
		t.Fatalf("rendered body is not valid JSON: %s", out)
	}
	return string(out)
}

func TestRender(t *testing.T) {
	t.Parallel()
	full := provider.Request{Messages: conversation, Sampling: provider.Sampling{
		Temperature: ptr(0.7), TopP: ptr(0.9), MaxTokens: ptr(64), Seed: ptr(7), Stop: []string{"END", "\n"}, Logprobs: true,
	}}
	bare := provider.Request{Messages: conversation}
	tests := []struct {
		name string
		body any
		req  provider.Request
		want string // JSON, compared as values
	}{
		{"prompt as a value", `{"input":"{{prompt}}"}`, bare, `{"input":"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please"}`},
		{"spaces inside braces", `{"input":"{{ prompt }}"}`, bare, `{"input":"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please"}`},
		{"prompt inside text is escaped", `{"input":"Q: {{prompt}}\nA:"}`, bare, `{"input":"Q: Say \"hi\"\n\tin <Portuguese> \u2028 \\ please\nA:"}`},
		{"messages as raw JSON", `{"messages":"{{messages}}"}`, bare,
			`{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"first"},{"role":"assistant","content":"ok"},{"role":"user","content":"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please"}]}`},
		{"messages inside text is JSON text", `{"p":"history={{messages}}"}`, provider.Request{Messages: []bench.Message{{Role: "user", Content: "x"}}},
			`{"p":"history=[{\"role\":\"user\",\"content\":\"x\"}]"}`},
		{"system and model", `{"system":"{{system}}","model":"{{model}}","prompt":"{{prompt}}"}`, bare, `{"system":"Be brief.","model":"my-model","prompt":"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please"}`},
		{"sampling set", `{"prompt":"{{prompt}}","t":"{{temperature}}","p":"{{top_p}}","n":"{{max_tokens}}","seed":"{{seed}}","stop":"{{stop}}","lp":"{{logprobs}}"}`, full,
			`{"prompt":"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please","t":0.7,"p":0.9,"n":64,"seed":7,"stop":["END","\n"],"lp":true}`},
		{"sampling unset members are left out", `{"prompt":"{{prompt}}","t":"{{temperature}}","p":"{{top_p}}","n":"{{max_tokens}}","seed":"{{seed}}","stop":"{{stop}}","lp":"{{logprobs}}"}`, bare,
			`{"prompt":"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please","lp":false}`},
		{"unset in an array is null, in text empty", `{"prompt":"{{prompt}}","a":["{{temperature}}"],"s":"t={{temperature}};"}`, bare,
			`{"prompt":"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please","a":[null],"s":"t=;"}`},
		{"numbers in text", `{"s":"{{prompt}} t={{temperature}} n={{max_tokens}}"}`, provider.Request{Messages: []bench.Message{{Role: "user", Content: "x"}}, Sampling: provider.Sampling{Temperature: ptr(0.0), MaxTokens: ptr(10)}},
			`{"s":"x t=0 n=10"}`},
		{"nested objects and literals kept", `{"params":{"options":{"num_predict":"{{max_tokens}}","fixed":[1,2.50,true,null,"x"]},"prompt":"{{prompt}}"},"big":12345678901234567890}`, full,
			`{"params":{"options":{"num_predict":64,"fixed":[1,2.50,true,null,"x"]},"prompt":"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please"},"big":12345678901234567890}`},
		{"table from the config", map[string]any{"model": "{{model}}", "n": int64(3), "inner": map[string]any{"p": "{{prompt}}"}, "list": []any{"{{system}}", 1.5}}, bare,
			`{"model":"my-model","n":3,"inner":{"p":"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please"},"list":["Be brief.",1.5]}`},
		{"top-level array", `["{{prompt}}", "{{system}}"]`, bare, `["Say \"hi\"\n\tin <Portuguese> \u2028 \\ please","Be brief."]`},
		{"top-level string", `"{{prompt}}"`, bare, `"Say \"hi\"\n\tin <Portuguese> \u2028 \\ please"`},
		{"no user message", `{"p":"{{prompt}}","s":"{{system}}"}`, provider.Request{}, `{"p":"","s":""}`},
		{"stray closing braces are text", `{"p":"}} {{prompt}} }}"}`, provider.Request{Messages: []bench.Message{{Role: "user", Content: "x"}}}, `{"p":"}} x }}"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := renderFor(t, tt.body, tt.req)
			var g, w any
			dec := json.NewDecoder(strings.NewReader(got))
			dec.UseNumber()
			if err := dec.Decode(&g); err != nil {
				t.Fatal(err)
			}
			dec = json.NewDecoder(strings.NewReader(tt.want))
			dec.UseNumber()
			if err := dec.Decode(&w); err != nil {
				t.Fatalf("want: %v", err)
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("rendered %s\n(-want +got):\n%s", got, diff)
			}
		})
	}
}

func TestRenderEscapesInvalidUTF8(t *testing.T) {
	t.Parallel()
	got := renderFor(t, `{"p":"a{{prompt}}b"}`, provider.Request{Messages: []bench.Message{{Role: "user", Content: "x\xffy\x01"}}})
	if want := `{"p":"ax\ufffdy\u0001b"}`; got != want {
		t.Errorf("rendered %s, want %s", got, want)
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   any
		wantIn string
	}{
		{"unknown variable", `{"p":"{{promt}}"}`, "unknown variable {{promt}} (known: {{logprobs}}, {{max_tokens}}, {{messages}}"},
		{"unclosed", `{"p":"{{prompt"}`, "without a closing }}"},
		{"unknown variable deep", `{"a":{"b":["{{x}}"]}}`, "at $.a.b[0]"},
		{"not JSON", `{"p": {{prompt}}}`, "not valid JSON"},
		{"two values", `{} {}`, "more than one value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := compileBody(tt.body)
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("compileBody error = %v, want %q", err, tt.wantIn)
			}
		})
	}
}

func TestNonFiniteSampling(t *testing.T) {
	t.Parallel()
	inf := 1.0
	for range 2000 {
		inf *= 10
	}
	if _, err := newValues(provider.Request{Sampling: provider.Sampling{Temperature: &inf}}, "m"); err == nil {
		t.Fatal("newValues accepted an infinite temperature")
	}
}
